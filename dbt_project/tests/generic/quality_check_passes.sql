{#-
    A council quality check as a data test on int_quality_checks_evaluated: the rows of
    check `check_name` with status 'varning' or 'fel'. Declared with severity warn (the
    year publishes; a 'fel' in a withholding check withholds one organisation through
    int_organisations_withheld), so a build reports the flagged rows without stopping.
-#}
{% test quality_check_passes(model, check_name) %}
select *
from {{ model }}
where check_name = '{{ check_name }}' and status in ('varning', 'fel')
{% endtest %}
