{#-
    Use a model's custom schema name as-is (`marts`, not `main_marts`), so the publish
    step can copy "every model in schema marts". Without a custom schema the target's
    schema is used.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
