-- The council's exchange view: one row per survey year, category and organisation with a
-- category row: whether the category is one of the organisation's three weakest, whether it
-- is strong beyond noise (the lower bound of its 95 % interval is above the county mean of
-- the category), and how many decided actions answering that year's measurement target it,
-- open (planerad, pågår) and closed (genomförd, avbruten).
with categories as (
    select * from {{ ref('maturity_by_category') }}
),

actions as (
    select * from {{ ref('stg_actions__decided_actions') }}
),

statuses as (
    select * from {{ ref('stg_reference__action_statuses') }}
),

action_counts as (
    select
        actions.organisation_code,
        actions.survey_year,
        actions.category_code,
        count(*) as actions,
        count(*) filter (where not statuses.is_status_closed) as open_actions,
        count(*) filter (where statuses.is_status_closed) as closed_actions
    from actions
    inner join statuses on actions.status = statuses.status
    group by actions.organisation_code, actions.survey_year, actions.category_code
),

final as (
    select
        categories.survey_year,
        categories.category_code,
        categories.category_name_sv,
        categories.organisation_code,
        categories.organisation_name,
        categories.category_index,
        categories.category_index_ci_lower,
        categories.county_mean_category_index,
        categories.is_weakness,
        cast(coalesce(action_counts.actions, 0) as integer) as actions,
        cast(coalesce(action_counts.open_actions, 0) as integer) as open_actions,
        cast(coalesce(action_counts.closed_actions, 0) as integer) as closed_actions,
        coalesce(
            categories.category_index_ci_lower > categories.county_mean_category_index, false
        ) as is_strong_beyond_noise
    from categories
    left join action_counts
        on
            categories.organisation_code = action_counts.organisation_code
            and categories.survey_year = action_counts.survey_year
            and categories.category_code = action_counts.category_code
)

-- The council's overrule of the organisation-year (macros/council_decision_marks.sql).
{{ council_decision_marks('final') }}
