-- The four organisation types A-D with their Swedish descriptions and the cuts in use.
-- Named mart_quadrant_types because the seed is named quadrant_types;
-- published as marts.quadrant_types (alias).
with quadrant_types as (
    select * from {{ ref('stg_reference__quadrant_types') }}
),

with_cuts as (
    select
        quadrant,
        quadrant_name_sv,
        capability_level_sv,
        legacy_level_sv,
        quadrant_description_sv,
        quadrant_sort_order,
        cast({{ var('quadrant_capability_cut') }} as double) as capability_cut,
        cast({{ var('quadrant_legacy_cut') }} as double) as legacy_cut
    from quadrant_types
)

select * from with_cuts
