-- Follow-up of the decided actions: one row per action and measurement of its organisation
-- from the one it answered (years_after 0) to every later one, with the targeted category's
-- index then and the change since the answered measurement with its interval
-- (macros/index_change.sql, the formula of README "Intervals"). A change is not evidence
-- that the action caused it. Suppressed or withheld indices give null changes.
with actions as (
    select * from {{ ref('stg_actions__decided_actions') }}
),

categories as (
    select * from {{ ref('maturity_by_category') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

baseline as (
    select
        actions.action_id,
        actions.organisation_code,
        actions.survey_year as answered_year,
        actions.category_code,
        categories.instrument_version as answered_instrument_version,
        categories.category_index as answered_index,
        categories.category_index_standard_error as answered_standard_error,
        categories.respondents as answered_respondents
    from actions
    left join categories
        on
            actions.organisation_code = categories.organisation_code
            and actions.survey_year = categories.survey_year
            and actions.category_code = categories.category_code
),

measurements as (
    select
        baseline.*,
        categories.survey_year as measurement_year,
        categories.instrument_version,
        categories.category_index as measured_index,
        categories.category_index_ci_lower,
        categories.category_index_ci_upper,
        categories.category_index_standard_error as measured_standard_error,
        categories.respondents as measured_respondents,
        {{ change_columns(
            'categories.category_index', 'baseline.answered_index',
            'categories.category_index_standard_error', 'baseline.answered_standard_error',
            'categories.respondents', 'baseline.answered_respondents',
            'change_since_answered'
        ) }}
    from baseline
    inner join categories
        on
            baseline.organisation_code = categories.organisation_code
            and baseline.category_code = categories.category_code
            and baseline.answered_year <= categories.survey_year
),

final as (
    select
        action_id,
        organisation_code,
        category_code,
        cast(answered_year as integer) as answered_year,
        cast(measurement_year as integer) as measurement_year,
        cast(measurement_year - answered_year as integer) as years_after,
        cast(answered_index as double) as answered_category_index,
        cast(measured_index as double) as category_index,
        cast(category_index_ci_lower as double) as category_index_ci_lower,
        cast(category_index_ci_upper as double) as category_index_ci_upper,
        cast(measured_respondents as integer) as respondents,
        coalesce(instrument_version != answered_instrument_version, false)
            as instrument_version_changed,
        change_since_answered,
        change_since_answered_standard_error,
        {{ change_interval_columns('change_since_answered', 'change_since_answered_is_beyond_noise') }}
    from measurements
),

published as (
    select
        * exclude (
            change_since_answered,
            change_since_answered_standard_error,
            change_since_answered_ci_lower,
            change_since_answered_ci_upper,
            change_since_answered_is_beyond_noise
        ),
        case when years_after > 0 then change_since_answered end as change_since_answered,
        case when years_after > 0 then change_since_answered_standard_error end
            as change_since_answered_standard_error,
        case when years_after > 0 then change_since_answered_ci_lower end
            as change_since_answered_ci_lower,
        case when years_after > 0 then change_since_answered_ci_upper end
            as change_since_answered_ci_upper,
        case when years_after > 0 then change_since_answered_is_beyond_noise end
            as change_since_answered_is_beyond_noise
    from final
)

-- The council's overrule of the measurement's organisation-year, and whether the change
-- since the answered measurement rests on a year published by the council's decision
-- (macros/council_decision_marks.sql).
{{ council_decision_marks(
    'published', change='change_since_answered', year='measurement_year',
    previous_year='answered_year'
) }}
