{#-
    indices_aggregated(level): the body of int_category_indices_aggregated (level
    'category') and int_factor_indices_aggregated (level 'factor'): one row per
    organisation, year and category/factor of the year's instrument version, from
    int_respondent_<level>_scores. Domain doc, scoring method step 5 (applied to factors as
    to categories):
      <level>_index = mean of the respondents' kept scores (0-100); respondents = respondents
      with a kept score; organisation_respondents = all the organisation-year's respondents;
      dont_know_share = "vet ej" answers / ("vet ej" + answered) over the <level>'s item
      answers of the organisation-year (domain doc step 3; blanks are excluded);
      step 6: standard_error = s / sqrt(n); ci = index -/+ t(level, n - 1) * standard_error,
      clipped to 0-100; null when n < 2.
    Incremental per survey year (macros/incremental_years.sql): a year's rows depend on that
    year's respondent scores alone.
-#}
{% macro indices_aggregated(level) -%}
{%- set keys = ['organisation_code', 'survey_year', 'instrument_version', 'dimension_code', 'category_code']
    + (['factor_code'] if level == 'factor' else []) -%}
with scores as (
    select * from {{ ref('int_respondent_' ~ level ~ '_scores') }}
    {{ where_survey_year_to_build() }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

aggregated as (
    select
        {{ keys | join(',\n        ') }},
        avg({{ level }}_score) as {{ level }}_index,
        count({{ level }}_score) as respondents,
        count(*) as organisation_respondents,
        stddev_samp({{ level }}_score) as {{ level }}_score_stddev,
        sum(answered_items) as answered_answers,
        sum(dont_know_items) as dont_know_answers,
        sum(blank_items) as blank_answers
    from scores
    group by {{ keys | join(', ') }}
),

with_standard_errors as (
    select
        *,
        {{ dont_know_share('dont_know_answers', 'answered_answers') }} as dont_know_share,
        {{ level }}_score_stddev / sqrt(respondents) as {{ level }}_index_standard_error,
        {{ t_critical_for('respondents - 1') }} as t_critical
    from aggregated
),

with_intervals as (
    select
        *,
        {{ interval_columns(level ~ '_index', 't_critical') }}
    from with_standard_errors
)

select * from with_intervals
{%- endmacro %}

{#-
    dimension_indices_aggregated(category_indices, category_scores, keys,
    category_respondents='respondents', weight=none): a select statement (use it as the body
    of a CTE) giving, per combination of `keys`, the capability, legacy and maturity indices
    of a group of respondents with their standard errors and intervals. The one rule behind
    int_organisation_indices_aggregated (an organisation), int_group_indices_aggregated (a
    target group or department) and maturity_by_organisation_weighted (post-stratified).
    Domain doc, scoring method steps 5-6:
      capability_index / legacy_index = mean of the dimension's category indices, null unless
        every category index of the dimension exists; maturity_index = mean of the two;
      <dimension>_min_category_respondents = the fewest `category_respondents` of the
        dimension's categories (for disclosure control);
      standard errors of that mean of category means by linearisation over the respondents
        (linearised_standard_errors, with `weight` when given); <prefix>_respondents = n, the
        respondents with at least one kept score in the dimension (maturity: in either);
      <prefix>_t_critical = t(var('confidence_level'), n - 1); <index>_ci_lower/_ci_upper =
        index -/+ t * standard error, clipped to 0-100; null when n < 2 or the index is null.

    Input: `category_indices`, a relation or CTE with the columns `keys`, dimension_code,
    category_code, category_index and `category_respondents`, one row per category of the
    group's instrument version; `category_scores`, the respondents' category scores behind
    them as linearised_standard_errors reads them.
-#}
{% macro dimension_indices_aggregated(
    category_indices, category_scores, keys, category_respondents='respondents', weight=none
) -%}
{%- set key_list = keys | join(', ') -%}
with critical_values as (
    {{ t_critical_values_cte() }}
),

dimension_indices as (
    select
        {{ key_list }},
        dimension_code,
        case
            when count(category_index) = count(*) then avg(category_index)
        end as dimension_index,
        min({{ category_respondents }}) as min_category_respondents
    from {{ category_indices }}
    group by {{ key_list }}, dimension_code
),

dimension_columns as (
    select
        {{ key_list }},
        max(dimension_index) filter (where dimension_code = 'capability') as capability_index,
        max(dimension_index) filter (where dimension_code = 'legacy') as legacy_index,
        max(min_category_respondents) filter (
            where dimension_code = 'capability'
        ) as capability_min_category_respondents,
        max(min_category_respondents) filter (
            where dimension_code = 'legacy'
        ) as legacy_min_category_respondents
    from dimension_indices
    group by {{ key_list }}
),

dimension_standard_errors as (
    {{ linearised_standard_errors(category_scores, keys, weight=weight) }}
),

indices_with_standard_errors as (
    select
        dimension_columns.*,
        dimension_standard_errors.capability_respondents,
        dimension_standard_errors.capability_index_standard_error,
        dimension_standard_errors.legacy_respondents,
        dimension_standard_errors.legacy_index_standard_error,
        dimension_standard_errors.maturity_respondents,
        dimension_standard_errors.maturity_index_standard_error,
        (dimension_columns.capability_index + dimension_columns.legacy_index) / 2 as maturity_index
    from dimension_columns
    left join dimension_standard_errors
        on
            {%- for key in keys %}
            dimension_columns.{{ key }} = dimension_standard_errors.{{ key }}{{ ' and' if not loop.last }}
            {%- endfor %}
),

with_critical_values as (
    select
        *,
        {{ t_critical_for('capability_respondents - 1') }} as capability_t_critical,
        {{ t_critical_for('legacy_respondents - 1') }} as legacy_t_critical,
        {{ t_critical_for('maturity_respondents - 1') }} as maturity_t_critical
    from indices_with_standard_errors
)

select
    *,
    {{ interval_columns('capability_index', 'capability_t_critical') }},
    {{ interval_columns('legacy_index', 'legacy_t_critical') }},
    {{ interval_columns('maturity_index', 'maturity_t_critical') }}
from with_critical_values
{%- endmacro %}
