{#-
    council_signoff_log(): the relation of source('council', 'signoffs') when the sign-off log
    $MOGNAD_DATA_DIR/<var signoff_log> exists, else an empty relation with its columns,
    so that a data root where nothing was ever signed off builds (every year preliminary, no
    overrules) instead of failing.
-#}
{% macro council_signoff_log() -%}
    {%- set relation = source('council', 'signoffs') -%}
    {%- if execute -%}
        {%- set path = env_var('MOGNAD_DATA_DIR') ~ '/' ~ var('signoff_log') -%}
        {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- else -%}
        {%- set found = 1 -%}
    {%- endif -%}
    {%- if found > 0 -%}
        {{ relation }}
    {%- else -%}
        (
            select cast(null as json) as json
            where false
        )
    {%- endif -%}
{%- endmacro %}
