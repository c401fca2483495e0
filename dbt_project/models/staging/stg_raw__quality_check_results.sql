with source_rows as (
    select * from {{ data_root_source('raw', 'quality_check_results') }}
),

renamed as (
    select
        cast(survey_year as integer) as survey_year,
        cast(check_name as varchar) as check_name,
        cast(check_kind as varchar) as check_kind,
        cast(organisation_code as varchar) as organisation_code,
        cast(target_group as varchar) as target_group,
        cast(item_code as varchar) as item_code,
        cast(status as varchar) as status,
        cast(observed as double) as observed,
        cast(numerator as bigint) as numerator,
        cast(denominator as bigint) as denominator,
        cast(warn_threshold as double) as warn_threshold,
        cast(fail_threshold as double) as fail_threshold,
        cast(threshold as varchar) as threshold,
        cast(checked_at as timestamp) as checked_at
    from source_rows
)

select * from renamed
