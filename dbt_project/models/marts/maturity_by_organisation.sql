-- One row per organisation and survey year. See maturity_by_organisation.yml for every column
-- and formula.
with respondents as (
    select * from {{ ref('stg_raw__respondents') }}
),

-- Respondents, invited and response rate: int_organisation_response_rates (the one rule of
-- the three).
organisation_rates as (
    select * from {{ ref('int_organisation_response_rates') }}
),

organisation_indices as (
    select * from {{ ref('int_organisation_indices_aggregated') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

maturity_changes as (
    select * from {{ ref('int_maturity_changes_compared') }}
),

-- The organisation-years with respondents, with the year's instrument version.
answered_years as (
    select distinct
        organisation_code,
        survey_year,
        instrument_version
    from respondents
),

-- Disclosure control (macros/disclosure_control.sql) and the council's withholding
-- (int_organisations_withheld), decided in int_organisation_indices_aggregated: suppressed
-- indices and their intervals are published as null, with flags and the reason saying so
-- (published_index_columns).
organisation_years as (
    select
        answered_years.organisation_code,
        organisations.organisation_name,
        organisations.organisation_type,
        organisation_indices.withheld_reason,
        maturity_changes.is_change_significant as change_is_significant,
        maturity_changes.is_instrument_version_changed as instrument_version_changed,
        answered_years.instrument_version,
        cast(answered_years.survey_year as integer) as survey_year,
        cast(organisation_rates.respondents as integer) as respondents,
        cast(organisation_rates.invited as integer) as invited,
        cast(organisation_rates.response_rate as double) as response_rate,
        {{ published_index_columns('organisation_indices', ['ci_lower', 'ci_upper', 'standard_error']) }},
        cast(organisation_indices.maturity_suppression_reason as varchar) as suppression_reason,
        coalesce(organisation_indices.is_withheld, false) as results_withheld,
        cast(maturity_changes.previous_survey_year as integer) as previous_survey_year,
        cast(maturity_changes.previous_maturity_index as double) as previous_maturity_index,
        cast(maturity_changes.maturity_index_change as double) as maturity_index_change,
        cast(maturity_changes.maturity_index_change_ci_lower as double)
            as maturity_index_change_ci_lower,
        cast(maturity_changes.maturity_index_change_ci_upper as double)
            as maturity_index_change_ci_upper,
        cast(
            case
                when maturity_changes.maturity_index_change is not null
                    then maturity_changes.change_items_compared
            end as integer
        ) as change_items_compared,
        cast(maturity_changes.compared_previous_maturity_index as double)
            as comparable_previous_maturity_index,
        cast(maturity_changes.compared_maturity_index as double) as comparable_maturity_index
    from answered_years
    left join organisations
        on answered_years.organisation_code = organisations.organisation_code
    left join organisation_rates
        on
            answered_years.organisation_code = organisation_rates.organisation_code
            and answered_years.survey_year = organisation_rates.survey_year
    left join organisation_indices
        on
            answered_years.organisation_code = organisation_indices.organisation_code
            and answered_years.survey_year = organisation_indices.survey_year
    left join maturity_changes
        on
            answered_years.organisation_code = maturity_changes.organisation_code
            and answered_years.survey_year = maturity_changes.survey_year
),

with_quadrant as (
    select
        *,
        case
            when capability_index is null or legacy_index is null then null
            when
                capability_index < {{ var('quadrant_capability_cut') }}
                and legacy_index < {{ var('quadrant_legacy_cut') }} then 'A'
            when capability_index < {{ var('quadrant_capability_cut') }} then 'B'
            when legacy_index < {{ var('quadrant_legacy_cut') }} then 'C'
            else 'D'
        end as quadrant
    from organisation_years
),

-- County comparison: over every organisation with a maturity_index that year (the region
-- included), unweighted; rank 1 = highest, ties share a rank.
with_county_comparison as (
    select
        *,
        case
            when maturity_index is not null
                then rank() over (
                    partition by survey_year, maturity_index is null
                    order by maturity_index desc
                )
        end as county_rank,
        count(maturity_index) over (partition by survey_year) as county_ranked_organisations,
        avg(maturity_index) over (partition by survey_year) as county_mean_maturity_index,
        -- the same comparison within the organisation's type (kommun / region)
        avg(maturity_index) over (partition by survey_year, organisation_type)
            as organisation_type_mean_maturity_index,
        -- the other organisations of the same type (the organisation itself left out)
        (sum(maturity_index) over same_type - coalesce(maturity_index, 0)) / nullif(
            count(maturity_index) over same_type - (case when maturity_index is null then 0 else 1 end),
            0
        ) as same_type_mean_maturity_index,
        count(maturity_index) over same_type
        - (case when maturity_index is null then 0 else 1 end) as same_type_organisations,
        count(*) over same_type - count(maturity_index) over same_type
        - (case when maturity_index is null then 1 else 0 end) as same_type_organisations_without_index
    from with_quadrant
    window same_type as (partition by survey_year, organisation_type)
),

-- The range of ranks the intervals allow (no league table): best = 1 + the organisations
-- whose interval lies wholly above this one's, worst = the ranked organisations minus those
-- whose interval lies wholly below.
rank_ranges as (
    select
        this.organisation_code,
        this.survey_year,
        1 + count(*) filter (
            where other.maturity_index_ci_lower > this.maturity_index_ci_upper
        ) as county_rank_best,
        count(other.maturity_index) - count(*) filter (
            where other.maturity_index_ci_upper < this.maturity_index_ci_lower
        ) as county_rank_worst
    from with_county_comparison as this
    inner join with_county_comparison as other
        on this.survey_year = other.survey_year
    where this.maturity_index_ci_lower is not null and other.maturity_index is not null
    group by this.organisation_code, this.survey_year
),

-- The council's quality checks per organisation-year (response rate, minimum respondents,
-- respondents within invited): the worst status, and which checks warned or failed, so that
-- results published with a warning carry it.
quality_flags as (
    select
        survey_year,
        organisation_code,
        case
            when bool_or(status = 'fel') then 'fel'
            when bool_or(status = 'varning') then 'varning'
            else 'godkänd'
        end as quality_status,
        string_agg(
            distinct case when status in ('varning', 'fel') then check_name end,
            ', '
            order by case when status in ('varning', 'fel') then check_name end
        ) as quality_warnings
    from {{ ref('int_quality_checks_evaluated') }}
    where organisation_code is not null
    group by survey_year, organisation_code
),

final as (
    select
        with_county_comparison.* exclude (
            county_rank,
            county_ranked_organisations,
            county_mean_maturity_index,
            organisation_type_mean_maturity_index,
            same_type_mean_maturity_index,
            same_type_organisations,
            same_type_organisations_without_index
        ),
        cast(with_county_comparison.county_rank as integer) as county_rank,
        cast(with_county_comparison.county_ranked_organisations as integer)
            as county_ranked_organisations,
        cast(with_county_comparison.county_mean_maturity_index as double)
            as county_mean_maturity_index,
        cast(
            with_county_comparison.maturity_index
            - with_county_comparison.county_mean_maturity_index as double
        ) as maturity_index_diff_from_county_mean,
        cast(with_county_comparison.organisation_type_mean_maturity_index as double)
            as organisation_type_mean_maturity_index,
        cast(
            with_county_comparison.maturity_index
            - with_county_comparison.organisation_type_mean_maturity_index as double
        ) as maturity_index_diff_from_type_mean,
        cast(coalesce(quality_flags.quality_status, 'godkänd') as varchar) as quality_status,
        cast(quality_flags.quality_warnings as varchar) as quality_warnings,
        cast(with_county_comparison.same_type_mean_maturity_index as double)
            as same_type_mean_maturity_index,
        cast(with_county_comparison.same_type_organisations as integer) as same_type_organisations,
        cast(with_county_comparison.same_type_organisations_without_index as integer)
            as same_type_organisations_without_index,
        case
            when with_county_comparison.quadrant is null then null
            when
                with_county_comparison.capability_index_ci_lower is null
                or with_county_comparison.legacy_index_ci_lower is null then null
            else
                (
                    with_county_comparison.capability_index_ci_lower < {{ var('quadrant_capability_cut') }}
                    and with_county_comparison.capability_index_ci_upper >= {{ var('quadrant_capability_cut') }}
                )
                or (
                    with_county_comparison.legacy_index_ci_lower < {{ var('quadrant_legacy_cut') }}
                    and with_county_comparison.legacy_index_ci_upper >= {{ var('quadrant_legacy_cut') }}
                )
        end as is_quadrant_uncertain,
        cast(rank_ranges.county_rank_best as integer) as county_rank_best,
        cast(rank_ranges.county_rank_worst as integer) as county_rank_worst
    from with_county_comparison
    left join quality_flags
        on
            with_county_comparison.organisation_code = quality_flags.organisation_code
            and with_county_comparison.survey_year = quality_flags.survey_year
    left join rank_ranges
        on
            with_county_comparison.organisation_code = rank_ranges.organisation_code
            and with_county_comparison.survey_year = rank_ranges.survey_year
)

-- The council's overrules of a withholding (int_council_decisions, the current sign-off of
-- each year): the organisation-year is published by the council's decision, with its
-- reason, although its quality_status stays 'fel'; and whether the change from the previous
-- measurement rests on a year so published (macros/council_decision_marks.sql).
{{ council_decision_marks('final', change='maturity_index_change') }}
