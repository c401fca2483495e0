with source_rows as (
    select * from {{ data_root_source('raw', 'respondents') }}
),

renamed as (
    select
        cast(survey_year as integer) as survey_year,
        cast(respondent_id as varchar) as respondent_id,
        cast(organisation_code as varchar) as organisation_code,
        cast(target_group as varchar) as target_group,
        cast(department as varchar) as department,
        cast(submitted_at as timestamp) as submitted_at,
        cast(instrument_version as varchar) as instrument_version,
        cast(source_file as varchar) as source_file,
        cast(source_row as integer) as source_row
    from source_rows
)

select * from renamed
