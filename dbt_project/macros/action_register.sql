{#-
    action_register_source(table, columns): the source actions.<table>, the register's
    Parquet file under <data root>/warehouse/actions/, when it exists, else an empty relation
    with `columns` ({name: DuckDB type}) (optional_source). The pipeline's action_register
    asset always writes the files (pipelines/actions/register.py).
-#}
{% macro action_register_source(table, columns) -%}
    {{ optional_source('actions', table, columns) }}
{%- endmacro %}
