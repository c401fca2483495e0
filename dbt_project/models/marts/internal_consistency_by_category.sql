{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (a year's rows depend on that year's answers only):
-- macros/incremental_years.sql.
-- One row per survey year and category of the year's instrument version: Cronbach's alpha
-- of the category's items over all the county's respondents that year, a quality indicator
-- of whether the items of a category measure one thing.
--   item scores  = the 0-100 scores of int_answers_scored, after reverse coding; "vet ej"
--                  and blank are missing (not scored).
--   covariances  = pairwise: the sample covariance (n - 1) of items i and j over the
--                  respondents who answered both (i = j: the item's sample variance); a
--                  pair with fewer than 2 such respondents is left out, as is an item with
--                  fewer than 2 answers (pandas DataFrame.cov, as pingouin.cronbach_alpha's
--                  default nan_policy='pairwise'). Computed exactly from integer sums of the
--                  recoded answers x' (score = 100 (x' - min) / R, R = max - min):
--                  cov(score_i, score_j) = (n sum x'_i x'_j - sum x'_i sum x'_j)
--                  / (n (n - 1)) * 10000 / (R_i R_j), and summed in item order, so the
--                  result does not depend on row order (an incremental build of one year
--                  equals a full build to the last bit).
--   alpha        = k / (k - 1) * (1 - sum of item variances / sum of all covariances C_ij
--                  over i, j), k = items with a variance (Cronbach 1951; the covariance-
--                  matrix form); null when k < 2 or the total variance is 0.
-- Disclosure control: suppressed when fewer than var('min_cell_respondents') respondents
-- answered an item of the category (macros/disclosure_control.sql).
with answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

item_scores as (
    select
        survey_year,
        instrument_version,
        category_code,
        respondent_id,
        item_code,
        cast(answer_value_recoded as bigint) as recoded_value,
        scale_max - scale_min as scale_range
    from answers_scored
    where is_answered and category_code is not null
),

-- Every unordered pair of items (i <= j) of a category answered by the same respondent:
-- the exact integer sums behind their covariance.
item_pair_sums as (
    select
        item_a.survey_year,
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
            and item_a.category_code = item_b.category_code
            and item_a.item_code <= item_b.item_code
    group by item_a.survey_year, item_a.category_code, item_a.item_code, item_b.item_code
),

item_pair_covariances as (
    select
        survey_year,
        category_code,
        item_code_a,
        item_code_b,
        case
            when joint_answers >= 2
                then
                    cast(joint_answers * sum_ab - sum_a * sum_b as double)
                    / (joint_answers * (joint_answers - 1))
                    * 10000.0 / (scale_range_a * scale_range_b)
        end as covariance
    from item_pair_sums
),

-- The sums over the full covariance matrix (each off-diagonal pair counts twice), added in
-- item order so that the floating-point result does not depend on row order.
covariance_sums as (
    select
        survey_year,
        category_code,
        count(covariance) filter (where item_code_a = item_code_b) as items_with_variance,
        sum(covariance order by item_code_a, item_code_b) filter (
            where item_code_a = item_code_b
        ) as sum_item_variances,
        sum(
            case when item_code_a = item_code_b then covariance else 2 * covariance end
            order by item_code_a, item_code_b
        ) as total_variance
    from item_pair_covariances
    group by survey_year, category_code
),

category_respondents as (
    select
        survey_year,
        instrument_version,
        category_code,
        count(distinct respondent_id) as respondents,
        count(*) as answers
    from item_scores
    group by survey_year, instrument_version, category_code
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
        category_respondents.instrument_version,
        category_respondents.category_code,
        category_items.items_in_category,
        category_respondents.respondents,
        category_respondents.answers,
        covariance_sums.items_with_variance,
        case
            when covariance_sums.items_with_variance >= 2 and covariance_sums.total_variance > 0
                then
                    covariance_sums.items_with_variance / (covariance_sums.items_with_variance - 1)
                    * (1 - covariance_sums.sum_item_variances / covariance_sums.total_variance)
        end as cronbach_alpha
    from category_respondents
    left join covariance_sums
        on
            category_respondents.survey_year = covariance_sums.survey_year
            and category_respondents.category_code = covariance_sums.category_code
    left join category_items
        on
            category_respondents.instrument_version = category_items.instrument_version
            and category_respondents.category_code = category_items.category_code
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
