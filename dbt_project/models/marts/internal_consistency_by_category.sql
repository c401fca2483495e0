{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (a year's rows depend on that year's answers only):
-- macros/incremental_years.sql.
-- One row per survey year and category of the year's instrument version: Cronbach's alpha
-- of the category's items over all the county's respondents that year, a quality indicator
-- of whether the items of a category measure one thing. Item scores, pairwise covariances
-- and alpha: macros/cronbach_alpha.sql, with the county's respondents as one group.
-- Disclosure control: suppressed when fewer than var('min_cell_respondents') respondents
-- answered an item of the category (macros/disclosure_control.sql).
with {{ cronbach_alpha_ctes([]) }},

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

published as (
    select
        cast(alpha.survey_year as integer) as survey_year,
        alpha.instrument_version,
        categories.dimension_code,
        alpha.category_code,
        categories.category_name_sv,
        cast(alpha.items_in_category as integer) as items_in_category,
        cast(alpha.items_with_variance as integer) as items_with_variance,
        cast(alpha.respondents as integer) as respondents,
        cast(alpha.answers as integer) as answers,
        {{ is_suppressed('alpha.respondents') }} as cronbach_alpha_suppressed,
        case
            when {{ is_suppressed('alpha.respondents') }}
                then 'fewer than {{ var("min_cell_respondents") }} respondents'
        end as suppression_reason,
        case
            when {{ is_disclosed('alpha.respondents') }} then cast(alpha.cronbach_alpha as double)
        end as cronbach_alpha,
        cast({{ var('min_acceptable_cronbach_alpha') }} as double) as cronbach_alpha_threshold,
        case
            when {{ is_disclosed('alpha.respondents') }} and alpha.cronbach_alpha is not null
                then alpha.cronbach_alpha < {{ var('min_acceptable_cronbach_alpha') }}
        end as is_cronbach_alpha_below_threshold
    from alpha
    left join categories
        on alpha.category_code = categories.category_code
)

select * from published
