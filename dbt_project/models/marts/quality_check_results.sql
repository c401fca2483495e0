-- The history of every data-quality check of every accepted year, for the council.
-- Structural checks (blocking: a year that fails them is never accepted, so here they are
-- all 'godkänd') and the council's quality checks per organisation, target group or item.
with check_results as (
    select * from {{ ref('stg_raw__quality_check_results') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

named as (
    select
        check_results.survey_year,
        check_results.check_name,
        check_results.check_kind,
        check_results.organisation_code,
        organisations.organisation_name,
        check_results.target_group,
        check_results.item_code,
        check_results.status,
        check_results.observed,
        check_results.numerator,
        check_results.denominator,
        check_results.warn_threshold,
        check_results.fail_threshold,
        check_results.threshold,
        check_results.checked_at
    from check_results
    left join organisations
        on check_results.organisation_code = organisations.organisation_code
)

select * from named
