{#-
    check_quality_thresholds(): checks the council's quality thresholds, the var
    quality_thresholds (dbt_project.yml, their one declaration), and renders nothing:

        response_rate: {warn_below, fail_below}, dont_know_share: {warn_above},
        blank_share: {warn_above}      fractions 0-1, fail_below <= warn_below
        min_cell_respondents           a whole number >= 1 (the failing level of min_respondents)

    Raises a compiler error for a missing level, a value that is not a fraction between 0
    and 1, or fail_below above warn_below: a wrong threshold must stop the build, not judge
    a year. Models read the values with var('quality_thresholds') after calling it.
-#}
{% macro check_quality_thresholds() -%}
    {%- set declared = var('quality_thresholds') -%}
    {%- set levels = {} -%}
    {%- for section, key in [
        ('response_rate', 'warn_below'),
        ('response_rate', 'fail_below'),
        ('dont_know_share', 'warn_above'),
        ('blank_share', 'warn_above'),
    ] -%}
        {%- set values = declared[section] if (declared is mapping and section in declared) else none -%}
        {%- set value = values[key] if (values is mapping and key in values) else none -%}
        {%- if value is none -%}
            {{ exceptions.raise_compiler_error(
                "The var quality_thresholds needs " ~ section ~ "." ~ key ~ " (dbt_project.yml).") }}
        {%- elif value is not number or value is sameas true or value is sameas false
              or value < 0 or value > 1 -%}
            {{ exceptions.raise_compiler_error(
                "quality_thresholds " ~ section ~ "." ~ key
                ~ " must be a fraction between 0 and 1, got " ~ value ~ ".") }}
        {%- else -%}
            {%- do levels.update({section ~ '.' ~ key: value}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if levels | length == 4 and levels['response_rate.fail_below'] > levels['response_rate.warn_below'] -%}
        {{ exceptions.raise_compiler_error(
            "quality_thresholds response_rate.fail_below must not exceed response_rate.warn_below ("
            ~ levels['response_rate.fail_below'] ~ " > " ~ levels['response_rate.warn_below'] ~ ").") }}
    {%- endif -%}
    {%- set minimum = var('min_cell_respondents') -%}
    {%- if minimum is not number or minimum is sameas true or minimum < 1 -%}
        {{ exceptions.raise_compiler_error(
            "The var min_cell_respondents must be a whole number of at least 1, got " ~ minimum ~ ".") }}
    {%- endif -%}
{%- endmacro %}
