{#-
    optional_source(source_name, table_name, columns): the source's reader over its files
    under the data root (data_root_source) when a file matches its data_root_path, else an
    empty relation with `columns` ({name: DuckDB type}). For inputs a data root may not have
    yet: the action register (action_register_source) and the council's sign-off log
    (council_signoff_log), so that a warehouse without them (a dbt build by hand, the tests'
    small warehouses, a data root where nothing was signed off) builds with no rows instead
    of failing. At parse time (no connection) the source relation is returned.
-#}
{% macro optional_source(source_name, table_name, columns) -%}
    {%- if execute -%}
        {%- set path = data_root_path(source_name, table_name).replace("'", "''") -%}
        {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- else -%}
        {%- set found = 1 -%}
    {%- endif -%}
    {%- if found > 0 -%}
        {{ data_root_source(source_name, table_name) }}
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
