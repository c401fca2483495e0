-- One row per organisation, year, breakdown and respondent group: the capability, legacy and
-- maturity indices of the group, computed as the organisation's
-- (int_category_indices_aggregated -> int_organisation_indices_aggregated) but from the
-- group's respondents only. breakdown is 'target_group' (group_code = the respondent's target
-- group) or 'department' (group_code = the respondent's department; a null or empty
-- department becomes 'okänd förvaltning', so that the groups still add up to the
-- organisation and complementary suppression in the marts stays sound).
-- Domain doc, scoring method step 5, per group:
--   category index = mean of the group's kept respondent category scores;
--   capability_index / legacy_index = mean of the dimension's category indices, null unless
--     every category of the dimension has one; maturity_index = mean of the two.
-- Step 6 (the same estimator as the organisation's): the standard error of the group's mean of
-- category means by linearisation over the group's respondents
-- (macros/linearised_standard_errors.sql); n = the group's respondents with at least one kept
-- category score in the dimension (for maturity: in either dimension); interval = index -/+
-- t(level, n - 1) * standard error, clipped to 0-100; null when n < 2 or the index is null.
with category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

respondent_groups as (
    select
        'target_group' as breakdown,
        target_group as group_code,
        survey_year,
        respondent_id,
        organisation_code,
        instrument_version,
        dimension_code,
        category_code,
        category_score
    from category_scores
    union all
    select
        'department' as breakdown,
        coalesce(nullif(trim(department), ''), 'okänd förvaltning') as group_code,
        survey_year,
        respondent_id,
        organisation_code,
        instrument_version,
        dimension_code,
        category_code,
        category_score
    from category_scores
),

group_category_indices as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        breakdown,
        group_code,
        dimension_code,
        category_code,
        avg(category_score) as category_index,
        count(category_score) as category_respondents
    from respondent_groups
    group by
        organisation_code,
        survey_year,
        instrument_version,
        breakdown,
        group_code,
        dimension_code,
        category_code
),

group_dimension_indices as (
    select
        organisation_code,
        survey_year,
        breakdown,
        group_code,
        dimension_code,
        case
            when count(category_index) = count(*) then avg(category_index)
        end as dimension_index,
        min(category_respondents) as min_category_respondents
    from group_category_indices
    group by organisation_code, survey_year, breakdown, group_code, dimension_code
),

group_indices as (
    select
        organisation_code,
        survey_year,
        breakdown,
        group_code,
        max(dimension_index) filter (where dimension_code = 'capability') as capability_index,
        max(dimension_index) filter (where dimension_code = 'legacy') as legacy_index,
        max(min_category_respondents) filter (
            where dimension_code = 'capability'
        ) as capability_min_category_respondents,
        max(min_category_respondents) filter (
            where dimension_code = 'legacy'
        ) as legacy_min_category_respondents
    from group_dimension_indices
    group by organisation_code, survey_year, breakdown, group_code
),

group_respondents as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        breakdown,
        group_code,
        count(distinct respondent_id) as respondents
    from respondent_groups
    group by organisation_code, survey_year, instrument_version, breakdown, group_code
),

group_standard_errors as (
    {{ linearised_standard_errors(
        'respondent_groups',
        ['organisation_code', 'survey_year', 'instrument_version', 'breakdown', 'group_code']
    ) }}
),

group_spread as (
    select
        group_respondents.*,
        group_standard_errors.capability_respondents,
        group_standard_errors.capability_index_standard_error,
        group_standard_errors.legacy_respondents,
        group_standard_errors.legacy_index_standard_error,
        group_standard_errors.maturity_respondents,
        group_standard_errors.maturity_index_standard_error
    from group_respondents
    inner join group_standard_errors
        on
            group_respondents.organisation_code = group_standard_errors.organisation_code
            and group_respondents.survey_year = group_standard_errors.survey_year
            and group_respondents.instrument_version = group_standard_errors.instrument_version
            and group_respondents.breakdown = group_standard_errors.breakdown
            and group_respondents.group_code = group_standard_errors.group_code
),

indices_with_spread as (
    select
        group_spread.*,
        group_indices.capability_index,
        group_indices.legacy_index,
        group_indices.capability_min_category_respondents,
        group_indices.legacy_min_category_respondents,
        (group_indices.capability_index + group_indices.legacy_index) / 2 as maturity_index
    from group_spread
    left join group_indices
        on
            group_spread.organisation_code = group_indices.organisation_code
            and group_spread.survey_year = group_indices.survey_year
            and group_spread.breakdown = group_indices.breakdown
            and group_spread.group_code = group_indices.group_code
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
)

select * from with_intervals
