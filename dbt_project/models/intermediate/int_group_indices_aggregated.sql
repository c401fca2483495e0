{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (macros/incremental_years.sql): a year's rows depend on that
-- year's respondent category scores alone.
-- One row per organisation, year, breakdown and respondent group: the capability, legacy and
-- maturity indices of the group, computed as the organisation's
-- (int_category_indices_aggregated -> int_organisation_indices_aggregated) but from the
-- group's respondents only. breakdown is 'target_group' (group_code = the respondent's target
-- group) or 'department' (group_code = the respondent's department; a null or empty
-- department becomes 'okänd förvaltning', so that the groups still add up to the
-- organisation and complementary suppression in the marts stays sound).
-- Domain doc, scoring method steps 5-6, per group: category index = mean of the group's kept
-- respondent category scores; the dimension and maturity indices, standard errors and
-- intervals by the organisation's rule (macros/indices_aggregated.sql,
-- dimension_indices_aggregated) over the group's category indices and respondents.
with category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
    {{ where_survey_year_to_build() }}
),

-- Each respondent's category scores once per breakdown, with the respondent's group in it.
respondent_groups as (
    select
        breakdowns.breakdown,
        category_scores.survey_year,
        category_scores.respondent_id,
        category_scores.organisation_code,
        category_scores.instrument_version,
        category_scores.dimension_code,
        category_scores.category_code,
        category_scores.category_score,
        case breakdowns.breakdown
            when 'target_group' then category_scores.target_group
            else coalesce(nullif(trim(category_scores.department), ''), 'okänd förvaltning')
        end as group_code
    from category_scores
    cross join (values ('target_group'), ('department')) as breakdowns (breakdown)
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

group_indices as (
    {{ dimension_indices_aggregated(
        'group_category_indices',
        'respondent_groups',
        ['organisation_code', 'survey_year', 'instrument_version', 'breakdown', 'group_code'],
        category_respondents='category_respondents'
    ) }}
),

with_intervals as (
    select
        group_indices.*,
        group_respondents.respondents
    from group_respondents
    inner join group_indices
        on
            group_respondents.organisation_code = group_indices.organisation_code
            and group_respondents.survey_year = group_indices.survey_year
            and group_respondents.instrument_version = group_indices.instrument_version
            and group_respondents.breakdown = group_indices.breakdown
            and group_respondents.group_code = group_indices.group_code
)

select * from with_intervals
