{#-
    The "vet ej" share and the answer counts behind it (domain doc, scoring method step 3:
    "vet ej" is an honest answer that shows where knowledge is lacking; a blank is no answer).

    answer_status_counts(suffix='answers'): the aggregate columns answered_<suffix>,
    dont_know_<suffix> and blank_<suffix>: the rows of int_answers_scored (is_answered,
    is_dont_know, is_blank) of each status in the group.

    dont_know_share(dont_know, answered): dont_know / (answered + dont_know), a double on
    0-1; null when both are 0 (blanks are left out of the share).

    answer_counts_disclosed(suppressed): the published columns answered_answers,
    dont_know_answers and blank_answers (integers, from the columns of those names) and
    dont_know_share (dont_know_share above), each null when `suppressed` is true
    (disclosure control, macros/disclosure_control.sql).
-#}
{% macro answer_status_counts(suffix='answers') -%}
    count(*) filter (where is_answered) as answered_{{ suffix }},
        count(*) filter (where is_dont_know) as dont_know_{{ suffix }},
        count(*) filter (where is_blank) as blank_{{ suffix }}
{%- endmacro %}

{% macro dont_know_share(dont_know, answered) -%}
    cast({{ dont_know }} as double) / nullif({{ answered }} + {{ dont_know }}, 0)
{%- endmacro %}

{% macro answer_counts_disclosed(suppressed) -%}
    {%- for column in ['answered_answers', 'dont_know_answers', 'blank_answers'] %}
        case when not {{ suppressed }} then cast({{ column }} as integer) end as {{ column }},
    {%- endfor %}
        case when not {{ suppressed }} then {{ dont_know_share('dont_know_answers', 'answered_answers') }} end
            as dont_know_share
{%- endmacro %}
