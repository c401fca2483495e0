{#-
    The change between two measurements of an index, with its confidence interval: the one
    formula of every published change (dbt_project/README.md, "Intervals"; domain doc,
    scoring method step 6: "a change between years is reported with its own interval, so
    that noise is not read as progress"):

      change          = later index - earlier index
      standard error  = sqrt(se_later² + se_earlier²)          (independent samples)
      interval        = change -/+ t(level, min(n_later, n_earlier) - 1) * se, not clipped
      significant     = the interval excludes 0; null when there is no interval

    Two steps, in two CTEs (the t value is looked up once per row, then used twice):

    change_columns(later_index, earlier_index, later_se, earlier_se, later_n, earlier_n, prefix)
        SQL expressions of the two indices, their standard errors and respondent counts;
        emits <prefix>, <prefix>_standard_error (doubles, null when either input is null) and
        <prefix>_t_critical. A CTE `critical_values` (t_critical_values_cte()) must be in
        scope.
    change_interval_columns(prefix, significant)
        in a CTE selecting from the first one: <prefix>_ci_lower, <prefix>_ci_upper (doubles)
        and the boolean column named `significant`.
-#}
{% macro change_columns(later_index, earlier_index, later_se, earlier_se, later_n, earlier_n,
                        prefix) -%}
    cast({{ later_index }} - {{ earlier_index }} as double) as {{ prefix }},
        cast(sqrt({{ later_se }} ^ 2 + {{ earlier_se }} ^ 2) as double) as {{ prefix }}_standard_error,
        {{ t_critical_for('least(' ~ later_n ~ ', ' ~ earlier_n ~ ') - 1') }} as {{ prefix }}_t_critical
{%- endmacro %}

{% macro change_interval_columns(prefix, significant) -%}
    cast({{ prefix }} - {{ prefix }}_t_critical * {{ prefix }}_standard_error as double)
            as {{ prefix }}_ci_lower,
        cast({{ prefix }} + {{ prefix }}_t_critical * {{ prefix }}_standard_error as double)
            as {{ prefix }}_ci_upper,
        case
            when {{ prefix }} - {{ prefix }}_t_critical * {{ prefix }}_standard_error is null then null
            else
                {{ prefix }} - {{ prefix }}_t_critical * {{ prefix }}_standard_error > 0
                or {{ prefix }} + {{ prefix }}_t_critical * {{ prefix }}_standard_error < 0
        end as {{ significant }}
{%- endmacro %}
