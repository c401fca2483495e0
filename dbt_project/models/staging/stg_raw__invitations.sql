with source_rows as (
    select * from {{ data_root_source('raw', 'invitations') }}
),

renamed as (
    select
        cast(survey_year as integer) as survey_year,
        cast(organisation_code as varchar) as organisation_code,
        cast(target_group as varchar) as target_group,
        cast(invited as integer) as invited,
        cast(invitation_method as varchar) as invitation_method
    from source_rows
)

select * from renamed
