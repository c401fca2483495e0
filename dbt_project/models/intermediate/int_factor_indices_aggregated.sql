-- One row per organisation, year and factor (of the year's instrument version).
-- As int_category_indices_aggregated, per factor: factor_index = mean of the respondents'
-- kept factor scores (0-100); respondents counts respondents with a kept score;
-- organisation_respondents counts all the organisation-year's respondents.
-- dont_know_share = dont_know answers / (answered + dont_know answers) over all the
-- factor's item answers of the organisation-year (domain doc step 3); blanks are excluded.
-- Step 6, t-interval over the n kept scores (s = sample standard deviation, n - 1):
--   standard_error = s / sqrt(n);  ci = factor_index -/+ t(level, n - 1) * standard_error,
--   clipped to 0-100; null when n < 2.
with factor_scores as (
    select * from {{ ref('int_respondent_factor_scores') }}
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
        factor_code,
        avg(factor_score) as factor_index,
        count(factor_score) as respondents,
        count(*) as organisation_respondents,
        stddev_samp(factor_score) as factor_score_stddev,
        sum(answered_items) as answered_answers,
        sum(dont_know_items) as dont_know_answers,
        sum(blank_items) as blank_answers
    from factor_scores
    group by
        organisation_code, survey_year, instrument_version, dimension_code, category_code, factor_code
),

with_standard_errors as (
    select
        *,
        cast(dont_know_answers as double) / nullif(answered_answers + dont_know_answers, 0)
            as dont_know_share,
        factor_score_stddev / sqrt(respondents) as factor_index_standard_error,
        {{ t_critical_for('respondents - 1') }} as t_critical
    from aggregated
),

with_intervals as (
    select
        *,
        {{ ci_bound('factor_index', 'factor_index_standard_error', 't_critical', 'lower') }}
            as factor_index_ci_lower,
        {{ ci_bound('factor_index', 'factor_index_standard_error', 't_critical', 'upper') }}
            as factor_index_ci_upper
    from with_standard_errors
)

select * from with_intervals
