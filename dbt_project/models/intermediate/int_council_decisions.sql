-- The organisation-years published by the council's decision: one row per organisation and
-- survey year whose results the council's quality checks would withhold (a failure that
-- withholds, int_withholding_failures: the same rule as int_organisations_withheld) but whose
-- withholding the council overruled in the year's current sign-off
-- (stg_council__withholding_overrules; `mognad sign-off --overrule`), with the council's
-- reason. An overrule of an organisation-year that is not withheld (no failure, or only of
-- a check outside var withholding_checks) is not a decision to publish anything and has no
-- row. The one place of this mark: maturity_by_organisation and every mart of an
-- organisation's figures mark their rows from here (macros/council_decision_marks.sql).
with failures as (
    select * from {{ ref('int_withholding_failures') }}
),

overrules as (
    select * from {{ ref('stg_council__withholding_overrules') }}
),

failed_organisation_years as (
    select distinct
        survey_year,
        organisation_code
    from failures
)

select
    cast(overrules.survey_year as integer) as survey_year,
    cast(overrules.organisation_code as varchar) as organisation_code,
    cast(overrules.overrule_reason as varchar) as council_decision_reason
from overrules
inner join failed_organisation_years
    on
        overrules.survey_year = failed_organisation_years.survey_year
        and overrules.organisation_code = failed_organisation_years.organisation_code
