{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (a year's rows depend on that year's answers only):
-- macros/incremental_years.sql.
-- One row per organisation, survey year and item: how often the item was answered "vet ej".
-- Domain doc, scoring method step 3: "vet ej" is an honest answer that shows where knowledge
-- is lacking; dont_know_share = dont_know / (answered + dont_know), blanks excluded.
with answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

respondents as (
    select * from {{ ref('stg_raw__respondents') }}
    {{ where_survey_year_to_build() }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

-- Disclosure control counts the organisation-year's respondents (macros/disclosure_control.sql).
organisation_respondents as (
    select
        organisation_code,
        survey_year,
        count(*) as organisation_respondents
    from respondents
    group by organisation_code, survey_year
),

item_counts as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        dimension_code,
        category_code,
        item_code,
        {{ answer_status_counts() }}
    from answers_scored
    group by
        organisation_code, survey_year, instrument_version, dimension_code, category_code, item_code
),

item_rows as (
    select
        item_counts.organisation_code,
        organisations.organisation_name,
        cast(item_counts.survey_year as integer) as survey_year,
        item_counts.instrument_version,
        item_counts.dimension_code,
        item_counts.category_code,
        item_counts.item_code,
        item_counts.answered_answers,
        item_counts.dont_know_answers,
        item_counts.blank_answers,
        {{ is_suppressed('organisation_respondents.organisation_respondents') }} as counts_suppressed
    from item_counts
    left join organisation_respondents
        on
            item_counts.organisation_code = organisation_respondents.organisation_code
            and item_counts.survey_year = organisation_respondents.survey_year
    left join organisations
        on item_counts.organisation_code = organisations.organisation_code
),

-- Disclosure control (macros/disclosure_control.sql): counts and share of an
-- organisation-year with too few respondents are published as null (answer_counts_disclosed,
-- which also computes the share).
disclosed as (
    select
        organisation_code,
        organisation_name,
        survey_year,
        instrument_version,
        dimension_code,
        category_code,
        item_code,
        counts_suppressed,
        {{ answer_counts_disclosed('counts_suppressed') }}
    from item_rows
)

select * from disclosed
