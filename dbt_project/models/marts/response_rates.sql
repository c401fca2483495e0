-- One row per organisation, survey year and target group that was invited or answered:
-- int_target_group_response_rates (the one rule of a group's counts and rate) with the
-- organisation's and the target group's names.
with group_rates as (
    select * from {{ ref('int_target_group_response_rates') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

target_groups as (
    select * from {{ ref('stg_reference__target_groups') }}
),

named as (
    select
        group_rates.organisation_code,
        organisations.organisation_name,
        group_rates.survey_year,
        group_rates.target_group,
        target_groups.target_group_name_sv,
        group_rates.invitation_method,
        group_rates.invited,
        group_rates.respondents,
        group_rates.response_rate,
        group_rates.rate_status
    from group_rates
    left join organisations
        on group_rates.organisation_code = organisations.organisation_code
    left join target_groups
        on group_rates.target_group = target_groups.target_group
)

select * from named
