with quadrant_types as (
    select * from {{ ref('quadrant_types') }}
),

renamed as (
    select
        cast(quadrant as varchar) as quadrant,
        cast(quadrant_name_sv as varchar) as quadrant_name_sv,
        cast(capability_level_sv as varchar) as capability_level_sv,
        cast(legacy_level_sv as varchar) as legacy_level_sv,
        cast(description_sv as varchar) as quadrant_description_sv,
        cast(sort_order as integer) as quadrant_sort_order
    from quadrant_types
)

select * from renamed
