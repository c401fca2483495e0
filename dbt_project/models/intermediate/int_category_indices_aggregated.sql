{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- One row per organisation, year and category (of the year's instrument version).
-- Domain doc, scoring method step 5: category_index = mean of the respondents' kept
-- category scores (0-100); respondents counts respondents with a kept score.
-- organisation_respondents counts all the organisation-year's respondents.
-- dont_know_share = dont_know answers / (answered + dont_know answers) over all the
-- category's item answers of the organisation-year (domain doc step 3); blanks are excluded.
-- Step 6, t-interval over the n kept scores (s = sample standard deviation, n - 1):
--   standard_error = s / sqrt(n);  ci = category_index -/+ t(level, n - 1) * standard_error,
--   clipped to 0-100; null when n < 2. (macros/indices_aggregated.sql)
-- Incremental per survey_year (macros/incremental_years.sql).
{{ indices_aggregated('category') }}
