{#-
    council_signoff_log(): the source council.signoffs, the sign-off log
    <data root>/<var signoff_log>, when it exists, else an empty relation with its one column
    (optional_source): a data root where nothing was ever signed off builds with every year
    preliminary and no overrules.
-#}
{% macro council_signoff_log() -%}
    {{ optional_source('council', 'signoffs', {'json': 'json'}) }}
{%- endmacro %}
