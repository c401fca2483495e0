{#-
    Incremental builds per survey_year (docs/benchmarks.md). A model that is
    incremental per year has

        {{ config(materialized='incremental', incremental_strategy='delete+insert',
                  unique_key='survey_year', on_schema_change='fail') }}

    and filters its per-year inputs with where_survey_year_to_build(). With the environment
    variable MOGNAD_SURVEY_YEARS_TO_BUILD (years separated by commas, e.g. "2021" or
    "2019,2021") the rows of exactly those years are deleted and rebuilt; without it (unset
    or empty), or on a full refresh, every year is built. Only models whose rows of a year
    depend on that year's inputs alone may use it. The pipeline sets it to the years promoted
    since the model was last built, or builds with --full-refresh when the dbt project
    changed (pipelines/transform/incremental.py); by hand, see the README.

    The years are an environment variable read only when dbt executes (never while it
    parses: the `execute` guard), not a dbt var: dbt keeps the --vars of its last parse in
    its partial-parse state and parses the whole project again when they differ, so a var
    that names the years made every incremental build parse in full (docs/data-contracts.md).

    survey_years_to_build_list(): the years named in the variable as a SQL list
    ("2021, 2022"), or none when it is unset or empty, and always while parsing. Raises a
    compiler error for a value that is not a year.
    survey_years_to_build_sql(): the same, but only inside an incremental run of an
    incremental model (none otherwise: build every year).
    where_survey_year_to_build(): "where survey_year in (...)" or nothing.
-#}
{% macro survey_years_to_build_list() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set raw = env_var('MOGNAD_SURVEY_YEARS_TO_BUILD', '') | trim -%}
    {%- if raw == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parts = raw.split(',') -%}
    {%- set years = [] -%}
    {%- for part in parts -%}
        {%- set text = part | string | trim -%}
        {%- if not (text | length == 4 and text.isdigit()) -%}
            {{ exceptions.raise_compiler_error(
                "MOGNAD_SURVEY_YEARS_TO_BUILD must list survey years like 2020,2021, got '" ~ raw ~ "'") }}
        {%- endif -%}
        {%- do years.append(text | int) -%}
    {%- endfor -%}
    {{ return(years | join(', ')) }}
{%- endmacro %}

{% macro survey_years_to_build_sql() -%}
    {%- if is_incremental() -%}
        {{ return(survey_years_to_build_list()) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{% macro where_survey_year_to_build() -%}
    {%- set years = survey_years_to_build_sql() -%}
    {%- if years is not none -%}
        where survey_year in ({{ years }})
    {%- endif -%}
{%- endmacro %}

{#-
    Data tests limited to the rebuilt years. dbt wraps the tested relation of a test with a
    `where` config in a subquery (get_where_subquery, dbt's reference: resource-configs/where);
    this override replaces the placeholder __survey_years_to_build__ in that config with
    "survey_year in (<the years of MOGNAD_SURVEY_YEARS_TO_BUILD>)", or with "true" (every
    row) when it is unset, as on a full build. Other `where` configs pass through
    unchanged. Rendered when the test runs, so the years are the current build's.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__survey_years_to_build__' in where -%}
        {%- set years = survey_years_to_build_list() -%}
        {%- set where = where | replace(
            '__survey_years_to_build__',
            'true' if years is none else 'survey_year in (' ~ years ~ ')') -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
