{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year: macros/incremental_years.sql.
-- One row per respondent, year and item answer, with the item's codebook attributes and its
-- 0-100 score. Domain doc, scoring method steps 1-3:
--   reverse coding   x' = scale_min + scale_max - x        (where the item is reverse_coded)
--   rescaling        item_score = 100 * (x' - scale_min) / (scale_max - scale_min)
--   "vet ej" (dont_know) and blank carry a null item_score and are counted by the flags.
-- Answers whose respondent or codebook item is missing are kept with null attributes so
-- that the not_null tests on this model fail loudly instead of rows vanishing in a join.
with answers as (
    select * from {{ ref('stg_raw__survey_answers') }}
    {{ where_survey_year_to_build() }}
),

respondents as (
    select * from {{ ref('stg_raw__respondents') }}
    {{ where_survey_year_to_build() }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

answers_with_respondent as (
    select
        answers.survey_year,
        answers.respondent_id,
        respondents.organisation_code,
        respondents.target_group,
        respondents.department,
        respondents.instrument_version,
        answers.item_code,
        answers.answer_status,
        answers.answer_value
    from answers
    left join respondents
        on
            answers.survey_year = respondents.survey_year
            and answers.respondent_id = respondents.respondent_id
),

answers_with_item as (
    select
        answers_with_respondent.*,
        codebook.factor_code,
        codebook.category_code,
        codebook.dimension_code,
        codebook.is_reverse_coded,
        codebook.scale_min,
        codebook.scale_max
    from answers_with_respondent
    left join codebook
        on
            answers_with_respondent.instrument_version = codebook.instrument_version
            and answers_with_respondent.item_code = codebook.item_code
),

answers_recoded as (
    select
        *,
        answer_status = 'answered' as is_answered,
        answer_status = 'dont_know' as is_dont_know,
        answer_status = 'blank' as is_blank,
        case
            when answer_status != 'answered' then null
            when is_reverse_coded then scale_min + scale_max - answer_value
            else answer_value
        end as answer_value_recoded
    from answers_with_item
),

answers_rescaled as (
    select
        *,
        100.0 * (answer_value_recoded - scale_min) / (scale_max - scale_min) as item_score
    from answers_recoded
)

select * from answers_rescaled
