with register as (
    select * from {{ ref('organisations') }}
),

-- the register's optional peer groups (seeds/organisation_peer_groups.csv)
peer_groups as (
    select * from {{ ref('organisation_peer_groups') }}
),

renamed as (
    select
        cast(register.organisation_code as varchar) as organisation_code,
        cast(register.organisation_name as varchar) as organisation_name,
        cast(register.short_name as varchar) as organisation_short_name,
        cast(register.organisation_type as varchar) as organisation_type,
        cast(register.county_code as varchar) as county_code,
        -- optional comparison group (e.g. SKR's municipality group); null = none
        nullif(trim(cast(peer_groups.peer_group as varchar)), '') as peer_group
    from register
    left join peer_groups
        on register.organisation_code = peer_groups.organisation_code
)

select * from renamed
