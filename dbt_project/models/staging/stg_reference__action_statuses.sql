with action_statuses as (
    select * from {{ ref('action_statuses') }}
),

renamed as (
    select
        cast(status as varchar) as status,
        cast(status_label_sv as varchar) as status_label_sv,
        cast(is_closed as boolean) as is_status_closed,
        cast(sort_order as integer) as status_sort_order
    from action_statuses
)

select * from renamed
