-- The county's organisations (published dimension).
-- Named mart_organisations because the seed is named organisations;
-- published as marts.organisations (alias).
with register as (
    select * from {{ ref('stg_reference__organisations') }}
),

published as (
    select
        organisation_code,
        organisation_name,
        organisation_short_name,
        organisation_type,
        county_code
    from register
)

select * from published
