-- The council's overrules of a withholding: one row per survey year and organisation whose
-- results the quality checks withhold but the council decided to publish, with the reason.
-- Taken from each year's current sign-off only (its latest event, when that is a
-- signed_off): a cleared sign-off (e.g. the data were reloaded and changed) cancels its
-- overrules, and the organisation is withheld again until the council decides anew.
with log_lines as (
    select * from {{ council_signoff_log() }}
),

events as (
    select
        json ->> 'event' as event,
        cast(json ->> 'year' as integer) as year,
        cast(json ->> 'version' as integer) as version,
        json -> 'decisions' as decisions
    from log_lines
),

current_signoffs as (
    select year, decisions
    from events
    qualify
        row_number() over (partition by year order by version desc) = 1
        and event = 'signed_off'
),

decisions as (
    select
        year,
        unnest(
            from_json(
                coalesce(decisions, '[]'),
                '[{"item": "VARCHAR", "decision": "VARCHAR", "organisation_code": "VARCHAR", "reason": "VARCHAR"}]'
            )
        ) as decision
    from current_signoffs
)

select
    cast(year as integer) as survey_year,
    cast(decision.organisation_code as varchar) as organisation_code,
    cast(decision.reason as varchar) as overrule_reason
from decisions
where decision.decision = 'overrule' and decision.organisation_code is not null
