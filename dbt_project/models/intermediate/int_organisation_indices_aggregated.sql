-- One row per organisation and year: the dimension and maturity indices with their
-- respondent counts, standard errors and confidence intervals.
-- Domain doc, scoring method step 5:
--   capability_index / legacy_index = mean of the dimension's category indices, null unless
--     every category index of the dimension exists; maturity_index = mean of the two.
-- Step 6: the standard error is that of this estimator, a mean of category means, by
-- linearisation over the respondents (macros/linearised_standard_errors.sql); n = the
-- respondents with at least one kept category score in the dimension (for maturity: in
-- either dimension); interval = index -/+ t(level, n - 1) * standard error, clipped to 0-100;
-- null when n < 2 or the index is null.
with category_indices as (
    select * from {{ ref('int_category_indices_aggregated') }}
),

category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
),

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

dimension_indices as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        dimension_code,
        case
            when count(category_index) = count(*) then avg(category_index)
        end as dimension_index,
        min(respondents) as min_category_respondents
    from category_indices
    group by organisation_code, survey_year, instrument_version, dimension_code
),

indices as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        max(dimension_index) filter (where dimension_code = 'capability') as capability_index,
        max(dimension_index) filter (where dimension_code = 'legacy') as legacy_index,
        max(min_category_respondents) filter (
            where dimension_code = 'capability'
        ) as capability_min_category_respondents,
        max(min_category_respondents) filter (
            where dimension_code = 'legacy'
        ) as legacy_min_category_respondents
    from dimension_indices
    group by organisation_code, survey_year, instrument_version
),

respondent_score_spread as (
    {{ linearised_standard_errors('category_scores', ['organisation_code', 'survey_year']) }}
),

indices_with_spread as (
    select
        indices.organisation_code,
        indices.survey_year,
        indices.instrument_version,
        indices.capability_index,
        indices.legacy_index,
        indices.capability_min_category_respondents,
        indices.legacy_min_category_respondents,
        respondent_score_spread.capability_respondents,
        respondent_score_spread.capability_index_standard_error,
        respondent_score_spread.legacy_respondents,
        respondent_score_spread.legacy_index_standard_error,
        respondent_score_spread.maturity_respondents,
        respondent_score_spread.maturity_index_standard_error,
        (indices.capability_index + indices.legacy_index) / 2 as maturity_index
    from indices
    left join respondent_score_spread
        on
            indices.organisation_code = respondent_score_spread.organisation_code
            and indices.survey_year = respondent_score_spread.survey_year
),

with_critical_values as (
    select
        *,
        {{ t_critical_for('capability_respondents - 1') }} as capability_t_critical,
        {{ t_critical_for('legacy_respondents - 1') }} as legacy_t_critical,
        {{ t_critical_for('maturity_respondents - 1') }} as maturity_t_critical
    from indices_with_spread
),

with_intervals as (
    select
        *,
        {{ interval_columns('capability_index', 'capability_t_critical') }},
        {{ interval_columns('legacy_index', 'legacy_t_critical') }},
        {{ interval_columns('maturity_index', 'maturity_t_critical') }}
    from with_critical_values
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

-- The maturity index is a function of the two dimension indices, so it is disclosed exactly
-- when both are; its interval describes the respondents with a maturity score, so it also
-- needs enough of them.
with_maturity_disclosure as (
    select
        *,
        is_capability_disclosed and is_legacy_disclosed as is_maturity_disclosed,
        is_capability_disclosed
        and is_legacy_disclosed
        and {{ is_disclosed('maturity_respondents') }} as is_maturity_interval_disclosed
    from with_disclosure
)

select * from with_maturity_disclosure
