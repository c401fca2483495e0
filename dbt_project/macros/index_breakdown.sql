{#-
    index_breakdown_rows(level): the body of the marts maturity_by_category (level
    'category') and maturity_by_factor (level 'factor') — one row per organisation, survey
    year and category/factor of the year's instrument version, from
    int_<level>_indices_aggregated, with:
    - disclosure control (macros/disclosure_control.sql): the index and its interval are
      published when at least var('min_cell_respondents') respondents have a kept score and
      the organisation-year is not withheld by the council's quality checks
      (int_organisations_withheld); answer counts and the "vet ej" share when the
      organisation-year has that many respondents;
    - the county comparison: unweighted mean of the published indices of the same
      category/factor and year over the organisations (suppressed and withheld values take no
      part, so none can be recovered from the mean and the published values), and their count;
    - relative strengths and weaknesses (domain doc, the tool's analysis): within each
      organisation-year the published indices are ranked from strongest to weakest, equal
      indices in the questionnaire's order (the earlier one ranks higher); <level>_rank 1 is
      the strongest; the 3 lowest ranked are weaknesses, always, even at high maturity; the 3
      highest ranked that are not weaknesses are strengths.
-#}
{% macro index_breakdown_rows(level) -%}
{%- set names_model = {'category': 'stg_reference__categories', 'factor': 'stg_reference__factors'}[level] -%}
{%- set label_columns = {
    'category': ['category_name_sv'],
    'factor': ['factor_name_sv', 'factor_sort_order'],
}[level] -%}
{%- set code_columns = ['dimension_code', 'category_code'] + (['factor_code'] if level == 'factor' else []) -%}
with indices as (
    select * from {{ ref('int_' ~ level ~ '_indices_aggregated') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

names as (
    select * from {{ ref(names_model) }}
),

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
),

publishable as (
    select
        indices.*,
        withheld.organisation_code is not null as results_withheld,
        withheld.organisation_code is null
        and {{ is_disclosed('indices.respondents') }} as is_index_published
    from indices
    left join withheld
        on
            indices.organisation_code = withheld.organisation_code
            and indices.survey_year = withheld.survey_year
),

index_rows as (
    select
        publishable.organisation_code,
        organisations.organisation_name,
        cast(publishable.survey_year as integer) as survey_year,
        publishable.instrument_version,
        {%- for column in code_columns %}
        publishable.{{ column }},
        {%- endfor %}
        {%- for column in label_columns %}
        names.{{ column }},
        {%- endfor %}
        names.{{ level }}_sort_order as questionnaire_order,
        publishable.results_withheld,
        not publishable.is_index_published as {{ level }}_index_suppressed,
        {%- for column in ['index', 'index_ci_lower', 'index_ci_upper', 'index_standard_error'] %}
        case
            when publishable.is_index_published
                then cast(publishable.{{ level }}_{{ column }} as double)
        end as {{ level }}_{{ column }},
        {%- endfor %}
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
    left join names
        on publishable.{{ level }}_code = names.{{ level }}_code
),

compared as (
    select
        *,
        count({{ level }}_index) over (
            partition by survey_year, {{ level }}_code
        ) as county_organisations_with_index,
        avg({{ level }}_index) over (
            partition by survey_year, {{ level }}_code
        ) as county_mean_{{ level }}_index,
        case
            when {{ level }}_index is not null
                then row_number() over (
                    partition by organisation_code, survey_year, {{ level }}_index is null
                    order by {{ level }}_index asc, questionnaire_order desc
                )
        end as weakness_order,
        count({{ level }}_index) over (
            partition by organisation_code, survey_year
        ) as indices_in_organisation_year
    from index_rows
),

final as (
    select
        * exclude (
            questionnaire_order, weakness_order, indices_in_organisation_year,
            county_organisations_with_index, county_mean_{{ level }}_index
        ),
        cast(county_organisations_with_index as integer) as county_organisations_with_index,
        cast(county_mean_{{ level }}_index as double) as county_mean_{{ level }}_index,
        cast({{ level }}_index - county_mean_{{ level }}_index as double)
            as {{ level }}_index_diff_from_county_mean,
        cast(indices_in_organisation_year + 1 - weakness_order as integer) as {{ level }}_rank,
        coalesce(weakness_order > 3 and weakness_order >= indices_in_organisation_year - 2, false)
            as is_strength,
        coalesce(weakness_order <= 3, false) as is_weakness
    from compared
)

select * from final
{%- endmacro %}
