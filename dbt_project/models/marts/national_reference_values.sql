-- One row per survey year and index with a national reference value: the optional
-- seeds/national_reference.csv, typed and named. Empty when the county has no national
-- values; the reports then show no national column (docs/method.md, "Compared with whom").
with reference_values as (
    select * from {{ ref('national_reference') }}
),

categories as (
    select * from {{ ref('stg_reference__categories') }}
),

dimensions as (
    select * from {{ ref('stg_reference__dimensions') }}
),

classified as (
    select
        reference_values.*,
        case
            when categories.category_code is not null then 'category'
            when dimensions.dimension_code is not null then 'dimension'
            else 'maturity'
        end as index_level,
        coalesce(categories.category_name_sv, dimensions.dimension_name_sv, 'Digital mognad')
            as index_name_sv
    from reference_values
    left join categories
        on reference_values.index_code = categories.category_code
    left join dimensions
        on reference_values.index_code = dimensions.dimension_code
),

published as (
    select
        cast(classified.survey_year as integer) as survey_year,
        cast(classified.index_code as varchar) as index_code,
        classified.index_level,
        classified.index_name_sv,
        cast(classified.reference_index as double) as national_reference_index,
        cast(classified.source as varchar) as national_reference_source
    from classified
)

select * from published
