{#-
    cronbach_alpha_ctes(group_columns): Cronbach's alpha of each category's items, per
    survey year, category and the grouping in group_columns (a list of column names of
    int_answers_scored: [] for the county's respondents as one group,
    ['organisation_code'] for each organisation's own respondents). The alpha computation of
    the marts internal_consistency_by_category and internal_consistency_by_organisation,
    written once; each mart adds its own disclosure control on top. The pair sums, the
    costly part (a self-join of the answers), are built once for both, per organisation, in
    int_item_pair_sums.

    Emits the CTEs (to follow a model's `with`; the model goes on with `, next as (...)`):
      answers_scored  int_answers_scored, filtered to the years being built
                      (macros/incremental_years.sql; a year's alpha depends on that year's
                      answers only).
      codebook        stg_reference__instrument_items.
      item_scores     one row per answered item: the recoded answer x' (an integer) and the
                      scale's range R = max - min; "vet ej" and blank are missing (not
                      scored); rows with a null category or grouping column take no part.
      item_pair_sums  every unordered pair of items (i <= j) of a category answered by the
                      same respondent of the group: the exact integer sums behind their
                      covariance (n = joint_answers, sum x'_i, sum x'_j, sum x'_i x'_j),
                      read from int_item_pair_sums (one row per organisation; the
                      county's are their sums over every organisation, integers, so
                      exact).
      item_pair_covariances
                      pairwise: the sample covariance (n - 1) of the 0-100 scores of items
                      i and j over the respondents who answered both (i = j: the item's
                      sample variance), from the integer sums (score = 100 (x' - min) / R):
                      cov = (n sum x'_i x'_j - sum x'_i sum x'_j) / (n (n - 1)) * 10000 /
                      (R_i R_j); null when n < 2 (the pair or item is left out: pandas
                      DataFrame.cov, as pingouin.cronbach_alpha's default
                      nan_policy='pairwise').
      covariance_sums the sums over the full covariance matrix (each off-diagonal pair
                      counts twice), added in item order, so that the floating-point result
                      does not depend on row order (an incremental build of one year equals
                      a full build to the last bit); items answered, pairs answered and the
                      fewest respondents behind a pair.
      category_respondents, category_items
                      respondents and answers per group and category; items per category of
                      each instrument version.
      alpha           one row per survey year, group, instrument version and category:
                      items_in_category, respondents, answers, items_with_variance (k),
                      alpha_respondents and cronbach_alpha =
                      k / (k - 1) * (1 - sum of item variances / sum of all covariances)
                      (Cronbach 1951; the covariance-matrix form), null when k < 2 or the
                      total variance is 0. alpha_respondents is the fewest respondents behind
                      any covariance (those who answered both items of a pair; for an item's
                      variance, the item), or 0 when some pair of answered items has no
                      respondent in common (its covariance rests on nobody).
-#}
{% macro cronbach_alpha_ctes(group_columns) -%}
{%- if group_columns not in ([], ['organisation_code']) -%}
    {{ exceptions.raise_compiler_error(
        "cronbach_alpha_ctes groups by [] (the county) or ['organisation_code'] (the "
        ~ "groups of int_item_pair_sums), got " ~ group_columns) }}
{%- endif -%}
{%- set group_select -%}
{%- for column in group_columns %}
        {{ column }},
{%- endfor -%}
{%- endset -%}
{%- set year_and_groups = (['survey_year'] + group_columns) | join(', ') -%}
answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

item_scores as (
    {{ alpha_item_scores(group_columns + ['instrument_version']) }}
        {%- for column in group_columns %}
        and {{ column }} is not null
        {%- endfor %}
),

item_pair_sums as (
    {%- if group_columns %}
    select
        survey_year,{{ group_select }}
        category_code,
        item_code_a,
        item_code_b,
        scale_range_a,
        scale_range_b,
        joint_answers,
        sum_a,
        sum_b,
        sum_ab
    from {{ ref('int_item_pair_sums') }}
    where
        organisation_code is not null
        {%- set years = survey_years_to_build_sql() %}
        {%- if years is not none %}
        and survey_year in ({{ years }})
        {%- endif %}
    {%- else %}
    select
        survey_year,
        category_code,
        item_code_a,
        item_code_b,
        any_value(scale_range_a) as scale_range_a,
        any_value(scale_range_b) as scale_range_b,
        cast(sum(joint_answers) as bigint) as joint_answers,
        sum(sum_a) as sum_a,
        sum(sum_b) as sum_b,
        sum(sum_ab) as sum_ab
    from {{ ref('int_item_pair_sums') }}
    {{ where_survey_year_to_build() }}
    group by survey_year, category_code, item_code_a, item_code_b
    {%- endif %}
),

item_pair_covariances as (
    select
        survey_year,{{ group_select }}
        category_code,
        item_code_a,
        item_code_b,
        joint_answers,
        case
            when joint_answers >= 2
                then
                    cast(joint_answers * sum_ab - sum_a * sum_b as double)
                    / (joint_answers * (joint_answers - 1))
                    * 10000.0 / (scale_range_a * scale_range_b)
        end as covariance
    from item_pair_sums
),

covariance_sums as (
    select
        survey_year,{{ group_select }}
        category_code,
        count(*) filter (where item_code_a = item_code_b) as items_answered,
        count(*) as item_pairs_answered,
        min(joint_answers) as least_joint_answers,
        count(covariance) filter (where item_code_a = item_code_b) as items_with_variance,
        sum(covariance order by item_code_a, item_code_b) filter (
            where item_code_a = item_code_b
        ) as sum_item_variances,
        sum(
            case when item_code_a = item_code_b then covariance else 2 * covariance end
            order by item_code_a, item_code_b
        ) as total_variance
    from item_pair_covariances
    group by {{ year_and_groups }}, category_code
),

category_respondents as (
    select
        survey_year,{{ group_select }}
        instrument_version,
        category_code,
        count(distinct respondent_id) as respondents,
        count(*) as answers
    from item_scores
    group by {{ year_and_groups }}, instrument_version, category_code
),

category_items as (
    select
        instrument_version,
        category_code,
        count(*) as items_in_category
    from codebook
    group by instrument_version, category_code
),

alpha as (
    select
        category_respondents.survey_year,
        {%- for column in group_columns %}
        category_respondents.{{ column }},
        {%- endfor %}
        category_respondents.instrument_version,
        category_respondents.category_code,
        category_items.items_in_category,
        category_respondents.respondents,
        category_respondents.answers,
        covariance_sums.items_with_variance,
        -- every pair of answered items present (i <= j: m (m + 1) / 2 of them), else some
        -- pair has no respondent in common and its covariance rests on nobody
        case
            when
                covariance_sums.item_pairs_answered
                = covariance_sums.items_answered * (covariance_sums.items_answered + 1) / 2
                then covariance_sums.least_joint_answers
            else 0
        end as alpha_respondents,
        case
            when covariance_sums.items_with_variance >= 2 and covariance_sums.total_variance > 0
                then
                    covariance_sums.items_with_variance / (covariance_sums.items_with_variance - 1)
                    * (1 - covariance_sums.sum_item_variances / covariance_sums.total_variance)
        end as cronbach_alpha
    from category_respondents
    left join covariance_sums
        on
            category_respondents.survey_year = covariance_sums.survey_year
            {%- for column in group_columns %}
            and category_respondents.{{ column }} = covariance_sums.{{ column }}
            {%- endfor %}
            and category_respondents.category_code = covariance_sums.category_code
    left join category_items
        on
            category_respondents.instrument_version = category_items.instrument_version
            and category_respondents.category_code = category_items.category_code
)
{%- endmacro %}


{#-
    alpha_item_scores(columns): the answers that enter Cronbach's alpha, one row per
    answered item of a respondent, selected from a CTE named answers_scored
    (int_answers_scored): survey_year, the given columns, category_code, respondent_id,
    item_code, recoded_value x' (the recoded answer as an integer; reverse coding applied)
    and scale_range R = scale_max - scale_min. "vet ej" and blank answers are missing (not
    scored) and rows with a null category take no part. Written once for
    int_item_pair_sums (the pair sums) and cronbach_alpha_ctes (the respondent and item
    counts); a caller may add conditions with `and ...` after it.
-#}
{% macro alpha_item_scores(columns) -%}
select
        survey_year,
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        category_code,
        respondent_id,
        item_code,
        cast(answer_value_recoded as bigint) as recoded_value,
        scale_max - scale_min as scale_range
    from answers_scored
    where
        is_answered
        and category_code is not null
{%- endmacro %}
