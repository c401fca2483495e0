{#-
    index_change_columns(later, earlier, prefix): the change between two indices with its
    confidence interval (dbt_project/README.md, "Intervals"):
      <prefix>              = later index - earlier index
      <prefix>_standard_error = sqrt(se_later² + se_earlier²)
      <prefix>_ci_lower/upper = change -/+ t(level, min(n_later, n_earlier) - 1) * se, not clipped
      <prefix>_is_beyond_noise = the interval excludes 0; null when there is no interval.
    `later` and `earlier` are column-name prefixes with the columns <x>_index,
    <x>_standard_error and <x>_respondents; a CTE `critical_values` (t_critical_values_cte())
    must be in scope. Null when either index is null.
-#}
{% macro index_change_columns(later, earlier, prefix) -%}
    {%- set change = '(' ~ later ~ '_index - ' ~ earlier ~ '_index)' -%}
    {%- set se = 'sqrt(' ~ later ~ '_standard_error ^ 2 + ' ~ earlier ~ '_standard_error ^ 2)' -%}
    {%- set t = t_critical_for('least(' ~ later ~ '_respondents, ' ~ earlier ~ '_respondents) - 1') -%}
    cast({{ change }} as double) as {{ prefix }},
        cast({{ se }} as double) as {{ prefix }}_standard_error,
        cast({{ change }} - ({{ t }}) * {{ se }} as double) as {{ prefix }}_ci_lower,
        cast({{ change }} + ({{ t }}) * {{ se }} as double) as {{ prefix }}_ci_upper,
        case
            when {{ change }} - ({{ t }}) * {{ se }} > 0 or {{ change }} + ({{ t }}) * {{ se }} < 0
                then true
            when ({{ t }}) * {{ se }} is not null then false
        end as {{ prefix }}_is_beyond_noise
{%- endmacro %}
