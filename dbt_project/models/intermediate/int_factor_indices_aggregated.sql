{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- One row per organisation, year and factor (of the year's instrument version).
-- As int_category_indices_aggregated, per factor: factor_index = mean of the respondents'
-- kept factor scores (0-100); respondents counts respondents with a kept score;
-- dont_know_share over the factor's item answers; t-interval over the n kept scores.
-- (macros/indices_aggregated.sql; incremental per survey_year)
{{ indices_aggregated('factor') }}
