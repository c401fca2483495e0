{#-
    Fails for every row where `expression` is not true (false or null counts as a failure
    unless the expression handles nulls itself). Optional `where` via the test config.
-#}
{% test expression_is_true(model, expression) %}

with failing_rows as (
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
)

select * from failing_rows

{% endtest %}
