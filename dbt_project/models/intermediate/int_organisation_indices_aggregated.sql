-- One row per organisation and year: the dimension and maturity indices with their
-- respondent counts, standard errors and confidence intervals, and whether each may be
-- published (with the reason when not).
-- Domain doc, scoring method steps 5-6, the rule of macros/indices_aggregated.sql
-- (dimension_indices_aggregated) over the organisation's category indices
-- (int_category_indices_aggregated) and respondents.
with category_indices as (
    select * from {{ ref('int_category_indices_aggregated') }}
),

category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
),

organisation_rates as (
    select * from {{ ref('int_organisation_response_rates') }}
),

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
),

with_intervals as (
    {{ dimension_indices_aggregated(
        'category_indices', 'category_scores', ['organisation_code', 'survey_year', 'instrument_version']
    ) }}
),

-- An organisation-year that failed one of the council's withholding quality checks
-- (int_organisations_withheld) publishes no index.
with_withholding as (
    select
        with_intervals.*,
        organisation_rates.respondents,
        withheld.withheld_reason,
        withheld.organisation_code is not null as is_withheld
    from with_intervals
    left join organisation_rates
        on
            with_intervals.organisation_code = organisation_rates.organisation_code
            and with_intervals.survey_year = organisation_rates.survey_year
    left join withheld
        on
            with_intervals.organisation_code = withheld.organisation_code
            and with_intervals.survey_year = withheld.survey_year
),

-- Disclosure control (macros/disclosure_control.sql): a dimension index is published
-- exactly when it has no suppression reason: the organisation-year is not withheld, has
-- enough respondents, every category index of the dimension describes enough respondents
-- and enough respondents have a dimension score (dimension_suppression_reason).
with_reasons as (
    select
        *,
        {{ dimension_suppression_reason('capability', 'respondents', 'is_withheld') }}
            as capability_suppression_reason,
        {{ dimension_suppression_reason('legacy', 'respondents', 'is_withheld') }}
            as legacy_suppression_reason
    from with_withholding
),

-- Each dimension disclosed exactly when it has no reason; the maturity index and its interval
-- (macros/disclosure_control.sql).
with_maturity_disclosure as (
    {{ disclosure_from_reasons('with_reasons') }}
)

select * from with_maturity_disclosure
