{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- One row per respondent, year and category of the respondent's instrument version.
-- Domain doc, scoring method step 4: the category score is the mean of the respondent's
-- answered items' scores, kept only when
--     answered_items >= var('min_category_answered_share') * items_in_category
-- where items_in_category counts the category's items in the instrument version and
-- "vet ej" and blank count as not answered. A category score that is not kept is null.
-- (macros/respondent_level_scores.sql; incremental per survey_year)
{{ respondent_level_scores('category') }}
