{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (a year's rows depend on that year's answers, quality checks
-- and overrules only): macros/incremental_years.sql.
-- One row per organisation, survey year and category of the year's instrument version:
-- Cronbach's alpha of the category's items over the organisation's own respondents, with a
-- 95 % interval. The county-wide alpha (internal_consistency_by_category) mostly reflects
-- differences between organisations; this one says whether the items move together among
-- one organisation's respondents. docs/method.md, "Internal consistency".
--   alpha, n     = macros/cronbach_alpha.sql with each organisation's respondents as a
--                  group (pairwise covariances, n - 1, from exact integer sums); n =
--                  alpha_respondents, the fewest respondents behind any covariance. With
--                  "vet ej" answers there is no single n; the smallest is the cautious one.
--   interval     = Bonett (2002): ln(1 - alpha) is close to normal with variance
--                  2k / ((k - 1)(n - 2)), so
--                  lower/upper = 1 - exp(ln(1 - alpha) - ln(n / (n - 1)) +/- z sqrt(2k / ((k - 1)(n - 2)))),
--                  z the normal quantile of var('confidence_level') (seeds/t_critical_values.csv).
--                  Null when alpha >= 1 (possible with pairwise covariances only).
-- Published only when n >= var('min_alpha_respondents') (and the organisation-year is not
-- withheld, and the disclosure minimum holds); else alpha and its interval are null and
-- suppression_reason says why.
with {{ cronbach_alpha_ctes(['organisation_code']) }},

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
    {{ where_survey_year_to_build() }}
),

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

reasoned as (
    select
        alpha.*,
        case
            when withheld.organisation_code is not null then 'results withheld'
            when {{ is_suppressed('alpha.respondents') }}
                then 'fewer than {{ var("min_cell_respondents") }} respondents'
            when alpha.alpha_respondents < {{ var('min_alpha_respondents') }}
                then 'fewer than {{ var("min_alpha_respondents") }} respondents behind a covariance'
        end as suppression_reason,
        (
            select max(critical_values.t_critical)
            from critical_values
            where critical_values.degrees_of_freedom is null
        ) as z_critical
    from alpha
    left join withheld
        on
            alpha.survey_year = withheld.survey_year
            and alpha.organisation_code = withheld.organisation_code
),

-- Bonett (2002): the half-width on the log scale, ln(n / (n - 1)) its bias correction.
intervals as (
    select
        reasoned.*,
        case
            when
                reasoned.suppression_reason is null
                and reasoned.cronbach_alpha < 1
                and reasoned.items_with_variance >= 2
                and reasoned.alpha_respondents > 2
                then
                    reasoned.z_critical * sqrt(
                        2.0 * reasoned.items_with_variance
                        / ((reasoned.items_with_variance - 1) * (reasoned.alpha_respondents - 2))
                    )
        end as log_half_width,
        case
            when reasoned.alpha_respondents > 2
                then ln(
                    cast(reasoned.alpha_respondents as double) / (reasoned.alpha_respondents - 1)
                )
        end as log_bias_correction
    from reasoned
),

published as (
    select
        cast(intervals.survey_year as integer) as survey_year,
        intervals.organisation_code,
        intervals.instrument_version,
        categories.dimension_code,
        intervals.category_code,
        categories.category_name_sv,
        cast(intervals.items_in_category as integer) as items_in_category,
        cast(intervals.items_with_variance as integer) as items_with_variance,
        cast(intervals.respondents as integer) as respondents,
        cast(intervals.answers as integer) as answers,
        cast(intervals.alpha_respondents as integer) as alpha_respondents,
        cast({{ var('min_alpha_respondents') }} as integer) as min_alpha_respondents,
        intervals.suppression_reason is not null as cronbach_alpha_suppressed,
        intervals.suppression_reason,
        case
            when intervals.suppression_reason is null then cast(intervals.cronbach_alpha as double)
        end as cronbach_alpha,
        case
            when intervals.log_half_width is not null
                then 1 - exp(
                    ln(1 - intervals.cronbach_alpha) - intervals.log_bias_correction
                    + intervals.log_half_width
                )
        end as cronbach_alpha_ci_lower,
        case
            when intervals.log_half_width is not null
                then 1 - exp(
                    ln(1 - intervals.cronbach_alpha) - intervals.log_bias_correction
                    - intervals.log_half_width
                )
        end as cronbach_alpha_ci_upper,
        cast({{ var('min_acceptable_cronbach_alpha') }} as double) as cronbach_alpha_threshold,
        case
            when intervals.suppression_reason is null and intervals.cronbach_alpha is not null
                then intervals.cronbach_alpha < {{ var('min_acceptable_cronbach_alpha') }}
        end as is_cronbach_alpha_below_threshold
    from intervals
    left join categories
        on intervals.category_code = categories.category_code
)

-- The council's overrule of the organisation-year (macros/council_decision_marks.sql).
{{ council_decision_marks('published') }}
