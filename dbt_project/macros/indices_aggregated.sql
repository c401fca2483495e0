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
-#}
{% macro indices_aggregated(level) -%}
{%- set keys = ['organisation_code', 'survey_year', 'instrument_version', 'dimension_code', 'category_code']
    + (['factor_code'] if level == 'factor' else []) -%}
with scores as (
    select * from {{ ref('int_respondent_' ~ level ~ '_scores') }}
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
        cast(dont_know_answers as double) / nullif(answered_answers + dont_know_answers, 0)
            as dont_know_share,
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
