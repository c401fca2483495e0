{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (a year's rows depend on that year's answers, quality checks
-- and overrules only): macros/incremental_years.sql.
-- One row per organisation, survey year and category of the year's instrument version:
-- Cronbach's alpha of the category's items over the organisation's own respondents, with a
-- 95 % interval. The county-wide alpha (internal_consistency_by_category) mostly reflects
-- differences between organisations; this one says whether the items move together among
-- one organisation's respondents. docs/method.md, "Internal consistency".
--   covariances  = as internal_consistency_by_category (pairwise, n - 1, exact integer sums
--                  of the recoded answers, summed in item order), within the organisation.
--   alpha        = k / (k - 1) * (1 - sum of item variances / sum of all covariances).
--   n            = alpha_respondents: the fewest respondents behind any covariance (those
--                  who answered both items of a pair; for an item's variance, the item); 0
--                  when some pair of answered items has no respondent in common. With
--                  "vet ej" answers there is no single n; the smallest is the cautious one.
--   interval     = Bonett (2002): ln(1 - alpha) is close to normal with variance
--                  2k / ((k - 1)(n - 2)), so
--                  lower/upper = 1 - exp(ln(1 - alpha) - ln(n / (n - 1)) +/- z sqrt(2k / ((k - 1)(n - 2)))),
--                  z the normal quantile of var('confidence_level') (seeds/t_critical_values.csv).
--                  Null when alpha >= 1 (possible with pairwise covariances only).
-- Published only when n >= var('min_alpha_respondents') (and the organisation-year is not
-- withheld, and the disclosure minimum holds); else alpha and its interval are null and
-- suppression_reason says why.
with answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
    {{ where_survey_year_to_build() }}
),

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

item_scores as (
    select
        survey_year,
        organisation_code,
        instrument_version,
        category_code,
        respondent_id,
        item_code,
        cast(answer_value_recoded as bigint) as recoded_value,
        scale_max - scale_min as scale_range
    from answers_scored
    where is_answered and category_code is not null and organisation_code is not null
),

-- Every unordered pair of items (i <= j) of a category answered by the same respondent of
-- the organisation: the exact integer sums behind their covariance.
item_pair_sums as (
    select
        item_a.survey_year,
        item_a.organisation_code,
        item_a.category_code,
        item_a.item_code as item_code_a,
        item_b.item_code as item_code_b,
        any_value(item_a.scale_range) as scale_range_a,
        any_value(item_b.scale_range) as scale_range_b,
        count(*) as joint_answers,
        sum(item_a.recoded_value) as sum_a,
        sum(item_b.recoded_value) as sum_b,
        sum(item_a.recoded_value * item_b.recoded_value) as sum_ab
    from item_scores as item_a
    inner join item_scores as item_b
        on
            item_a.survey_year = item_b.survey_year
            and item_a.respondent_id = item_b.respondent_id
            and item_a.organisation_code = item_b.organisation_code
            and item_a.category_code = item_b.category_code
            and item_a.item_code <= item_b.item_code
    group by
        item_a.survey_year, item_a.organisation_code, item_a.category_code,
        item_a.item_code, item_b.item_code
),

item_pair_covariances as (
    select
        survey_year,
        organisation_code,
        category_code,
        item_code_a,
        item_code_b,
        joint_answers,
        case
            when joint_answers >= 2
                then
                    cast(joint_answers * sum_ab - sum_a * sum_b as double)
                    / (joint_answers * (joint_answers - 1))
                    * 10000.0 / (scale_range_a * scale_range_b)
        end as covariance
    from item_pair_sums
),

covariance_sums as (
    select
        survey_year,
        organisation_code,
        category_code,
        count(*) filter (where item_code_a = item_code_b) as items_answered,
        count(*) as item_pairs_answered,
        min(joint_answers) as least_joint_answers,
        count(covariance) filter (where item_code_a = item_code_b) as items_with_variance,
        sum(covariance order by item_code_a, item_code_b) filter (
            where item_code_a = item_code_b
        ) as sum_item_variances,
        sum(
            case when item_code_a = item_code_b then covariance else 2 * covariance end
            order by item_code_a, item_code_b
        ) as total_variance
    from item_pair_covariances
    group by survey_year, organisation_code, category_code
),

category_respondents as (
    select
        survey_year,
        organisation_code,
        instrument_version,
        category_code,
        count(distinct respondent_id) as respondents,
        count(*) as answers
    from item_scores
    group by survey_year, organisation_code, instrument_version, category_code
),

category_items as (
    select
        instrument_version,
        category_code,
        count(*) as items_in_category
    from codebook
    group by instrument_version, category_code
),

alpha as (
    select
        category_respondents.survey_year,
        category_respondents.organisation_code,
        category_respondents.instrument_version,
        category_respondents.category_code,
        category_items.items_in_category,
        category_respondents.respondents,
        category_respondents.answers,
        covariance_sums.items_with_variance,
        -- every pair of answered items present (i <= j: m (m + 1) / 2 of them), else some
        -- pair has no respondent in common and its covariance rests on nobody
        case
            when
                covariance_sums.item_pairs_answered
                = covariance_sums.items_answered * (covariance_sums.items_answered + 1) / 2
                then covariance_sums.least_joint_answers
            else 0
        end as alpha_respondents,
        case
            when covariance_sums.items_with_variance >= 2 and covariance_sums.total_variance > 0
                then
                    covariance_sums.items_with_variance / (covariance_sums.items_with_variance - 1)
                    * (1 - covariance_sums.sum_item_variances / covariance_sums.total_variance)
        end as cronbach_alpha,
        withheld.organisation_code is not null as results_withheld
    from category_respondents
    left join covariance_sums
        on
            category_respondents.survey_year = covariance_sums.survey_year
            and category_respondents.organisation_code = covariance_sums.organisation_code
            and category_respondents.category_code = covariance_sums.category_code
    left join category_items
        on
            category_respondents.instrument_version = category_items.instrument_version
            and category_respondents.category_code = category_items.category_code
    left join withheld
        on
            category_respondents.survey_year = withheld.survey_year
            and category_respondents.organisation_code = withheld.organisation_code
),

reasoned as (
    select
        alpha.*,
        case
            when alpha.results_withheld then 'results withheld'
            when {{ is_suppressed('alpha.respondents') }}
                then 'fewer than {{ var("min_cell_respondents") }} respondents'
            when alpha.alpha_respondents < {{ var('min_alpha_respondents') }}
                then 'fewer than {{ var("min_alpha_respondents") }} respondents behind a covariance'
        end as suppression_reason,
        (
            select max(critical_values.t_critical) from critical_values
            where critical_values.degrees_of_freedom is null
        ) as z_critical
    from alpha
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
                then ln(cast(reasoned.alpha_respondents as double) / (reasoned.alpha_respondents - 1))
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

select * from published
