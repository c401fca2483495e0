-- Organisation-years whose results are withheld by the council's quality checks: one row per
-- organisation and survey year with a failing (status 'fel') organisation-scoped check —
-- response rate under the failing threshold, too few respondents, or more respondents than
-- invited (brief of the council's validation issue, "Severity"; the checks are
-- int_quality_checks_evaluated, their thresholds the var quality_thresholds). The marts
-- publish no index for them.
-- An organisation-year the council overruled when it signed the year off
-- (stg_council__withholding_overrules, pipelines/decisions.py) is not withheld.
with check_results as (
    select * from {{ ref('int_quality_checks_evaluated') }}
),

overrules as (
    select * from {{ ref('stg_council__withholding_overrules') }}
),

failures as (
    select
        survey_year,
        organisation_code,
        check_name,
        check_name
        || ': observed '
        || coalesce(cast(round(observed, 4) as varchar), 'unknown')
        || coalesce(' (' || threshold || ')', '') as failure_text
    from check_results
    where
        status = 'fel'
        and organisation_code is not null
        and check_name in (
            {%- for check in var('withholding_checks') %}
                '{{ check }}'{{ "," if not loop.last }}
            {%- endfor %}
        )
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
