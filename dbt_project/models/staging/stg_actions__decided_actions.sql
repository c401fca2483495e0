with decided_actions as (
    select * from {{ action_register_source('decided_actions', {
        'action_id': 'varchar', 'organisation_code': 'varchar', 'survey_year': 'integer',
        'action': 'varchar', 'category_code': 'varchar', 'factor_code': 'varchar',
        'decided_by': 'varchar', 'decided_on': 'date', 'responsible': 'varchar',
        'status': 'varchar', 'due_date': 'date', 'follow_up_note': 'varchar',
        'source_file': 'varchar', 'source_row': 'integer',
        'accepted_at': 'timestamp with time zone',
    }) }}
),

renamed as (
    select
        cast(action_id as varchar) as action_id,
        cast(organisation_code as varchar) as organisation_code,
        cast(survey_year as integer) as survey_year,
        cast(action as varchar) as action_text,
        cast(category_code as varchar) as category_code,
        cast(factor_code as varchar) as factor_code,
        cast(decided_by as varchar) as decided_by,
        cast(decided_on as date) as decided_on,
        cast(responsible as varchar) as responsible,
        cast(status as varchar) as status,
        cast(due_date as date) as due_date,
        cast(follow_up_note as varchar) as follow_up_note,
        cast(source_file as varchar) as source_file,
        cast(source_row as integer) as source_row,
        cast(accepted_at as timestamp with time zone) as accepted_at
    from decided_actions
)

select * from renamed
