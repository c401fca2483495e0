with dimensions as (
    select * from {{ ref('model_dimensions') }}
),

renamed as (
    select
        cast(dimension_code as varchar) as dimension_code,
        cast(dimension_name_sv as varchar) as dimension_name_sv,
        cast(sort_order as integer) as dimension_sort_order
    from dimensions
)

select * from renamed
