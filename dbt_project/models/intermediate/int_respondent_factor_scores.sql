{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- One row per respondent, year and factor of the respondent's instrument version: the same
-- rule as the category score (domain doc, scoring method step 4, applied to factors).
-- (macros/respondent_level_scores.sql; incremental per survey_year)
{{ respondent_level_scores('factor') }}
