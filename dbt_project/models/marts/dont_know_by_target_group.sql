{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (a year's rows depend on that year's rows only):
-- macros/incremental_years.sql.
-- One row per organisation, survey year and target group: how often the group answered
-- "vet ej", over all items. Domain doc, scoring method step 3 ("the 'vet ej' share per item,
-- category and respondent group is itself a result"): dont_know_share = dont_know /
-- (answered + dont_know), blanks excluded.
-- Disclosure control (macros/disclosure_control.sql): a group with fewer respondents than
-- var('min_cell_respondents') is suppressed. The organisation's totals (the sum of
-- maturity_by_category's counts) minus the published groups reveal the suppressed groups'
-- sum, so when the suppressed groups together have fewer respondents than the threshold,
-- the smallest published group is suppressed too (macro complementary_suppression).
with answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

target_groups as (
    select * from {{ ref('stg_reference__target_groups') }}
),

group_counts as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        target_group,
        count(distinct respondent_id) as respondents,
        {{ answer_status_counts() }}
    from answers_scored
    group by organisation_code, survey_year, instrument_version, target_group
),

primary_suppression as (
    select
        *,
        {{ is_suppressed('respondents') }} as is_primary_suppressed
    from group_counts
),

complementary_suppression as (
    {{ complementary_suppression(
        'primary_suppression',
        ['organisation_code', 'survey_year'],
        'target_group',
        'is_primary_suppressed',
        'respondents',
        'respondents',
    ) }}
),

group_rows as (
    select
        complementary_suppression.organisation_code,
        organisations.organisation_name,
        complementary_suppression.instrument_version,
        complementary_suppression.target_group,
        target_groups.target_group_name_sv,
        cast(complementary_suppression.survey_year as integer) as survey_year,
        cast(complementary_suppression.respondents as integer) as respondents,
        complementary_suppression.answered_answers,
        complementary_suppression.dont_know_answers,
        complementary_suppression.blank_answers,
        complementary_suppression.is_primary_suppressed
        or complementary_suppression.is_complementary_suppressed as counts_suppressed
    from complementary_suppression
    left join organisations
        on complementary_suppression.organisation_code = organisations.organisation_code
    left join target_groups
        on complementary_suppression.target_group = target_groups.target_group
),

disclosed as (
    select
        organisation_code,
        organisation_name,
        survey_year,
        instrument_version,
        target_group,
        target_group_name_sv,
        respondents,
        counts_suppressed,
        {{ answer_counts_disclosed('counts_suppressed') }}
    from group_rows
)

select * from disclosed
