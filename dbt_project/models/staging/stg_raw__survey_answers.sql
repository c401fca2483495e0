with source_rows as (
    select * from {{ data_root_source('raw', 'survey_answers') }}
),

renamed as (
    select
        cast(survey_year as integer) as survey_year,
        cast(respondent_id as varchar) as respondent_id,
        cast(item_code as varchar) as item_code,
        cast(answer_value as integer) as answer_value,
        cast(answer_status as varchar) as answer_status,
        cast(answer_raw as varchar) as answer_raw
    from source_rows
)

select * from renamed
