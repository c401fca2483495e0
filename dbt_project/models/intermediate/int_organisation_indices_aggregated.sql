-- One row per organisation and year: the dimension and maturity indices with their
-- respondent counts, standard errors and confidence intervals.
-- Domain doc, scoring method steps 5-6, the rule of macros/indices_aggregated.sql
-- (dimension_indices_aggregated) over the organisation's category indices
-- (int_category_indices_aggregated) and respondents.
with category_indices as (
    select * from {{ ref('int_category_indices_aggregated') }}
),

category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
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
        withheld.withheld_reason,
        withheld.organisation_code is not null as is_withheld
    from with_intervals
    left join withheld
        on
            with_intervals.organisation_code = withheld.organisation_code
            and with_intervals.survey_year = withheld.survey_year
),

-- Disclosure control (macros/disclosure_control.sql): a dimension index is disclosed only
-- when every one of its category indices is, enough respondents have a dimension score and
-- the organisation-year is not withheld.
with_disclosure as (
    select
        *,
        not is_withheld and {{ is_dimension_disclosed('capability') }} as is_capability_disclosed,
        not is_withheld and {{ is_dimension_disclosed('legacy') }} as is_legacy_disclosed
    from with_withholding
),

-- The maturity index and its interval (macros/disclosure_control.sql).
with_maturity_disclosure as (
    select
        *,
        {{ maturity_disclosure_columns() }}
    from with_disclosure
)

select * from with_maturity_disclosure
