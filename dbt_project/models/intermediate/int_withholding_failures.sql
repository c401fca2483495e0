-- The quality-check failures that withhold an organisation-year, before any overrule: one row
-- per failing (status 'fel') result of a check named in var withholding_checks, i.e. per
-- organisation, survey year, check and target group (respondents_within_invited judges each
-- target group too) (int_quality_checks_evaluated; the council's validation issue,
-- "Severity"). The one place of the rule "which failed checks withhold": the withholding
-- (int_organisations_withheld, which leaves out what the council overruled) and the
-- council's mark of an overruled withholding (int_council_decisions) both read it, so an
-- overrule can mark only what was withheld.
with check_results as (
    select * from {{ ref('int_quality_checks_evaluated') }}
)

select
    survey_year,
    organisation_code,
    check_name,
    target_group,
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
