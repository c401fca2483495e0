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
      highest ranked that are not weaknesses are strengths. is_weakness_set_uncertain (per
      organisation-year) is true when the 3rd and 4th lowest ranked indices do not differ
      beyond noise: |difference| <= z * sqrt(se3^2 + se4^2) with z the normal critical value of
      var('confidence_level') (the two share respondents, so this treats them as independent
      and errs towards "uncertain");
    - the same-type comparison: the unweighted mean of the published indices of the *other*
      organisations of the same organisation_type (a municipality against the other
      municipalities; the region against other regions, none in a single county) and their
      count (same_type_organisations); the organisation itself never takes part;
    - the change from the organisation's previous measurement (its latest earlier survey
      year), macros/index_change.sql: change = index - previous index, se = sqrt(se^2 +
      se_prev^2) (independent samples), interval change -/+ t(level, min(n, n_prev) - 1) *
      se, not clipped, <level>_change_is_significant when it excludes 0; null when either index is not
      published. <level>_items_changed is true when the two years' instrument versions do not
      hold the same items in the category/factor (int_instrument_item_links: same code,
      category, dimension, reverse coding and scale; for factors also the same factor), so the
      two indices are not strictly comparable; false for the same version;
    - the council's overrule of the organisation-year (published_by_council_decision,
      council_decision_reason) and whether the change rests on a year so published
      (change_includes_council_decision), macros/council_decision_marks.sql.
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

critical_values as (
    {{ t_critical_values_cte() }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
    {%- if level == 'factor' %}
    where factor_code is not null
    {%- endif %}
),

item_links as (
    select * from {{ ref('int_instrument_item_links') }}
),

level_items as (
    select
        instrument_version,
        {{ level }}_code,
        count(*) as items
    from codebook
    group by instrument_version, {{ level }}_code
),

-- Items of a category/factor linked between two versions (for factors: in the same factor
-- in both versions).
linked_level_items as (
    select
        item_links.instrument_version,
        item_links.linked_instrument_version,
        items.{{ level }}_code,
        count(*) as linked_items
    from item_links
    inner join codebook as items
        on
            item_links.instrument_version = items.instrument_version
            and item_links.item_code = items.item_code
    inner join codebook as linked
        on
            item_links.linked_instrument_version = linked.instrument_version
            and item_links.item_code = linked.item_code
            and items.{{ level }}_code = linked.{{ level }}_code
    group by item_links.instrument_version, item_links.linked_instrument_version, items.{{ level }}_code
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
        organisations.organisation_type,
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
        ) as indices_in_organisation_year,
        -- the other organisations of the same type: the type's sum and count minus its own
        sum({{ level }}_index) over same_type - coalesce({{ level }}_index, 0) as same_type_other_sum,
        count({{ level }}_index) over same_type
        - (case when {{ level }}_index is null then 0 else 1 end) as same_type_organisations,
        lag(survey_year) over previous_measurement as previous_survey_year,
        lag(instrument_version) over previous_measurement as previous_instrument_version,
        lag({{ level }}_index) over previous_measurement as previous_{{ level }}_index,
        lag({{ level }}_index_standard_error) over previous_measurement as previous_standard_error,
        lag(respondents) over previous_measurement as previous_respondents
    from index_rows
    window
        same_type as (partition by survey_year, {{ level }}_code, organisation_type),
        previous_measurement as (partition by organisation_code, {{ level }}_code order by survey_year)
),

-- The 3rd and 4th lowest ranked published indices of each organisation-year, for
-- is_weakness_set_uncertain.
weakness_boundary as (
    select
        organisation_code,
        survey_year,
        max({{ level }}_index) filter (where weakness_order = 3) as third_index,
        max({{ level }}_index_standard_error) filter (where weakness_order = 3) as third_standard_error,
        max({{ level }}_index) filter (where weakness_order = 4) as fourth_index,
        max({{ level }}_index_standard_error) filter (where weakness_order = 4) as fourth_standard_error
    from compared
    group by organisation_code, survey_year
),

