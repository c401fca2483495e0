{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year: macros/incremental_years.sql.
-- One row per respondent and year: the respondent's own dimension and maturity scores,
-- used only for the confidence intervals of the organisation's capability, legacy and
-- maturity indices (domain doc, scoring method step 6).
--   capability_score / legacy_score = mean of the respondent's kept category scores in the
--     dimension (null when none is kept);
--   maturity_score = (capability_score + legacy_score) / 2 (null unless both exist).
-- This mirrors the organisation's index (a mean of category means) at respondent level.
with category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
    {{ where_survey_year_to_build() }}
),

dimension_scores as (
    select
        survey_year,
        respondent_id,
        organisation_code,
        instrument_version,
        avg(category_score) filter (where dimension_code = 'capability') as capability_score,
        avg(category_score) filter (where dimension_code = 'legacy') as legacy_score
    from category_scores
    group by survey_year, respondent_id, organisation_code, instrument_version
),

with_maturity as (
    select
        *,
        (capability_score + legacy_score) / 2 as maturity_score
    from dimension_scores
)

select * from with_maturity
