-- One row per organisation and year: the change of maturity_index from the organisation's
-- previous measurement, with its own interval (domain doc, scoring method step 6: "a change
-- between years is reported with its own interval, so that noise is not read as progress").
--   maturity_index_change = maturity_index - previous maturity_index
--   standard error        = sqrt(se^2 + previous se^2)  (independent samples)
--   interval              = change -/+ t(level, df) * standard error, not clipped (-100..100),
--                           df = min(n, previous n) - 1 (conservative Welch-type choice)
--   change_is_significant = the interval excludes 0; null when there is no interval.
-- The previous measurement is the organisation's latest earlier survey year (normally the
-- year before; previous_survey_year says which). A change across instrument versions is
-- flagged: items and categories may differ, so the change is not a like-for-like comparison.
-- Only disclosed maturity indices take part (macros/disclosure_control.sql): a change from or
-- to a suppressed year is null.
with organisation_indices as (
    select * from {{ ref('int_organisation_indices_aggregated') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

disclosed_indices as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        maturity_respondents,
        case when is_maturity_disclosed then maturity_index end as maturity_index,
        case when is_maturity_interval_disclosed then maturity_index_standard_error end
            as maturity_index_standard_error
    from organisation_indices
),

with_previous as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        maturity_index,
        maturity_index_standard_error,
        maturity_respondents,
        lag(survey_year) over by_year as previous_survey_year,
        lag(instrument_version) over by_year as previous_instrument_version,
        lag(maturity_index) over by_year as previous_maturity_index,
        lag(maturity_index_standard_error) over by_year as previous_maturity_index_standard_error,
        lag(maturity_respondents) over by_year as previous_maturity_respondents
    from disclosed_indices
    window by_year as (partition by organisation_code order by survey_year)
),

changes as (
    select
        *,
        maturity_index - previous_maturity_index as maturity_index_change,
        sqrt(
            maturity_index_standard_error ^ 2 + previous_maturity_index_standard_error ^ 2
        ) as maturity_index_change_standard_error,
        {{ t_critical_for('least(maturity_respondents, previous_maturity_respondents) - 1') }}
            as change_t_critical,
        instrument_version != previous_instrument_version as is_instrument_version_changed
    from with_previous
),

change_intervals as (
    select
        *,
        maturity_index_change - change_t_critical * maturity_index_change_standard_error
            as maturity_index_change_ci_lower,
        maturity_index_change + change_t_critical * maturity_index_change_standard_error
            as maturity_index_change_ci_upper
    from changes
),

significance as (
    select
        *,
        case
            when maturity_index_change_ci_lower is null then null
            else maturity_index_change_ci_lower > 0 or maturity_index_change_ci_upper < 0
        end as is_change_significant
    from change_intervals
)

select * from significance
