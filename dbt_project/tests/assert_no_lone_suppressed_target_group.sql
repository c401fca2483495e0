-- Complementary suppression in dont_know_by_target_group: when some but not all groups of an
-- organisation-year are suppressed, the suppressed groups together must have at least
-- var('min_cell_respondents') respondents (their sum is the organisation's totals minus the
-- published groups).
with groups as (
    select
        organisation_code,
        survey_year,
        count(*) filter (where not counts_suppressed) as published_groups,
        coalesce(sum(respondents) filter (where counts_suppressed), 0) as suppressed_respondents
    from {{ ref('dont_know_by_target_group') }}
    group by organisation_code, survey_year
),

recoverable_suppressions as (
    select *
    from groups
    where
        published_groups > 0
        and suppressed_respondents > 0
        and {{ is_suppressed('suppressed_respondents') }}
)

select * from recoverable_suppressions
