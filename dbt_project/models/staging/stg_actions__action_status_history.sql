with history as (
    select * from {{ action_register_source('action_status_history', {
        'action_id': 'varchar', 'organisation_code': 'varchar', 'status': 'varchar',
        'observed_at': 'timestamp with time zone',
    }) }}
),

renamed as (
    select
        cast(action_id as varchar) as action_id,
        cast(organisation_code as varchar) as organisation_code,
        cast(status as varchar) as status,
        cast(observed_at as timestamp with time zone) as observed_at
    from history
)

select * from renamed
