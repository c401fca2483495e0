-- One row per organisation and survey year: respondents, invited and the response rate.
-- The organisations are every organisation of the register in every year with data, plus
-- any other code that answered or was invited (the file checks reject unknown codes, so in
-- practice the register). Domain doc, "Respondents and response rates": the rate needs the
-- number invited; it is unknown (null, never 0 or 100 %) when any target group of the
-- organisation was invited by a shared link or without a count, when a target group answered
-- without an invitation row (its respondents cannot be told apart from the invited), or when
-- nobody was invited.
with respondents as (
    select * from {{ ref('stg_raw__respondents') }}
),

invitations as (
    select * from {{ ref('stg_raw__invitations') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

survey_years as (
    select distinct survey_year from respondents
    union
    select distinct survey_year from invitations
),

organisation_years as (
    select
        organisations.organisation_code,
        survey_years.survey_year
    from organisations
    cross join survey_years
    union
    select distinct
        organisation_code,
        survey_year
    from respondents
    union
    select distinct
        organisation_code,
        survey_year
    from invitations
),

respondent_counts as (
    select
        organisation_code,
        survey_year,
        count(distinct respondent_id) as respondents
    from respondents
    group by organisation_code, survey_year
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

counted as (
    select
        organisation_years.organisation_code,
        cast(organisation_years.survey_year as integer) as survey_year,
        cast(coalesce(respondent_counts.respondents, 0) as integer) as respondents,
        cast(
            case
                when invitation_totals.organisation_code is null then null
                when invitation_totals.has_group_with_unknown_invited then null
                when groups_answering_uninvited.organisation_code is not null then null
                else invitation_totals.invited_total
            end as integer
        ) as invited
    from organisation_years
    left join respondent_counts
        on
            organisation_years.organisation_code = respondent_counts.organisation_code
            and organisation_years.survey_year = respondent_counts.survey_year
    left join invitation_totals
        on
            organisation_years.organisation_code = invitation_totals.organisation_code
            and organisation_years.survey_year = invitation_totals.survey_year
    left join groups_answering_uninvited
        on
            organisation_years.organisation_code = groups_answering_uninvited.organisation_code
            and organisation_years.survey_year = groups_answering_uninvited.survey_year
),

with_rates as (
    select
        *,
        cast(respondents / nullif(invited, 0) as double) as response_rate
    from counted
)

select * from with_rates
