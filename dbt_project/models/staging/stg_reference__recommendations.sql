with recommendations as (
    select * from {{ ref('recommendations') }}
),

renamed as (
    select
        cast(recommendation_code as varchar) as recommendation_code,
        cast(applies_to as varchar) as applies_to,
        cast(category_code as varchar) as category_code,
        cast(quadrant as varchar) as quadrant,
        cast(title_sv as varchar) as recommendation_title_sv,
        cast(recommendation_sv as varchar) as recommendation_sv,
        cast(sort_order as integer) as recommendation_sort_order
    from recommendations
)

select * from renamed
