{#-
    linearised_standard_errors(category_scores, keys): a select statement (use it as the body
    of a CTE) giving, per combination of `keys`, the standard errors of the capability,
    legacy and maturity indices of that group of respondents, computed for the estimator the
    indices actually are: a mean of category means (domain doc, scoring method steps 5-6).

    Input: the relation or CTE `category_scores` with the columns `keys`, respondent_id,
    dimension_code ('capability' / 'legacy'), category_code and category_score (the
    respondent's kept 0-100 score, null when not kept); one row per respondent and category
    of the instrument version (or of the categories the index is computed on).

    The method is linearisation (the delta method, as survey software computes the variance
    of a ratio or of a function of means). The capability index is
        C = (1 / K) * sum over its K categories k of ybar_k,   ybar_k = mean of the n_k kept
    scores y_ik in category k. Each respondent i gets the term
        u_i = (1 / K) * sum over the categories k where i has a kept score of (y_ik - ybar_k) / n_k,
    which says how much C would move with that respondent (the terms sum to 0); then
        standard error = sqrt(n / (n - 1) * sum_i u_i^2),
    n = the respondents with at least one kept score in the dimension (<prefix>_respondents),
    null when n < 2 or when a category of the dimension has fewer than 2 kept scores (the
    variance of a mean of one score cannot be estimated: it would count as 0). The legacy
    index likewise; the maturity index (C + L) / 2 uses u_i = (u_i(C) + u_i(L)) / 2,
    n = the respondents with at least one kept score in either dimension, and needs 2 kept
    scores in every category. With a single category this is s / sqrt(n) of the category scores; when
    every respondent has a score in every category it equals s / sqrt(n) of the respondents'
    own dimension (or maturity) scores, the formula used before. When respondents skip
    categories the two differ, and only this one describes the published index.

    weight (optional): a column of respondent weights w_i (e.g. post-stratification weights,
    maturity_by_organisation_weighted). Then ybar_k = sum(w_i * y_ik) / W_k with W_k = the sum
    of the weights of category k's kept scores, and u_i = (1 / K) * sum of
    w_i * (y_ik - ybar_k) / W_k; the weights are held fixed (their own randomness is
    ignored). Without it every w_i = 1 and W_k = n_k.

    Output columns: `keys`, capability_respondents, capability_index_standard_error,
    legacy_respondents, legacy_index_standard_error, maturity_respondents,
    maturity_index_standard_error.
-#}
{% macro linearised_standard_errors(category_scores, keys, weight=none) -%}
{%- set key_list = keys | join(', ') -%}
with linearisation_category_means as (
    select
        {{ key_list }},
        dimension_code,
        category_code,
        {%- if weight %}
        sum({{ weight }} * category_score) / sum({{ weight }}) filter (
            where category_score is not null
        ) as category_mean,
        sum({{ weight }}) filter (where category_score is not null) as category_weight,
        {%- else %}
        avg(category_score) as category_mean,
        count(category_score) as category_weight,
        {%- endif %}
        count(category_score) as category_respondents
    from {{ category_scores }}
    group by {{ key_list }}, dimension_code, category_code
),

linearisation_dimension_sizes as (
    select
        {{ key_list }},
        dimension_code,
        count(*) as dimension_categories
    from linearisation_category_means
    group by {{ key_list }}, dimension_code
),

linearisation_smallest_categories as (
    select
        {{ key_list }},
        min(category_respondents) filter (
            where dimension_code = 'capability'
        ) as capability_min_category_respondents,
        min(category_respondents) filter (
            where dimension_code = 'legacy'
        ) as legacy_min_category_respondents,
        min(category_respondents) as maturity_min_category_respondents
    from linearisation_category_means
    group by {{ key_list }}
),

linearisation_terms as (
    select
        {%- for key in keys %}
        scores.{{ key }},
        {%- endfor %}
        scores.respondent_id,
        {%- for dimension in ['capability', 'legacy'] %}
        coalesce(sum(
            {{ ('scores.' ~ weight ~ ' * ') if weight else '' }}(scores.category_score - means.category_mean)
            / means.category_weight / sizes.dimension_categories
        ) filter (where scores.dimension_code = '{{ dimension }}'), 0) as {{ dimension }}_term,
        count(scores.category_score) filter (
            where scores.dimension_code = '{{ dimension }}'
        ) as {{ dimension }}_kept_scores{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ category_scores }} as scores
    inner join linearisation_category_means as means
        on
            {%- for key in keys %}
            scores.{{ key }} = means.{{ key }} and
            {%- endfor %}
            scores.dimension_code = means.dimension_code
            and scores.category_code = means.category_code
    inner join linearisation_dimension_sizes as sizes
        on
            {%- for key in keys %}
            scores.{{ key }} = sizes.{{ key }} and
            {%- endfor %}
            scores.dimension_code = sizes.dimension_code
    group by
        {%- for key in keys %}
        scores.{{ key }},
        {%- endfor %}
        scores.respondent_id
),

linearisation_sums as (
    select
        {{ key_list }},
        count(*) filter (where capability_kept_scores > 0) as capability_respondents,
        sum(capability_term ^ 2) as capability_squares,
        count(*) filter (where legacy_kept_scores > 0) as legacy_respondents,
        sum(legacy_term ^ 2) as legacy_squares,
        count(*) filter (
            where capability_kept_scores > 0 or legacy_kept_scores > 0
        ) as maturity_respondents,
        sum(((capability_term + legacy_term) / 2) ^ 2) as maturity_squares
    from linearisation_terms
    group by {{ key_list }}
)

select
    {%- for key in keys %}
    sums.{{ key }},
    {%- endfor %}
    {%- for prefix in ['capability', 'legacy', 'maturity'] %}
    sums.{{ prefix }}_respondents,
    case
        when sums.{{ prefix }}_respondents >= 2 and smallest.{{ prefix }}_min_category_respondents >= 2
            then sqrt(
                sums.{{ prefix }}_respondents * sums.{{ prefix }}_squares
                / (sums.{{ prefix }}_respondents - 1.0)
            )
    end as {{ prefix }}_index_standard_error{{ ',' if not loop.last }}
    {%- endfor %}
from linearisation_sums as sums
inner join linearisation_smallest_categories as smallest
    on
        {%- for key in keys %}
        sums.{{ key }} = smallest.{{ key }}{{ ' and' if not loop.last }}
        {%- endfor %}
{%- endmacro %}
