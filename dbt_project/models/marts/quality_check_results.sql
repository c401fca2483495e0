-- The history of every data-quality check of every accepted year, for the council.
-- Structural checks: the file checks of the validation stage (blocking: a year that fails
-- them is never accepted, so here they are 'godkänd', or 'varning' when an ingest rule
-- fired), read from the raw table. The council's quality checks per organisation, target
-- group or item: int_quality_checks_evaluated, stamped with the time the year's files were
-- checked (the build's time, UTC, when no file check is recorded for the year).
with structural as (
    select * from {{ ref('stg_raw__quality_check_results') }}
    where check_kind = 'structural'
),

quality as (
    select * from {{ ref('int_quality_checks_evaluated') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

checked_years as (
    select
        survey_year,
        max(checked_at) as checked_at
    from structural
    group by survey_year
),

check_results as (
    select
        survey_year,
        check_name,
        check_kind,
        organisation_code,
        target_group,
        item_code,
        status,
        observed,
        numerator,
        denominator,
        warn_threshold,
        fail_threshold,
        threshold,
        checked_at
    from structural
    union all
    select
        quality.survey_year,
        quality.check_name,
        'quality' as check_kind,
        quality.organisation_code,
        quality.target_group,
        quality.item_code,
        quality.status,
        quality.observed,
        quality.numerator,
        quality.denominator,
        quality.warn_threshold,
        quality.fail_threshold,
        quality.threshold,
        coalesce(checked_years.checked_at, timezone('UTC', current_timestamp)) as checked_at
    from quality
    left join checked_years
        on quality.survey_year = checked_years.survey_year
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
