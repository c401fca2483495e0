{#-
    group_breakdown_rows(breakdown, names_model=none, name_column=none): the body of the
    breakdown marts maturity_by_target_group and maturity_by_department — one row per
    organisation, survey year and group of int_group_indices_aggregated's `breakdown`
    ('target_group' or 'department'; also the name of the group column), with the group's
    capability, legacy and maturity indices and intervals under disclosure control
    (macros/disclosure_control.sql):
    - primary suppression: a group with fewer respondents than var('min_cell_respondents')
      hides all its indices; a group's dimension index is also hidden when one of its
      categories has fewer usable scores or fewer respondents have a dimension score
      (dimension_suppression_reason); withheld organisation-years
      (int_organisations_withheld) publish no index;
    - complementary suppression, per dimension index (complementary_suppression): the
      organisation's index minus the published groups' would reveal the hidden ones, so when
      the hidden cells of a dimension together protect fewer respondents than the threshold,
      the published cell that loses least (fewest respondents, ties: the group code) is
      hidden too; a group hidden in both dimensions this way is marked as hidden
      ('complementary');
    - the maturity index is hidden when either dimension index is (it is their mean), its
      interval also when fewer respondents have a maturity score;
    - <dimension>_suppression_reason and maturity_suppression_reason say why each hidden
      index is hidden ('results withheld', 'fewer than N respondents', 'a category with
      fewer than N usable scores', 'fewer than N respondents with a score', 'complementary');
    - the council's overrule of the organisation-year (published_by_council_decision,
      council_decision_reason), macros/council_decision_marks.sql.
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
        breakdown_groups.* exclude (breakdown, group_code),
        breakdown_groups.group_code as {{ breakdown }},
        withheld.organisation_code is not null as results_withheld,
        {{ is_suppressed('breakdown_groups.respondents') }} as is_primary_suppressed,
        {%- for dimension in ['capability', 'legacy'] %}
        {{ dimension_suppression_reason(
            'breakdown_groups.' ~ dimension, 'breakdown_groups.respondents', 'withheld.organisation_code is not null'
        ) }} as {{ dimension }}_own_reason{{ ',' if not loop.last }}
        {%- endfor %}
    from group_indices as breakdown_groups
    left join withheld
        on
            breakdown_groups.organisation_code = withheld.organisation_code
            and breakdown_groups.survey_year = withheld.survey_year
    where breakdown_groups.breakdown = '{{ breakdown }}'
),

-- One cell per group and dimension index: hidden by its own counts (or withheld), and the
-- number of respondents that protects it when hidden (its weakest category's usable scores).
dimension_cells as (
    {%- for dimension in ['capability', 'legacy'] %}
    select
        organisation_code,
        survey_year,
        {{ breakdown }},
        '{{ dimension }}' as dimension_code,
        respondents,
        {{ dimension }}_own_reason is not null as is_primary,
        least(
            respondents,
            coalesce({{ dimension }}_min_category_respondents, 0),
            coalesce({{ dimension }}_respondents, 0)
        ) as protection
    from breakdown_indices
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

dimension_complements as (
    {{ complementary_suppression(
        'dimension_cells',
        ['organisation_code', 'survey_year', 'dimension_code'],
        breakdown,
        'is_primary',
        'protection',
        'respondents',
    ) }}
),

group_complements as (
    select
        organisation_code,
        survey_year,
        {{ breakdown }},
        bool_or(is_complementary_suppressed) filter (where dimension_code = 'capability')
            as is_capability_complementary,
        bool_or(is_complementary_suppressed) filter (where dimension_code = 'legacy')
            as is_legacy_complementary
    from dimension_complements
    group by organisation_code, survey_year, {{ breakdown }}
),

with_reasons as (
    select
        breakdown_indices.*,
        group_complements.is_capability_complementary,
        group_complements.is_legacy_complementary,
        breakdown_indices.is_primary_suppressed
        or (group_complements.is_capability_complementary and group_complements.is_legacy_complementary)
            as is_group_suppressed,
        {%- for dimension in ['capability', 'legacy'] %}
        coalesce(
            breakdown_indices.{{ dimension }}_own_reason,
            case when group_complements.is_{{ dimension }}_complementary then 'complementary' end
        ) as {{ dimension }}_suppression_reason{{ ',' if not loop.last }}
        {%- endfor %}
    from breakdown_indices
    inner join group_complements
        on
            breakdown_indices.organisation_code = group_complements.organisation_code
            and breakdown_indices.survey_year = group_complements.survey_year
            and breakdown_indices.{{ breakdown }} = group_complements.{{ breakdown }}
),

with_maturity_disclosure as (
    {{ disclosure_from_reasons('with_reasons') }}
),

disclosed as (
    select
        organisation_code,
        instrument_version,
        {{ breakdown }},
        results_withheld,
        cast(survey_year as integer) as survey_year,
        cast(respondents as integer) as respondents,
        {{ published_index_columns('with_maturity_disclosure', ['ci_lower', 'ci_upper']) }},
        is_group_suppressed,
        case
            when is_primary_suppressed then 'fewer than {{ var("min_cell_respondents") }} respondents'
            when is_group_suppressed then 'complementary'
        end as suppression_reason,
        capability_suppression_reason,
        legacy_suppression_reason,
        maturity_suppression_reason
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
        disclosed.capability_suppression_reason,
        disclosed.legacy_suppression_reason,
        disclosed.maturity_suppression_reason,
        disclosed.results_withheld
    from disclosed
    left join organisations
        on disclosed.organisation_code = organisations.organisation_code
    {%- if names_model %}
    left join group_names
        on disclosed.{{ breakdown }} = group_names.{{ breakdown }}
    {%- endif %}
)

{{ council_decision_marks('group_rows') }}
{%- endmacro %}
