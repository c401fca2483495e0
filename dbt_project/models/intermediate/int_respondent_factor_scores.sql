{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year: macros/incremental_years.sql.
-- One row per respondent, year and factor of the respondent's instrument version.
-- Same rule as the category score (domain doc, scoring method step 4, applied to factors):
-- the factor score is the mean of the respondent's answered items' scores in the factor,
-- kept only when
--     answered_items >= var('min_category_answered_share') * items_in_factor
-- where items_in_factor counts the factor's items in the instrument version and "vet ej"
-- and blank count as not answered. A factor score that is not kept is null.
with respondents as (
    select * from {{ ref('stg_raw__respondents') }}
    {{ where_survey_year_to_build() }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

factor_item_counts as (
    select
        instrument_version,
        dimension_code,
        category_code,
        factor_code,
        count(*) as items_in_factor
    from codebook
    where factor_code is not null
    group by instrument_version, dimension_code, category_code, factor_code
),

respondent_factors as (
    select
        respondents.survey_year,
        respondents.respondent_id,
        respondents.organisation_code,
        respondents.instrument_version,
        factor_item_counts.dimension_code,
        factor_item_counts.category_code,
        factor_item_counts.factor_code,
        factor_item_counts.items_in_factor
    from respondents
    inner join factor_item_counts
        on respondents.instrument_version = factor_item_counts.instrument_version
),

answer_counts as (
    select
        survey_year,
        respondent_id,
        factor_code,
        count(*) filter (where is_answered) as answered_items,
        count(*) filter (where is_dont_know) as dont_know_items,
        count(*) filter (where is_blank) as blank_items,
        avg(item_score) as mean_item_score
    from answers_scored
    group by survey_year, respondent_id, factor_code
),

factor_scores as (
    select
        respondent_factors.*,
        answer_counts.mean_item_score,
        coalesce(answer_counts.answered_items, 0) as answered_items,
        coalesce(answer_counts.dont_know_items, 0) as dont_know_items,
        coalesce(answer_counts.blank_items, 0) as blank_items,
        coalesce(answer_counts.answered_items, 0)
        >= {{ var('min_category_answered_share') }} * respondent_factors.items_in_factor
            as is_factor_score_kept
    from respondent_factors
    left join answer_counts
        on
            respondent_factors.survey_year = answer_counts.survey_year
            and respondent_factors.respondent_id = answer_counts.respondent_id
            and respondent_factors.factor_code = answer_counts.factor_code
),

factor_scores_kept as (
    select
        *,
        case when is_factor_score_kept then mean_item_score end as factor_score
    from factor_scores
)

select * from factor_scores_kept
