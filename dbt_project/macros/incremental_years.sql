{#-
    Incremental builds per survey_year (docs/benchmarks.md, round 3). A model that is
    incremental per year has

        {{ config(materialized='incremental', incremental_strategy='delete+insert',
                  unique_key='survey_year', on_schema_change='fail') }}

    and filters its per-year inputs with where_survey_year_to_build(). With the dbt var
    survey_years_to_build (a list of years, passed by pipelines/transform/assets.py only when
    the warehouse's other years are still valid, pipelines/transform/incremental.py) the rows
    of exactly those years are deleted and rebuilt; without it, or on a full refresh, every
    year is built. Only models whose rows of a year depend on that year's inputs alone may
    use it.

    survey_years_to_build_sql(): the years to rebuild as a SQL list ("2021, 2022"), or none
    when every year is to be built.
    where_survey_year_to_build(): "where survey_year in (...)" or nothing.
-#}
{% macro survey_years_to_build_sql() -%}
    {%- if is_incremental() and var('survey_years_to_build', none) is not none -%}
        {{ return((var('survey_years_to_build') | map('int') | join(', ')) or 'null') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{% macro where_survey_year_to_build() -%}
    {%- set years = survey_years_to_build_sql() -%}
    {%- if years is not none -%}
        where survey_year in ({{ years }})
    {%- endif -%}
{%- endmacro %}
