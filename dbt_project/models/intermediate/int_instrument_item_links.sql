-- One row per ordered pair of different instrument versions and item present in both: the
-- items that link two versions, so that a change over time across an instrument change is
-- computed on what is comparable (domain doc, scoring method step 6).
-- An item is linked when the two codebooks (seeds/instrument_items.csv) give it the same
-- item_code, category, dimension, reverse coding and answer scale. The codebook convention
-- (dbt_project/README.md, "Instrument versions"): an item whose meaning changes gets a new
-- code; a reworded item that measures the same thing keeps its code.
with codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

links as (
    select
        items.instrument_version,
        linked.instrument_version as linked_instrument_version,
        items.item_code,
        items.dimension_code,
        items.category_code
    from codebook as items
    inner join codebook as linked
        on
            items.item_code = linked.item_code
            and items.instrument_version != linked.instrument_version
            and items.category_code = linked.category_code
            and items.dimension_code = linked.dimension_code
            and items.is_reverse_coded = linked.is_reverse_coded
            and items.scale_min = linked.scale_min
            and items.scale_max = linked.scale_max
)

select * from links
