{#-
    Fails for every non-null value of `column_name` outside [min_value, max_value]
    (inclusive). Nulls pass; combine with not_null where a value is required.
-#}
{%- test accepted_range(model, column_name, min_value=none, max_value=none) -%}
    {%- set bounds = [] -%}
    {%- if min_value is not none -%}
        {%- do bounds.append(column_name ~ ' < ' ~ min_value) -%}
    {%- endif -%}
    {%- if max_value is not none -%}
        {%- do bounds.append(column_name ~ ' > ' ~ max_value) -%}
    {%- endif %}

with out_of_range as (
    select {{ column_name }} as out_of_range_value
    from {{ model }}
    where {{ column_name }} is not null and ({{ bounds | join(' or ') if bounds else 'false' }})
)

select * from out_of_range
{%- endtest %}
