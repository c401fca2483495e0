{#-
    council_signoff_log(): source('council', 'signoffs') when the sign-off log
    $MOGNAD_DATA_DIR/<var signoff_log> exists, else an empty relation with its one column
    (optional_source): a data root where nothing was ever signed off builds with every year
    preliminary and no overrules.
-#}
{% macro council_signoff_log() -%}
    {{ optional_source(
        'council', 'signoffs', env_var('MOGNAD_DATA_DIR') ~ '/' ~ var('signoff_log'), {'json': 'json'}
    ) }}
{%- endmacro %}
