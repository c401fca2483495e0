-- One row per decided action in the register (pipelines/actions/register.py), with names for
-- the codes and when its status was first registered. The follow-up note is free text that
-- may name people: it is not published (has_follow_up_note only says whether there is one).
with actions as (
    select * from {{ ref('stg_actions__decided_actions') }}
),

history as (
    select * from {{ ref('stg_actions__action_status_history') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

factors as (
    select * from {{ ref('stg_reference__factors') }}
),

statuses as (
    select * from {{ ref('stg_reference__action_statuses') }}
),

registered as (
    select
        action_id,
        min(observed_at) as first_registered_at
    from history
    group by action_id
),

status_since as (
    select
        history.action_id,
        max(history.observed_at) as status_since
    from history
    inner join actions
        on history.action_id = actions.action_id and history.status = actions.status
    group by history.action_id
),

final as (
    select
        actions.action_id,
        actions.organisation_code,
        organisations.organisation_name,
        actions.survey_year,
        actions.action_text,
        actions.category_code,
        categories.category_name_sv,
        actions.factor_code,
        factors.factor_name_sv,
        actions.decided_by,
        actions.decided_on,
        actions.responsible,
        actions.status,
        statuses.status_label_sv,
        statuses.is_status_closed,
        statuses.status_sort_order,
        actions.due_date,
        actions.source_file,
        actions.source_row,
        cast(registered.first_registered_at as timestamp with time zone) as first_registered_at,
        cast(status_since.status_since as timestamp with time zone) as status_since,
        actions.follow_up_note is not null as has_follow_up_note
    from actions
    left join organisations on actions.organisation_code = organisations.organisation_code
    left join categories on actions.category_code = categories.category_code
    left join factors on actions.factor_code = factors.factor_code
    left join statuses on actions.status = statuses.status
    left join registered on actions.action_id = registered.action_id
    left join status_since on actions.action_id = status_since.action_id
)

select * from final
