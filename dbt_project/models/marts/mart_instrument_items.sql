-- The instrument codebook with factor, category and dimension names (published dimension).
-- Named mart_instrument_items because the seed is named instrument_items;
-- published as marts.instrument_items (alias).
with codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

factors as (
    select * from {{ ref('stg_reference__factors') }}
),

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

dimensions as (
    select * from {{ ref('stg_reference__dimensions') }}
),

items_described as (
    select
        codebook.instrument_version,
        codebook.item_code,
        codebook.item_sort_order,
        codebook.item_text_sv,
        codebook.is_reverse_coded,
        codebook.scale_min,
        codebook.scale_max,
        codebook.factor_code,
        factors.factor_name_sv,
        codebook.category_code,
        categories.category_name_sv,
        categories.category_sort_order,
        codebook.dimension_code,
        dimensions.dimension_name_sv,
        dimensions.dimension_sort_order
    from codebook
    left join factors on codebook.factor_code = factors.factor_code
    left join categories on codebook.category_code = categories.category_code
    left join dimensions on codebook.dimension_code = dimensions.dimension_code
)

select * from items_described
