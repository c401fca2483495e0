-- One row per organisation, survey year and target group that was invited or answered: the
-- invitation row's method and count, the group's respondents and its response rate.
-- Domain doc, "Respondents and response rates": a rate needs the number invited; a group
-- invited by a shared link (or with no invitation row, or 0 invited) has an unknown rate,
-- never 0 or 100 %. The one rule of the per-group counts and rates, read by the mart
-- response_rates, the organisation rates (int_organisation_response_rates) and the quality
-- check respondents_within_invited (int_quality_checks_evaluated).
with respondents as (
    select * from {{ ref('stg_raw__respondents') }}
),

invitations as (
    select * from {{ ref('stg_raw__invitations') }}
),

respondent_counts as (
    select
        organisation_code,
        survey_year,
        target_group,
        count(distinct respondent_id) as respondents
    from respondents
    group by organisation_code, survey_year, target_group
),

groups as (
    select
        organisation_code,
        survey_year,
        target_group
    from respondent_counts
    union
    select
        organisation_code,
        survey_year,
        target_group
    from invitations
),

group_counts as (
    select
        groups.organisation_code,
        cast(groups.survey_year as integer) as survey_year,
        groups.target_group,
        invitations.invitation_method,
        cast(invitations.invited as integer) as invited,
        cast(coalesce(respondent_counts.respondents, 0) as integer) as respondents
    from groups
    left join invitations
        on
            groups.organisation_code = invitations.organisation_code
            and groups.survey_year = invitations.survey_year
            and groups.target_group = invitations.target_group
    left join respondent_counts
        on
            groups.organisation_code = respondent_counts.organisation_code
            and groups.survey_year = respondent_counts.survey_year
            and groups.target_group = respondent_counts.target_group
),

with_rates as (
    select
        *,
        cast(respondents / nullif(invited, 0) as double) as response_rate,
        case
            when invitation_method = 'email' and invited > 0 then 'known'
            else 'unknown'
        end as rate_status
    from group_counts
)

select * from with_rates
