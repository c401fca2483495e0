-- One row per organisation, year and category (of the year's instrument version).
-- Domain doc, scoring method step 5: category_index = mean of the respondents' kept
-- category scores (0-100); respondents counts respondents with a kept score.
-- organisation_respondents counts all the organisation-year's respondents.
-- dont_know_share = dont_know answers / (answered + dont_know answers) over all the
-- category's item answers of the organisation-year (domain doc step 3); blanks are excluded.
-- Step 6, t-interval over the n kept scores (s = sample standard deviation, n - 1):
--   standard_error = s / sqrt(n);  ci = category_index -/+ t(level, n - 1) * standard_error,
--   clipped to 0-100; null when n < 2.
with category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

aggregated as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        dimension_code,
        category_code,
        avg(category_score) as category_index,
        count(category_score) as respondents,
        count(*) as organisation_respondents,
        stddev_samp(category_score) as category_score_stddev,
        sum(answered_items) as answered_answers,
        sum(dont_know_items) as dont_know_answers,
        sum(blank_items) as blank_answers
    from category_scores
    group by organisation_code, survey_year, instrument_version, dimension_code, category_code
),

with_standard_errors as (
    select
        *,
        cast(dont_know_answers as double) / nullif(answered_answers + dont_know_answers, 0)
            as dont_know_share,
        category_score_stddev / sqrt(respondents) as category_index_standard_error,
        {{ t_critical_for('respondents - 1') }} as t_critical
    from aggregated
),

with_intervals as (
    select
        *,
        {{ ci_bound('category_index', 'category_index_standard_error', 't_critical', 'lower') }}
            as category_index_ci_lower,
        {{ ci_bound('category_index', 'category_index_standard_error', 't_critical', 'upper') }}
            as category_index_ci_upper
    from with_standard_errors
)

select * from with_intervals
