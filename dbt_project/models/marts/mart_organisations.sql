-- The county's organisations (published dimension).
-- Model named mart_organisations because the seed holds the name organisations; published as marts.organisations (alias).
with register as (
    select * from {{ ref('stg_reference__organisations') }}
)

select * from register
