with register as (
    select * from {{ ref('organisations') }}
),

renamed as (
    select
        cast(organisation_code as varchar) as organisation_code,
        cast(organisation_name as varchar) as organisation_name,
        cast(short_name as varchar) as organisation_short_name,
        cast(organisation_type as varchar) as organisation_type,
        cast(county_code as varchar) as county_code
    from register
)

select * from renamed
