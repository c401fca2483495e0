-- One row per organisation, survey year and category. See _marts.yml for every column.
with category_indices as (
    select * from {{ ref('int_category_indices_aggregated') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
),

-- Category indices are published when enough respondents have a kept score (disclosure
-- control, macros/disclosure_control.sql) and the organisation-year is not withheld by the
-- council's quality checks (int_organisations_withheld).
publishable as (
    select
        category_indices.*,
        withheld.organisation_code is not null as results_withheld,
        withheld.organisation_code is null
        and {{ is_disclosed('category_indices.respondents') }} as is_index_published
    from category_indices
    left join withheld
        on
            category_indices.organisation_code = withheld.organisation_code
            and category_indices.survey_year = withheld.survey_year
),

category_rows as (
    select
        publishable.organisation_code,
        organisations.organisation_name,
        cast(publishable.survey_year as integer) as survey_year,
        publishable.instrument_version,
        publishable.dimension_code,
        publishable.category_code,
        categories.category_name_sv,
        publishable.results_withheld,
        not publishable.is_index_published as category_index_suppressed,
        case
            when publishable.is_index_published
                then cast(publishable.category_index as double)
        end as category_index,
        case
            when publishable.is_index_published
                then cast(publishable.category_index_ci_lower as double)
        end as category_index_ci_lower,
        case
            when publishable.is_index_published
                then cast(publishable.category_index_ci_upper as double)
        end as category_index_ci_upper,
        case
            when publishable.is_index_published
                then cast(publishable.category_index_standard_error as double)
        end as category_index_standard_error,
        cast(publishable.respondents as integer) as respondents,
        case
            when {{ is_disclosed('publishable.organisation_respondents') }}
                then cast(publishable.answered_answers as integer)
        end as answered_answers,
        case
            when {{ is_disclosed('publishable.organisation_respondents') }}
                then cast(publishable.dont_know_answers as integer)
        end as dont_know_answers,
        case
            when {{ is_disclosed('publishable.organisation_respondents') }}
                then cast(publishable.dont_know_share as double)
        end as dont_know_share,
        categories.category_sort_order
    from publishable
    left join organisations
        on publishable.organisation_code = organisations.organisation_code
    left join categories
        on publishable.category_code = categories.category_code
),

-- Relative strengths and weaknesses (domain doc, the tool's analysis): within each
-- organisation-year the categories with an index are ordered from weakest to strongest
-- (ties broken by the questionnaire's category order; suppressed indices take no part);
-- the 3 weakest are weaknesses, always,
-- even at high maturity; the 3 strongest that are not weaknesses are strengths.
ranked as (
    select
        *,
        case
            when category_index is not null
                then row_number() over (
                    partition by organisation_code, survey_year, category_index is null
                    order by category_index asc, category_sort_order asc
                )
        end as weakness_order,
        count(category_index) over (
            partition by organisation_code, survey_year
        ) as categories_with_index
    from category_rows
),

flagged as (
    select
        organisation_code,
        organisation_name,
        survey_year,
        instrument_version,
        dimension_code,
        category_code,
        category_name_sv,
        category_index,
        category_index_ci_lower,
        category_index_ci_upper,
        category_index_standard_error,
        category_index_suppressed,
        results_withheld,
        respondents,
        answered_answers,
        dont_know_answers,
        dont_know_share,
        cast(categories_with_index + 1 - weakness_order as integer) as category_rank,
        coalesce(weakness_order > 3 and weakness_order >= categories_with_index - 2, false)
            as is_strength,
        coalesce(weakness_order <= 3, false) as is_weakness
    from ranked
)

select * from flagged
