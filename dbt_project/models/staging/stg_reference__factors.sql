with factors as (
    select * from {{ ref('model_factors') }}
),

renamed as (
    select
        cast(factor_code as varchar) as factor_code,
        cast(category_code as varchar) as category_code,
        cast(factor_name_sv as varchar) as factor_name_sv,
        cast(sort_order as integer) as factor_sort_order
    from factors
)

select * from renamed
