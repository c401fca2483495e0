{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='survey_year', on_schema_change='fail') }}
-- Incremental per survey_year (macros/incremental_years.sql): a year's rows depend on that
-- year's answers alone.
-- One row per survey year, organisation, category and unordered pair of its items (i <= j)
-- answered by the same respondent: the exact integer sums behind the pair's covariance,
-- over the organisation's respondents who answered both (macros/cronbach_alpha.sql,
-- cronbach_alpha_ctes: the alpha marts internal_consistency_by_category, for the county
-- summed over organisations, and internal_consistency_by_organisation read it, so the
-- self-join of the answers runs once per build instead of once per mart).
--   x', scale_range  the answers that enter the alpha (macros/cronbach_alpha.sql,
--                 alpha_item_scores): the recoded answer as an integer, answered items only,
--                 and the item's scale_max - scale_min.
--   joint_answers n, the respondents who answered both items (i = j: the item);
--   sum_a, sum_b  sum x'_i, sum x'_j over them; sum_ab sum x'_i x'_j.
-- The pair is formed on survey year, respondent and category, and is attributed to item
-- i's organisation_code (null kept as its own group, which only the county's sum counts):
-- a respondent belongs to one organisation in a year (respondent_id is unique per year, the
-- file check respondents_unique), so the per-organisation rows are the organisation's own
-- pairs, and the sum over organisations is the county's every pair.
with answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

item_scores as (
    {{ alpha_item_scores(['organisation_code']) }}
),

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
            and item_a.category_code = item_b.category_code
            and item_a.item_code <= item_b.item_code
    group by
        item_a.survey_year,
        item_a.organisation_code,
        item_a.category_code,
        item_a.item_code,
        item_b.item_code
)

select * from item_pair_sums
