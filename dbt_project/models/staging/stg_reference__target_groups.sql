with target_groups as (
    select * from {{ ref('target_groups') }}
),

renamed as (
    select
        cast(target_group as varchar) as target_group,
        cast(target_group_name_sv as varchar) as target_group_name_sv
    from target_groups
)

select * from renamed
