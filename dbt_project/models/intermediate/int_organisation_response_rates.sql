-- One row per organisation and survey year: respondents, invited and the response rate.
-- The organisations are every organisation of the register in every year with data, plus
-- any other code that answered or was invited (the file checks reject unknown codes, so in
-- practice the register). Domain doc, "Respondents and response rates": the rate needs the
-- number invited; it is unknown (null, never 0 or 100 %) when any target group of the
-- organisation was invited by a shared link or without a count, when a target group answered
-- without an invitation row (its respondents cannot be told apart from the invited), or when
-- nobody was invited. Built on the target groups' counts (int_target_group_response_rates);
-- a respondent belongs to one target group, so the groups' respondents add up.
with group_rates as (
    select * from {{ ref('int_target_group_response_rates') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

survey_years as (
    select distinct survey_year from group_rates
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
    from group_rates
),

organisation_totals as (
    select
        organisation_code,
        survey_year,
        sum(respondents) as respondents,
        case
            -- a group invited by link or without a count, or answering without an invitation row
            when bool_or(invitation_method is distinct from 'email' or invited is null) then null
            else sum(invited)
        end as invited
    from group_rates
    group by organisation_code, survey_year
),

counted as (
    select
        organisation_years.organisation_code,
        cast(organisation_years.survey_year as integer) as survey_year,
        cast(coalesce(organisation_totals.respondents, 0) as integer) as respondents,
        cast(organisation_totals.invited as integer) as invited
    from organisation_years
    left join organisation_totals
        on
            organisation_years.organisation_code = organisation_totals.organisation_code
            and organisation_years.survey_year = organisation_totals.survey_year
),

with_rates as (
    select
        *,
        cast(respondents / nullif(invited, 0) as double) as response_rate
    from counted
)

select * from with_rates
