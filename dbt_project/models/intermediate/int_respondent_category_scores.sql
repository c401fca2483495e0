{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year: macros/incremental_years.sql.
-- One row per respondent, year and category of the respondent's instrument version.
-- Domain doc, scoring method step 4: the category score is the mean of the respondent's
-- answered items' scores, kept only when
--     answered_items >= var('min_category_answered_share') * items_in_category
-- where items_in_category counts the category's items in the instrument version and
-- "vet ej" and blank count as not answered. A category score that is not kept is null.
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

category_item_counts as (
    select
        instrument_version,
        dimension_code,
        category_code,
        count(*) as items_in_category
    from codebook
    group by instrument_version, dimension_code, category_code
),

respondent_categories as (
    select
        respondents.survey_year,
        respondents.respondent_id,
        respondents.organisation_code,
        respondents.target_group,
        respondents.department,
        respondents.instrument_version,
        category_item_counts.dimension_code,
        category_item_counts.category_code,
        category_item_counts.items_in_category
    from respondents
    inner join category_item_counts
        on respondents.instrument_version = category_item_counts.instrument_version
),

answer_counts as (
    select
        survey_year,
        respondent_id,
        category_code,
        count(*) filter (where is_answered) as answered_items,
        count(*) filter (where is_dont_know) as dont_know_items,
        count(*) filter (where is_blank) as blank_items,
        avg(item_score) as mean_item_score
    from answers_scored
    group by survey_year, respondent_id, category_code
),

category_scores as (
    select
        respondent_categories.*,
        answer_counts.mean_item_score,
        coalesce(answer_counts.answered_items, 0) as answered_items,
        coalesce(answer_counts.dont_know_items, 0) as dont_know_items,
        coalesce(answer_counts.blank_items, 0) as blank_items,
        coalesce(answer_counts.answered_items, 0)
        >= {{ var('min_category_answered_share') }} * respondent_categories.items_in_category
            as is_category_score_kept
    from respondent_categories
    left join answer_counts
        on
            respondent_categories.survey_year = answer_counts.survey_year
            and respondent_categories.respondent_id = answer_counts.respondent_id
            and respondent_categories.category_code = answer_counts.category_code
),

category_scores_kept as (
    select
        *,
        case when is_category_score_kept then mean_item_score end as category_score
    from category_scores
)

select * from category_scores_kept
