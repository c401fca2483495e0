-- The status history of the actions: one row per action and status as first seen at a load
-- of the register, with the status before it (null for the first). Actions no longer in the
-- register keep their history.
with history as (
    select * from {{ ref('stg_actions__action_status_history') }}
),

final as (
    select
        action_id,
        organisation_code,
        status,
        observed_at,
        lag(status) over (partition by action_id order by observed_at) as previous_status
    from history
)

select * from final
