-- Organisation-years whose results are withheld by the council's quality checks: one row per
-- organisation and survey year with a failure that withholds (int_withholding_failures, the
-- one place of that rule: a 'fel' in a check of var withholding_checks — response rate under
-- the failing threshold, too few respondents, or more respondents than invited). The marts
-- publish no index for them.
-- An organisation-year the council overruled when it signed the year off
-- (stg_council__withholding_overrules, pipelines/decisions.py) is not withheld.
with failures as (
    select * from {{ ref('int_withholding_failures') }}
),

overrules as (
    select * from {{ ref('stg_council__withholding_overrules') }}
),

withheld as (
    select
        survey_year,
        organisation_code,
        string_agg(distinct check_name, ', ' order by check_name) as withheld_checks,
        'withheld by the quality checks: '
        || string_agg(failure_text, '; ' order by failure_text) as withheld_reason
    from failures
    where
        not exists (
            select 1
            from overrules
            where
                overrules.survey_year = failures.survey_year
                and overrules.organisation_code = failures.organisation_code
        )
    group by survey_year, organisation_code
)

select * from withheld
