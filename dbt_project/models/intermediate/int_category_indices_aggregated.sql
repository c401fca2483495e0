-- One row per organisation, year and category (of the year's instrument version).
-- Domain doc, scoring method step 5: category_index = mean of the respondents' kept
-- category scores (0-100); respondents counts respondents with a kept score.
-- dont_know_share = dont_know answers / (answered + dont_know answers) over all the
-- category's item answers of the organisation-year (domain doc step 3); blanks are excluded.
-- category_score_stddev is the sample standard deviation (n - 1) of the kept scores.
with category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
),

aggregated as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        dimension_code,
        category_code,
        avg(category_score) as category_index,
        count(category_score) as respondents,
        stddev_samp(category_score) as category_score_stddev,
        sum(answered_items) as answered_answers,
        sum(dont_know_items) as dont_know_answers,
        sum(blank_items) as blank_answers
    from category_scores
    group by organisation_code, survey_year, instrument_version, dimension_code, category_code
),

with_shares as (
    select
        *,
        cast(dont_know_answers as double) / nullif(answered_answers + dont_know_answers, 0)
            as dont_know_share
    from aggregated
)

select * from with_shares
