-- One row per organisation, survey year and target group that was invited or answered.
-- Domain doc, "Respondents and response rates": a rate needs the number invited; a group
-- invited by a shared link (or with no invitation row) has an unknown rate, never 0 or 100 %.
with respondents as (
    select * from {{ ref('stg_raw__respondents') }}
),

invitations as (
    select * from {{ ref('stg_raw__invitations') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

target_groups as (
    select * from {{ ref('stg_reference__target_groups') }}
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

group_rates as (
    select
        groups.organisation_code,
        organisations.organisation_name,
        cast(groups.survey_year as integer) as survey_year,
        groups.target_group,
        target_groups.target_group_name_sv,
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
    left join organisations
        on groups.organisation_code = organisations.organisation_code
    left join target_groups
        on groups.target_group = target_groups.target_group
),

with_rates as (
    select
        *,
        cast(respondents / nullif(invited, 0) as double) as response_rate,
        case
            when invitation_method = 'email' and invited > 0 then 'known'
            else 'unknown'
        end as rate_status
    from group_rates
)

select * from with_rates
