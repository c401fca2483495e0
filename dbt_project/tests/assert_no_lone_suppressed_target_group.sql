-- Complementary suppression in dont_know_by_target_group: an organisation-year with more
-- than one group never has exactly one suppressed group (it could be recovered by
-- subtracting the published groups from the organisation's totals).
with groups as (
    select
        organisation_code,
        survey_year,
        count(*) as target_groups,
        count(*) filter (where counts_suppressed) as suppressed_groups
    from {{ ref('dont_know_by_target_group') }}
    group by organisation_code, survey_year
),

lone_suppressions as (
    select *
    from groups
    where target_groups > 1 and suppressed_groups = 1
)

select * from lone_suppressions
