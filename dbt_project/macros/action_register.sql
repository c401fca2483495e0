{#-
    action_register_source(table, columns): the relation of source('actions', table) when the
    register's Parquet file exists under $MOGNAD_DATA_DIR/warehouse/actions/, else an empty
    relation with `columns` ({name: DuckDB type}), so that a warehouse whose register has never
    been loaded (a dbt build by hand, the tests' small warehouses) builds with no actions
    instead of failing. The pipeline's action_register asset always writes the files
    (pipelines/actions/register.py).
-#}
{% macro action_register_source(table, columns) -%}
    {%- set relation = source('actions', table) -%}
    {%- if execute -%}
        {%- set path = env_var('MOGNAD_DATA_DIR') ~ '/warehouse/actions/' ~ table ~ '.parquet' -%}
        {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- else -%}
        {%- set found = 1 -%}
    {%- endif -%}
    {%- if found > 0 -%}
        {{ relation }}
    {%- else -%}
        (
            select
                {%- for name, type in columns.items() %}
                cast(null as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
                {%- endfor %}
            where false
        )
    {%- endif -%}
{%- endmacro %}
