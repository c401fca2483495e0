{#-
    Confidence-interval helpers (domain doc, scoring method step 6).

    t_critical_values_cte(): a CTE body selecting, for var('confidence_level'), every row of
    stg_reference__t_critical_values; join it with t_critical_for(df) below.

    t_critical_for(df, alias): the two-sided t critical value for `df` degrees of freedom:
    the table's row for df when df <= its largest df (1000), else the normal limit z (the
    row with a null df). Null when df < 1.

    ci_bound(index, standard_error, t, side): index -/+ t * standard_error, clipped to the
    0-100 scale of every index; null when any input is null.
-#}

{% macro t_critical_values_cte() -%}
    select
        degrees_of_freedom,
        t_critical
    from {{ ref('stg_reference__t_critical_values') }}
    where confidence_level = cast({{ var('confidence_level') }} as decimal(4, 3))
{%- endmacro %}

{% macro t_critical_for(df, alias='critical_values') -%}
    case
        when {{ df }} < 1 then null
        when {{ df }} > (select max(degrees_of_freedom) from {{ alias }})
            then (select max(t_critical) from {{ alias }} where degrees_of_freedom is null)
        else (select max(t_critical) from {{ alias }} where degrees_of_freedom = {{ df }})
    end
{%- endmacro %}

{% macro ci_bound(index, standard_error, t, side) -%}
    {#- greatest/least ignore nulls in DuckDB, so a null bound is propagated explicitly -#}
    {%- set clip = 'greatest(0.0, ' if side == 'lower' else 'least(100.0, ' -%}
    {%- set sign = ' - ' if side == 'lower' else ' + ' -%}
    case
        when {{ index }} is null or {{ standard_error }} is null or {{ t }} is null then null
        else {{ clip }}{{ index }}{{ sign }}{{ t }} * {{ standard_error }})
    end
{%- endmacro %}

{#-
    interval_columns(index, t): <index>_ci_lower and <index>_ci_upper from the column
    `index`, its <index>_standard_error and the critical value column `t` (ci_bound above).
-#}
{% macro interval_columns(index, t) -%}
    {{ ci_bound(index, index ~ '_standard_error', t, 'lower') }} as {{ index }}_ci_lower,
        {{ ci_bound(index, index ~ '_standard_error', t, 'upper') }} as {{ index }}_ci_upper
{%- endmacro %}
