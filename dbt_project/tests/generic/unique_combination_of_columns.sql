{#-
    Fails for every combination of `combination_of_columns` that occurs more than once.
    Written here because dbt_utils is not installed (no network for `dbt deps`).
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with duplicated_keys as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from duplicated_keys

{% endtest %}
