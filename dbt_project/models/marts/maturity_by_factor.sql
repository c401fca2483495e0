-- One row per organisation, survey year and factor. See _marts.yml for every column.
-- factor_index = mean of the respondents' kept factor scores (int_factor_indices_aggregated;
-- a factor score is kept by the same rule as a category score, domain doc scoring step 4).
with factor_indices as (
    select * from {{ ref('int_factor_indices_aggregated') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

factors as (
    select * from {{ ref('stg_reference__factors') }}
),

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
),

-- Factor indices are published when enough respondents have a kept score (disclosure
-- control, macros/disclosure_control.sql, as category indices) and the organisation-year is
-- not withheld by the council's quality checks (int_organisations_withheld).
publishable as (
    select
        factor_indices.*,
        withheld.organisation_code is not null as results_withheld,
        withheld.organisation_code is null
        and {{ is_disclosed('factor_indices.respondents') }} as is_index_published
    from factor_indices
    left join withheld
        on
            factor_indices.organisation_code = withheld.organisation_code
            and factor_indices.survey_year = withheld.survey_year
),

factor_rows as (
    select
        publishable.organisation_code,
        organisations.organisation_name,
        cast(publishable.survey_year as integer) as survey_year,
        publishable.instrument_version,
        publishable.dimension_code,
        publishable.category_code,
        publishable.factor_code,
        factors.factor_name_sv,
        factors.factor_sort_order,
        publishable.results_withheld,
        not publishable.is_index_published as factor_index_suppressed,
        case
            when publishable.is_index_published
                then cast(publishable.factor_index as double)
        end as factor_index,
        case
            when publishable.is_index_published
                then cast(publishable.factor_index_ci_lower as double)
        end as factor_index_ci_lower,
        case
            when publishable.is_index_published
                then cast(publishable.factor_index_ci_upper as double)
        end as factor_index_ci_upper,
        case
            when publishable.is_index_published
                then cast(publishable.factor_index_standard_error as double)
        end as factor_index_standard_error,
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
        end as dont_know_share
    from publishable
    left join organisations
        on publishable.organisation_code = organisations.organisation_code
    left join factors
        on publishable.factor_code = factors.factor_code
),

-- County comparison: unweighted mean over the organisations whose factor index is published
-- that year (suppressed and withheld values take no part, so none can be recovered from the
-- mean and the published values).
with_county_mean as (
    select
        *,
        count(factor_index) over (
            partition by survey_year, factor_code
        ) as county_organisations_with_index,
        avg(factor_index) over (
            partition by survey_year, factor_code
        ) as county_mean_factor_index
    from factor_rows
),

final as (
    select
        * exclude (county_organisations_with_index, county_mean_factor_index),
        cast(county_organisations_with_index as integer) as county_organisations_with_index,
        cast(county_mean_factor_index as double) as county_mean_factor_index
    from with_county_mean
)

select * from final
