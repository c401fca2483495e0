{#-
    council_decision_marks(rows): the rows of the CTE ``rows`` (one per organisation and
    survey year and something finer: category, factor, target group, department) with the
    council's overrule of their organisation-year beside them:

        published_by_council_decision   true when the quality checks would have withheld
                                        the organisation's results that year but the council
                                        overruled the withholding; false otherwise
        council_decision_reason         the council's reason; null unless published so

    Read from maturity_by_organisation, the one place that decides them (its quality status
    and the current sign-off's overrules, stg_council__withholding_overrules), so every
    table that shows an organisation's numbers says the same as the organisation's own row.
-#}
{% macro council_decision_marks(rows) -%}
select
    {{ rows }}.*,
    coalesce(council_decisions.published_by_council_decision, false)
        as published_by_council_decision,
    council_decisions.council_decision_reason
from {{ rows }}
left join {{ ref('maturity_by_organisation') }} as council_decisions
    on
        {{ rows }}.organisation_code = council_decisions.organisation_code
        and {{ rows }}.survey_year = council_decisions.survey_year
{%- endmacro %}
