{#-
    Disclosure control (domain doc, Privacy): no published figure may describe fewer than
    var('min_cell_respondents') respondents, and no suppressed figure may be recoverable by
    subtraction from published ones (complementary suppression). The rules of the marts:

    - maturity_by_category: a category index (and its interval) is suppressed when fewer
      respondents have a kept score in the category; the category's answer counts and
      "vet ej" share are suppressed when the organisation-year has fewer respondents.
    - maturity_by_organisation: a dimension index is suppressed when any of its categories'
      indices is suppressed (else the suppressed category = 3 * dimension - the other two)
      or fewer respondents have a score in the dimension (dimension_suppression_reason
      below, computed in int_organisation_indices_aggregated); the maturity index (a
      function of the two) is suppressed when either dimension index is, and its interval
      also when fewer respondents have a maturity score; suppression_reason says why. The
      quadrant follows the two dimension indices, the change from the previous year both years'
      maturity indices; county rank, county mean and county_summary use disclosed maturity
      indices only (a mean over n organisations minus n - 1 published ones would reveal the
      last one).
    - dont_know_by_item: counts and share are suppressed when the organisation-year has fewer
      respondents.
    - dont_know_by_target_group, maturity_by_target_group, maturity_by_department: a group
      with fewer respondents is suppressed; in the two breakdown marts a group's dimension
      index is also suppressed when one of its categories has fewer usable scores or fewer
      respondents have a score in the dimension (dimension_suppression_reason below). The
      organisation's published figures minus the published groups would give the hidden
      ones, so each statistic (the "vet ej" counts; the capability index; the legacy index)
      gets complementary suppression (complementary_suppression below); the maturity index
      of a group is hidden when either of its dimension indices is.
    - Separately, an organisation-year withheld by the council's quality checks
      (int_organisations_withheld, var withholding_checks) publishes no category, dimension or
      maturity index (results_withheld, withheld_reason); its "vet ej" counts and response
      rates stay, as they are what the council reviews.
    Respondent and invitation counts are not suppressed: they describe participation, not
    answers, and are needed to explain a suppression.

    is_disclosed(count): true when `count` (null counts as 0) >= var('min_cell_respondents').
-#}
{% macro is_disclosed(count) -%}
    (coalesce({{ count }}, 0) >= {{ var('min_cell_respondents') }})
{%- endmacro %}

{#- is_suppressed(count): the negation of is_disclosed(count). -#}
{% macro is_suppressed(count) -%}
    (coalesce({{ count }}, 0) < {{ var('min_cell_respondents') }})
{%- endmacro %}

{#-
    disclosure_from_reasons(relation): a select statement (use it as the body of a CTE) of
    every column of `relation` (with capability_suppression_reason, legacy_suppression_reason
    and maturity_respondents) and the disclosure decisions they imply:
    is_capability_disclosed / is_legacy_disclosed exactly when the dimension has no
    suppression reason; maturity_suppression_reason the hidden dimension's reason
    (capability's when both are hidden); is_maturity_disclosed when both dimensions are (the
    maturity index is their mean); is_maturity_interval_disclosed when, besides, enough
    respondents have a maturity score (the interval describes them).
-#}
{% macro disclosure_from_reasons(relation) -%}
select
    *,
    is_capability_disclosed and is_legacy_disclosed as is_maturity_disclosed,
    is_capability_disclosed
    and is_legacy_disclosed
    and {{ is_disclosed('maturity_respondents') }} as is_maturity_interval_disclosed
from (
    select
        *,
        capability_suppression_reason is null as is_capability_disclosed,
        legacy_suppression_reason is null as is_legacy_disclosed,
        coalesce(capability_suppression_reason, legacy_suppression_reason)
            as maturity_suppression_reason
    from {{ relation }}
)
{%- endmacro %}

{#-
    published_index_columns(relation, interval_columns): the capability, legacy and maturity
    indices of `relation` as published: <prefix>_index (a double) when is_<prefix>_disclosed,
    its interval columns <prefix>_index_<column> for each of `interval_columns` (e.g.
    ['ci_lower', 'ci_upper', 'standard_error']; doubles) when is_<prefix>_disclosed
    (maturity: is_maturity_interval_disclosed, disclosure_from_reasons above),
    <prefix>_respondents (an integer, 0 when `relation` has no row) and
    <prefix>_index_suppressed (true when not disclosed or when `relation` has no row).
-#}
{% macro published_index_columns(relation, interval_columns) -%}
    {%- for prefix in ['capability', 'legacy', 'maturity'] %}
        {%- set disclosed = relation ~ '.is_' ~ prefix ~ '_disclosed' %}
        {%- set interval_disclosed = relation ~ '.is_maturity_interval_disclosed' if prefix == 'maturity'
            else disclosed %}
        cast(case when {{ disclosed }} then {{ relation }}.{{ prefix }}_index end as double) as {{ prefix }}_index,
        {%- for column in interval_columns %}
        cast(case when {{ interval_disclosed }} then {{ relation }}.{{ prefix }}_index_{{ column }} end as double)
            as {{ prefix }}_index_{{ column }},
        {%- endfor %}
        cast(coalesce({{ relation }}.{{ prefix }}_respondents, 0) as integer) as {{ prefix }}_respondents,
        not coalesce({{ disclosed }}, false) as {{ prefix }}_index_suppressed{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#-
    dimension_suppression_reason(prefix, respondents, withheld=none): why a dimension index
    (prefix 'capability' or 'legacy', columns <prefix>_min_category_respondents and
    <prefix>_respondents) is hidden, or null when it may be published as far as its own
    counts go: 'results withheld' when the boolean expression `withheld` is true (the
    council's withholding, int_organisations_withheld), 'fewer than N respondents' when the
    organisation or group (`respondents`) is too small, 'a category with fewer than N usable
    scores' when one of its categories is (else the hidden category = 3 * dimension - the
    other two), 'fewer than N respondents with a score' when too few respondents have a
    dimension score (the interval's n). N = var('min_cell_respondents').
-#}
{% macro dimension_suppression_reason(prefix, respondents, withheld=none) -%}
    {%- set n = var('min_cell_respondents') -%}
    case
        {%- if withheld %}
        when {{ withheld }} then 'results withheld'
        {%- endif %}
        when {{ is_suppressed(respondents) }} then 'fewer than {{ n }} respondents'
        when {{ is_suppressed(prefix ~ '_min_category_respondents') }}
            then 'a category with fewer than {{ n }} usable scores'
        when {{ is_suppressed(prefix ~ '_respondents') }}
            then 'fewer than {{ n }} respondents with a score'
    end
{%- endmacro %}

{#-
    complementary_suppression(cells, partition_by, cell_key, is_primary, protection, loss):
    the one rule of complementary suppression, as a query over the CTE `cells` (one row per
    published cell) that adds the column is_complementary_suppressed.

    Within each partition (`partition_by`, a list of columns: the cells that add up to a
    published total, e.g. one statistic of one organisation-year's groups), the cells with
    `is_primary` true are hidden; `protection` is the number of respondents a hidden cell's
    value describes (for an index hidden through a category: that category's usable scores).
    The published total minus the published cells gives the hidden cells' combined value,
    so when the hidden cells together protect fewer than var('min_cell_respondents')
    respondents (always so when one small cell is hidden), one more cell is hidden: the
    published cell that loses least, i.e. the smallest `loss` (the respondents it
    describes), ties broken by `cell_key`. Every published cell describes at least the
    threshold, so one complement always suffices.
-#}
{% macro complementary_suppression(cells, partition_by, cell_key, is_primary, protection, loss) -%}
    {%- set partition = partition_by | join(', ') -%}
    select
        * exclude (complement_hidden_protection, complement_order),
        not ({{ is_primary }})
        and complement_hidden_protection > 0
        and {{ is_suppressed('complement_hidden_protection') }}
        and complement_order = 1 as is_complementary_suppressed
    from (
        select
            *,
            coalesce(sum({{ protection }}) filter (where {{ is_primary }}) over (
                partition by {{ partition }}
            ), 0) as complement_hidden_protection,
            row_number() over (
                partition by {{ partition }}, ({{ is_primary }})
                order by {{ loss }} asc, {{ cell_key }} asc
            ) as complement_order
        from {{ cells }}
    )
{%- endmacro %}
