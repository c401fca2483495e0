-- The four organisation types A-D with their Swedish descriptions and the cuts in use.
-- Model named mart_quadrant_types because the seed holds the name quadrant_types; published as marts.quadrant_types (alias).
with quadrant_types as (
    select * from {{ ref('stg_reference__quadrant_types') }}
),

with_cuts as (
    select
        *,
        cast({{ var('quadrant_capability_cut') }} as double) as capability_cut,
        cast({{ var('quadrant_legacy_cut') }} as double) as legacy_cut
    from quadrant_types
)

select * from with_cuts
