{#-
    council_decision_marks(rows, change=none): the rows of the CTE ``rows`` (one per
    organisation and survey year, or something finer: category, factor, target group,
    department, recommendation, action) with the council's overrule of their
    organisation-year beside them:

        published_by_council_decision   true when the quality checks would have withheld
                                        the organisation's results that year but the council
                                        overruled the withholding; false otherwise
        council_decision_reason         the council's reason; null unless published so

    ``year``: the column of ``rows`` naming the organisation-year's survey year
    (default survey_year; action_follow_up: measurement_year).
    With ``change`` (the name of a column of ``rows`` holding a change between two of the
    organisation's measurements, e.g. 'maturity_index_change') and ``previous_year`` (the
    column with the earlier year of that change, default previous_survey_year), one more
    column:

        change_includes_council_decision
                                        true when the change is published (not null) and
                                        either of its two years (``year`` or
                                        ``previous_year``) was published by the council's
                                        decision, so the change rests on figures the quality
                                        checks would have withheld; false otherwise

    Read from int_council_decisions, the one place of the rule (a failed check and the
    current sign-off's overrule), so every table that shows an organisation's numbers says
    the same as the organisation's own row in maturity_by_organisation.
-#}
{% macro council_decision_marks(
    rows, change=none, year='survey_year', previous_year='previous_survey_year'
) -%}
select
    {{ rows }}.*,
    council_decisions.organisation_code is not null as published_by_council_decision,
    council_decisions.council_decision_reason
    {%- if change %},
    coalesce(
        {{ rows }}.{{ change }} is not null
        and (
            council_decisions.organisation_code is not null
            or previous_council_decisions.organisation_code is not null
        ),
        false
    ) as change_includes_council_decision
    {%- endif %}
from {{ rows }}
left join {{ ref('int_council_decisions') }} as council_decisions
    on
        {{ rows }}.organisation_code = council_decisions.organisation_code
        and {{ rows }}.{{ year }} = council_decisions.survey_year
{%- if change %}
left join {{ ref('int_council_decisions') }} as previous_council_decisions
    on
        {{ rows }}.organisation_code = previous_council_decisions.organisation_code
        and {{ rows }}.{{ previous_year }} = previous_council_decisions.survey_year
{%- endif %}
{%- endmacro %}
