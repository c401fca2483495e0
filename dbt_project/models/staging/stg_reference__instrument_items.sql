with codebook as (
    select * from {{ ref('instrument_items') }}
),

renamed as (
    select
        cast(instrument_version as varchar) as instrument_version,
        cast(item_code as varchar) as item_code,
        cast(factor_code as varchar) as factor_code,
        cast(category_code as varchar) as category_code,
        cast(dimension_code as varchar) as dimension_code,
        cast(item_text_sv as varchar) as item_text_sv,
        cast(reverse_coded as boolean) as is_reverse_coded,
        cast(scale_min as integer) as scale_min,
        cast(scale_max as integer) as scale_max,
        cast(sort_order as integer) as item_sort_order
    from codebook
)

select * from renamed
