-- One row per organisation and survey year. See _marts.yml for every column and formula.
with respondents as (
    select * from {{ ref('stg_raw__respondents') }}
),

invitations as (
    select * from {{ ref('stg_raw__invitations') }}
),

category_indices as (
    select * from {{ ref('int_category_indices_aggregated') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

respondent_counts as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        count(distinct respondent_id) as respondents
    from respondents
    group by organisation_code, survey_year, instrument_version
),

invitation_totals as (
    select
        organisation_code,
        survey_year,
        sum(invited) as invited_total,
        bool_or(invitation_method != 'email' or invited is null) as has_group_with_unknown_invited
    from invitations
    group by organisation_code, survey_year
),

-- Respondents in a target group with no invitation row: their invited count is unknown.
groups_answering_uninvited as (
    select distinct
        respondents.organisation_code,
        respondents.survey_year
    from respondents
    left join invitations
        on
            respondents.organisation_code = invitations.organisation_code
            and respondents.survey_year = invitations.survey_year
            and respondents.target_group = invitations.target_group
    where invitations.target_group is null
),

invited_known as (
    select
        respondent_counts.organisation_code,
        respondent_counts.survey_year,
        case
            when invitation_totals.organisation_code is null then null
            when invitation_totals.has_group_with_unknown_invited then null
            when groups_answering_uninvited.organisation_code is not null then null
            else invitation_totals.invited_total
        end as invited
    from respondent_counts
    left join invitation_totals
        on
            respondent_counts.organisation_code = invitation_totals.organisation_code
            and respondent_counts.survey_year = invitation_totals.survey_year
    left join groups_answering_uninvited
        on
            respondent_counts.organisation_code = groups_answering_uninvited.organisation_code
            and respondent_counts.survey_year = groups_answering_uninvited.survey_year
),

dimension_indices as (
    select
        organisation_code,
        survey_year,
        dimension_code,
        -- mean of the dimension's category indices, only when every one of them exists
        case
            when count(category_index) = count(*) then avg(category_index)
        end as dimension_index
    from category_indices
    group by organisation_code, survey_year, dimension_code
),

dimension_indices_pivoted as (
    select
        organisation_code,
        survey_year,
        max(dimension_index) filter (where dimension_code = 'capability') as capability_index,
        max(dimension_index) filter (where dimension_code = 'legacy') as legacy_index
    from dimension_indices
    group by organisation_code, survey_year
),

organisation_years as (
    select
        respondent_counts.organisation_code,
        organisations.organisation_name,
        organisations.organisation_type,
        cast(respondent_counts.survey_year as integer) as survey_year,
        respondent_counts.instrument_version,
        cast(respondent_counts.respondents as integer) as respondents,
        cast(invited_known.invited as integer) as invited,
        cast(dimension_indices_pivoted.capability_index as double) as capability_index,
        cast(dimension_indices_pivoted.legacy_index as double) as legacy_index,
        cast(
            (dimension_indices_pivoted.capability_index + dimension_indices_pivoted.legacy_index) / 2
            as double
        ) as maturity_index,
        cast(respondent_counts.respondents as double)
        / nullif(invited_known.invited, 0) as response_rate
    from respondent_counts
    left join organisations
        on respondent_counts.organisation_code = organisations.organisation_code
    left join invited_known
        on
            respondent_counts.organisation_code = invited_known.organisation_code
            and respondent_counts.survey_year = invited_known.survey_year
    left join dimension_indices_pivoted
        on
            respondent_counts.organisation_code = dimension_indices_pivoted.organisation_code
            and respondent_counts.survey_year = dimension_indices_pivoted.survey_year
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
)

select * from with_quadrant
