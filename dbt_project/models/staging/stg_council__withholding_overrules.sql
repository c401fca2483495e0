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
        cast(json ->> 'year' as integer) as survey_year,
        cast(json ->> 'version' as integer) as log_version,
        json ->> 'event' as signoff_event,
        json -> 'decisions' as decisions
    from log_lines
),

current_signoffs as (
    select
        events.survey_year,
        events.decisions
    from events
    qualify
        row_number() over (partition by events.survey_year order by events.log_version desc) = 1
        and events.signoff_event = 'signed_off'
),

decisions as (
    select
        current_signoffs.survey_year,
        unnest(
            from_json(
                coalesce(current_signoffs.decisions, '[]'),
                '[{"item": "VARCHAR", "decision": "VARCHAR", "organisation_code": "VARCHAR", "reason": "VARCHAR"}]'
            )
        ) as decision
    from current_signoffs
)

select
    cast(decisions.survey_year as integer) as survey_year,
    cast(decisions.decision.organisation_code as varchar) as organisation_code,
    cast(decisions.decision.reason as varchar) as overrule_reason
from decisions
where decisions.decision.decision = 'overrule' and decisions.decision.organisation_code is not null
