-- One row per organisation, survey year and item: how often the item was answered "vet ej".
-- Domain doc, scoring method step 3: "vet ej" is an honest answer that shows where knowledge
-- is lacking; dont_know_share = dont_know / (answered + dont_know), blanks excluded.
with answers_scored as (
    select * from {{ ref('int_answers_scored') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

item_counts as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        dimension_code,
        category_code,
        item_code,
        count(distinct respondent_id) as organisation_respondents,
        count(*) filter (where is_answered) as answered_answers,
        count(*) filter (where is_dont_know) as dont_know_answers,
        count(*) filter (where is_blank) as blank_answers
    from answers_scored
    group by
        organisation_code, survey_year, instrument_version, dimension_code, category_code, item_code
),

item_rows as (
    select
        item_counts.organisation_code,
        organisations.organisation_name,
        cast(item_counts.survey_year as integer) as survey_year,
        item_counts.instrument_version,
        item_counts.dimension_code,
        item_counts.category_code,
        item_counts.item_code,
        cast(item_counts.answered_answers as integer) as answered_answers,
        cast(item_counts.dont_know_answers as integer) as dont_know_answers,
        cast(item_counts.blank_answers as integer) as blank_answers,
        cast(
            item_counts.dont_know_answers
            / nullif(item_counts.answered_answers + item_counts.dont_know_answers, 0)
            as double
        ) as dont_know_share,
        {{ is_suppressed('item_counts.organisation_respondents') }} as counts_suppressed
    from item_counts
    left join organisations
        on item_counts.organisation_code = organisations.organisation_code
),

-- Disclosure control (macros/disclosure_control.sql): counts and share of an
-- organisation-year with too few respondents are published as null.
disclosed as (
    select
        organisation_code,
        organisation_name,
        survey_year,
        instrument_version,
        dimension_code,
        category_code,
        item_code,
        counts_suppressed,
        case when not counts_suppressed then answered_answers end as answered_answers,
        case when not counts_suppressed then dont_know_answers end as dont_know_answers,
        case when not counts_suppressed then blank_answers end as blank_answers,
        case when not counts_suppressed then dont_know_share end as dont_know_share
    from item_rows
)

select * from disclosed
