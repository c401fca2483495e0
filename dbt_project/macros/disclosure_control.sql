{#-
    Disclosure control (domain doc, Privacy): no published figure may describe fewer than
    var('min_cell_respondents') respondents, and no suppressed figure may be recoverable by
    subtraction from published ones (complementary suppression). The rules of the marts:

    - maturity_by_category: a category index (and its interval) is suppressed when fewer
      respondents have a kept score in the category; the category's answer counts and
      "vet ej" share are suppressed when the organisation-year has fewer respondents.
    - maturity_by_organisation: a dimension index is suppressed when any of its categories'
      indices is suppressed (else the suppressed category = 3 * dimension - the other two)
      or fewer respondents have a score in the dimension; the maturity index (a function of
      the two) is suppressed when either dimension index is, and its interval also when fewer
      respondents have a maturity score. The quadrant
      follows the two dimension indices, the change from the previous year both years'
      maturity indices; county rank, county mean and county_summary use disclosed maturity
      indices only (a mean over n organisations minus n - 1 published ones would reveal the
      last one).
    - dont_know_by_item: counts and share are suppressed when the organisation-year has fewer
      respondents.
    - dont_know_by_target_group: a group with fewer respondents is suppressed; when the
      suppressed groups of an organisation-year together have fewer, the smallest published
      group is suppressed too (the organisation's totals minus the published groups would
      give their sum).
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
