-- The recommendation library covers every category of the model and every organisation
-- type: a category or type without a recommendation would leave an organisation whose
-- weakness it is without advice. Returns the uncovered codes.
with categories as (
    select category_code as code, 'category' as applies_to
    from {{ ref('stg_reference__categories') }}
),

quadrant_types as (
    select quadrant as code, 'quadrant' as applies_to
    from {{ ref('stg_reference__quadrant_types') }}
),

targets as (
    select * from categories
    union all
    select * from quadrant_types
),

recommendations as (
    select
        applies_to,
        coalesce(category_code, quadrant) as code
    from {{ ref('stg_reference__recommendations') }}
),

uncovered as (
    select targets.*
    from targets
    left join recommendations
        on targets.applies_to = recommendations.applies_to and targets.code = recommendations.code
    where recommendations.code is null
)

select * from uncovered
