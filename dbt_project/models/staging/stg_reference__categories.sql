with categories as (
    select * from {{ ref('model_categories') }}
),

renamed as (
    select
        cast(category_code as varchar) as category_code,
        cast(dimension_code as varchar) as dimension_code,
        cast(category_name_sv as varchar) as category_name_sv,
        cast(sort_order as integer) as category_sort_order
    from categories
)

select * from renamed
