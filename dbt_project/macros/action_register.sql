{#-
    action_register_source(table, columns): source('actions', table) when the register's
    Parquet file exists under $MOGNAD_DATA_DIR/warehouse/actions/, else an empty relation with
    `columns` ({name: DuckDB type}) (optional_source). The pipeline's action_register asset
    always writes the files (pipelines/actions/register.py).
-#}
{% macro action_register_source(table, columns) -%}
    {{ optional_source(
        'actions', table, env_var('MOGNAD_DATA_DIR') ~ '/warehouse/actions/' ~ table ~ '.parquet', columns
    ) }}
{%- endmacro %}
