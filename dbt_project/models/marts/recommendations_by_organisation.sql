-- One row per organisation, survey year and recommendation shown to it: one for each of
-- its three weakest categories (is_weakness in maturity_by_category, weakest first) and one
-- for its organisation type (quadrant in maturity_by_organisation). An organisation-year
-- whose indices are suppressed or withheld has no weaknesses and no type, so no rows.
with categories as (
    select * from {{ ref('maturity_by_category') }}
),

organisations as (
    select * from {{ ref('maturity_by_organisation') }}
),

recommendations as (
    select * from {{ ref('stg_reference__recommendations') }}
),

weaknesses as (
    select
        organisation_code,
        organisation_name,
        survey_year,
        category_code,
        category_name_sv,
        category_index,
        row_number() over (
            partition by organisation_code, survey_year
            order by category_rank desc
        ) as weakness_order
    from categories
    where is_weakness
),

category_rows as (
    select
        weaknesses.organisation_code,
        weaknesses.organisation_name,
        weaknesses.survey_year,
        recommendations.applies_to,
        weaknesses.category_code,
        weaknesses.category_name_sv,
        weaknesses.category_index,
        cast(weaknesses.weakness_order as integer) as weakness_order,
        cast(null as varchar) as quadrant,
        recommendations.recommendation_code,
        recommendations.recommendation_title_sv,
        recommendations.recommendation_sv,
        cast(weaknesses.weakness_order as integer) as display_order
    from weaknesses
    inner join recommendations
        on
            recommendations.applies_to = 'category'
            and weaknesses.category_code = recommendations.category_code
),

quadrant_rows as (
    select
        organisations.organisation_code,
        organisations.organisation_name,
        organisations.survey_year,
        recommendations.applies_to,
        cast(null as varchar) as category_code,
        cast(null as varchar) as category_name_sv,
        cast(null as double) as category_index,
        cast(null as integer) as weakness_order,
        organisations.quadrant,
        recommendations.recommendation_code,
        recommendations.recommendation_title_sv,
        recommendations.recommendation_sv,
        4 as display_order
    from organisations
    inner join recommendations
        on
            recommendations.applies_to = 'quadrant'
            and organisations.quadrant = recommendations.quadrant
),

final as (
    select * from category_rows
    union all
    select * from quadrant_rows
)

-- The council's overrule of the organisation-year (macros/council_decision_marks.sql).
{{ council_decision_marks('final') }}