changes as (
    select
        compared.*,
        {{ change_columns(
            'compared.' ~ level ~ '_index', 'compared.previous_' ~ level ~ '_index',
            'compared.' ~ level ~ '_index_standard_error', 'compared.previous_standard_error',
            'compared.respondents', 'compared.previous_respondents',
            level ~ '_index_change'
        ) }},
        case
            when compared.previous_instrument_version is null then null
            when compared.previous_instrument_version = compared.instrument_version then false
            else not coalesce(
                linked_level_items.linked_items = current_items.items
                and linked_level_items.linked_items = previous_items.items,
                false
            )
        end as {{ level }}_items_changed,
        case
            when weakness_boundary.fourth_index is null then null
            else abs(weakness_boundary.fourth_index - weakness_boundary.third_index)
            <= {{ t_critical_for('1000000') }}
            * sqrt(weakness_boundary.third_standard_error ^ 2 + weakness_boundary.fourth_standard_error ^ 2)
        end as is_weakness_set_uncertain
    from compared
    left join weakness_boundary
        on
            compared.organisation_code = weakness_boundary.organisation_code
            and compared.survey_year = weakness_boundary.survey_year
    left join level_items as current_items
        on
            compared.instrument_version = current_items.instrument_version
            and compared.{{ level }}_code = current_items.{{ level }}_code
    left join level_items as previous_items
        on
            compared.previous_instrument_version = previous_items.instrument_version
            and compared.{{ level }}_code = previous_items.{{ level }}_code
    left join linked_level_items
        on
            compared.instrument_version = linked_level_items.instrument_version
            and compared.previous_instrument_version = linked_level_items.linked_instrument_version
            and compared.{{ level }}_code = linked_level_items.{{ level }}_code
),

change_intervals as (
    select
        * exclude ({{ level }}_index_change_t_critical),
        {{ change_interval_columns(level ~ '_index_change', level ~ '_change_is_significant') }}
    from changes
),

final as (
    select
        * exclude (
            questionnaire_order, weakness_order, indices_in_organisation_year,
            county_organisations_with_index, county_mean_{{ level }}_index, organisation_type,
            same_type_other_sum, same_type_organisations, previous_survey_year,
            previous_instrument_version, previous_{{ level }}_index, previous_standard_error,
            previous_respondents, {{ level }}_index_change, {{ level }}_index_change_standard_error,
            {{ level }}_index_change_ci_lower, {{ level }}_index_change_ci_upper,
            {{ level }}_change_is_significant, {{ level }}_items_changed, is_weakness_set_uncertain
        ),
        cast(county_organisations_with_index as integer) as county_organisations_with_index,
        cast(county_mean_{{ level }}_index as double) as county_mean_{{ level }}_index,
        cast({{ level }}_index - county_mean_{{ level }}_index as double)
            as {{ level }}_index_diff_from_county_mean,
        cast(indices_in_organisation_year + 1 - weakness_order as integer) as {{ level }}_rank,
        coalesce(weakness_order > 3 and weakness_order >= indices_in_organisation_year - 2, false)
            as is_strength,
        coalesce(weakness_order <= 3, false) as is_weakness,
        is_weakness_set_uncertain,
        cast(same_type_other_sum / nullif(same_type_organisations, 0) as double)
            as same_type_mean_{{ level }}_index,
        cast(same_type_organisations as integer) as same_type_organisations,
        cast(previous_survey_year as integer) as previous_survey_year,
        cast(previous_{{ level }}_index as double) as previous_{{ level }}_index,
        cast({{ level }}_index_change as double) as {{ level }}_index_change,
        cast({{ level }}_index_change_standard_error as double) as {{ level }}_index_change_standard_error,
        cast({{ level }}_index_change_ci_lower as double) as {{ level }}_index_change_ci_lower,
        cast({{ level }}_index_change_ci_upper as double) as {{ level }}_index_change_ci_upper,
        {{ level }}_change_is_significant,
        {{ level }}_items_changed
    from change_intervals
)

{{ council_decision_marks('final', change=level ~ '_index_change') }}
{%- endmacro %}
