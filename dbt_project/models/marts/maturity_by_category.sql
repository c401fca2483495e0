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

category_rows as (
    select
        category_indices.organisation_code,
        organisations.organisation_name,
        cast(category_indices.survey_year as integer) as survey_year,
        category_indices.instrument_version,
        category_indices.dimension_code,
        category_indices.category_code,
        categories.category_name_sv,
        cast(category_indices.category_index as double) as category_index,
        cast(category_indices.category_index_ci_lower as double) as category_index_ci_lower,
        cast(category_indices.category_index_ci_upper as double) as category_index_ci_upper,
        cast(category_indices.category_index_standard_error as double)
            as category_index_standard_error,
        cast(category_indices.respondents as integer) as respondents,
        cast(category_indices.answered_answers as integer) as answered_answers,
        cast(category_indices.dont_know_answers as integer) as dont_know_answers,
        cast(category_indices.dont_know_share as double) as dont_know_share
    from category_indices
    left join organisations
        on category_indices.organisation_code = organisations.organisation_code
    left join categories
        on category_indices.category_code = categories.category_code
)

select * from category_rows
