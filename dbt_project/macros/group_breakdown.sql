{#-
    group_breakdown_rows(breakdown, names_model=none, name_column=none): the body of the
    breakdown marts maturity_by_target_group and maturity_by_department — one row per
    organisation, survey year and group of int_group_indices_aggregated's `breakdown`
    ('target_group' or 'department'; also the name of the group column), with the group's
    capability, legacy and maturity indices and intervals under disclosure control
    (macros/disclosure_control.sql):
    - primary suppression: a group with fewer respondents than var('min_cell_respondents');
    - complementary suppression: the organisation's row minus the published groups would
      reveal the suppressed ones, so when the suppressed groups together have fewer
      respondents than the threshold (always so when exactly one is suppressed), the
      smallest published group (ties: the group code) is suppressed too;
    - within a published group an index follows the organisation's rules: a dimension index
      needs every category index of the group and the dimension scores to describe enough
      respondents; the maturity index needs both; withheld organisation-years
      (int_organisations_withheld) publish no index.
    names_model / name_column: a model with one row per group code (column `breakdown`) whose
    `name_column` is joined in after the group column (e.g. the target groups' Swedish names).
-#}
{% macro group_breakdown_rows(breakdown, names_model=none, name_column=none) -%}
with group_indices as (
    select * from {{ ref('int_group_indices_aggregated') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

{%- if names_model %}
group_names as (
    select * from {{ ref(names_model) }}
),
{% endif %}

withheld as (
    select * from {{ ref('int_organisations_withheld') }}
),

breakdown_indices as (
    select
        * exclude (breakdown, group_code),
        group_code as {{ breakdown }}
    from group_indices
    where breakdown = '{{ breakdown }}'
),

primary_suppression as (
    select
        *,
        {{ is_suppressed('respondents') }} as is_primary_suppressed
    from breakdown_indices
),

complementary_suppression as (
    select
        *,
        coalesce(sum(respondents) filter (where is_primary_suppressed) over (
            partition by organisation_code, survey_year
        ), 0) as primary_suppressed_respondents,
        row_number() over (
            partition by organisation_code, survey_year, is_primary_suppressed
            order by respondents asc, {{ breakdown }} asc
        ) as size_order
    from primary_suppression
),

group_suppression as (
    select
        complementary_suppression.*,
        not complementary_suppression.is_primary_suppressed
        and complementary_suppression.primary_suppressed_respondents > 0
        and {{ is_suppressed('complementary_suppression.primary_suppressed_respondents') }}
        and complementary_suppression.size_order = 1 as is_complementary_suppressed,
        withheld.organisation_code is not null as results_withheld
    from complementary_suppression
    left join withheld
        on
            complementary_suppression.organisation_code = withheld.organisation_code
            and complementary_suppression.survey_year = withheld.survey_year
),

with_disclosure as (
    select
        *,
        is_primary_suppressed or is_complementary_suppressed as is_group_suppressed,
        not is_primary_suppressed
        and not is_complementary_suppressed
        and not results_withheld
        and {{ is_disclosed('capability_min_category_respondents') }}
        and {{ is_disclosed('capability_respondents') }} as is_capability_disclosed,
        not is_primary_suppressed
        and not is_complementary_suppressed
        and not results_withheld
        and {{ is_disclosed('legacy_min_category_respondents') }}
        and {{ is_disclosed('legacy_respondents') }} as is_legacy_disclosed
    from group_suppression
),

with_maturity_disclosure as (
    select
        *,
        is_capability_disclosed and is_legacy_disclosed as is_maturity_disclosed,
        is_capability_disclosed
        and is_legacy_disclosed
        and {{ is_disclosed('maturity_respondents') }} as is_maturity_interval_disclosed
    from with_disclosure
),

disclosed as (
    select
        organisation_code,
        instrument_version,
        {{ breakdown }},
        results_withheld,
        cast(survey_year as integer) as survey_year,
        cast(respondents as integer) as respondents,
        cast(case when is_capability_disclosed then capability_index end as double) as capability_index,
        cast(case when is_capability_disclosed then capability_index_ci_lower end as double)
            as capability_index_ci_lower,
        cast(case when is_capability_disclosed then capability_index_ci_upper end as double)
            as capability_index_ci_upper,
        cast(capability_respondents as integer) as capability_respondents,
        cast(case when is_legacy_disclosed then legacy_index end as double) as legacy_index,
        cast(case when is_legacy_disclosed then legacy_index_ci_lower end as double) as legacy_index_ci_lower,
        cast(case when is_legacy_disclosed then legacy_index_ci_upper end as double) as legacy_index_ci_upper,
        cast(legacy_respondents as integer) as legacy_respondents,
        cast(case when is_maturity_disclosed then maturity_index end as double) as maturity_index,
        cast(case when is_maturity_interval_disclosed then maturity_index_ci_lower end as double)
            as maturity_index_ci_lower,
        cast(case when is_maturity_interval_disclosed then maturity_index_ci_upper end as double)
            as maturity_index_ci_upper,
        cast(maturity_respondents as integer) as maturity_respondents,
        is_group_suppressed,
        case
            when is_primary_suppressed then 'fewer than {{ var("min_cell_respondents") }} respondents'
            when is_complementary_suppressed then 'complementary'
        end as suppression_reason,
        not is_capability_disclosed as capability_index_suppressed,
        not is_legacy_disclosed as legacy_index_suppressed,
        not is_maturity_disclosed as maturity_index_suppressed
    from with_maturity_disclosure
),

group_rows as (
    select
        disclosed.organisation_code,
        organisations.organisation_name,
        disclosed.survey_year,
        disclosed.instrument_version,
        disclosed.{{ breakdown }},
        {%- if names_model %}
        group_names.{{ name_column }},
        {%- endif %}
        disclosed.respondents,
        disclosed.capability_index,
        disclosed.capability_index_ci_lower,
        disclosed.capability_index_ci_upper,
        disclosed.capability_respondents,
        disclosed.legacy_index,
        disclosed.legacy_index_ci_lower,
        disclosed.legacy_index_ci_upper,
        disclosed.legacy_respondents,
        disclosed.maturity_index,
        disclosed.maturity_index_ci_lower,
        disclosed.maturity_index_ci_upper,
        disclosed.maturity_respondents,
        disclosed.is_group_suppressed as {{ breakdown }}_suppressed,
        disclosed.suppression_reason,
        disclosed.capability_index_suppressed,
        disclosed.legacy_index_suppressed,
        disclosed.maturity_index_suppressed,
        disclosed.results_withheld
    from disclosed
    left join organisations
        on disclosed.organisation_code = organisations.organisation_code
    {%- if names_model %}
    left join group_names
        on disclosed.{{ breakdown }} = group_names.{{ breakdown }}
    {%- endif %}
)

select * from group_rows
{%- endmacro %}
