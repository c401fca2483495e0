{#-
    respondent_level_scores(level): the body of int_respondent_category_scores (level
    'category') and int_respondent_factor_scores (level 'factor'): one row per respondent,
    year and category/factor of the respondent's instrument version. Domain doc, scoring
    method step 4 (applied to factors as to categories): the <level>_score is the mean of
    the respondent's answered items' 0-100 scores in the category/factor, kept (else null)
    only when
        answered_items >= var('min_category_answered_share') * items_in_<level>
    where items_in_<level> counts the category's/factor's items in the instrument version
    and "vet ej" and blank count as not answered. Category rows also carry the respondent's
    target_group and department (for the breakdowns). Incremental per survey year
    (macros/incremental_years.sql).
-#}
{% macro respondent_level_scores(level) -%}
{%- set codes = ['instrument_version', 'dimension_code', 'category_code']
    + (['factor_code'] if level == 'factor' else []) -%}
with respondents as (
    select * from {{ ref('stg_raw__respondents') }}
    {{ where_survey_year_to_build() }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

answers_scored as (
    select * from {{ ref('int_answers_scored') }}
    {{ where_survey_year_to_build() }}
),

level_item_counts as (
    select
        {%- for code in codes %}
        {{ code }},
        {%- endfor %}
        count(*) as items_in_{{ level }}
    from codebook
    {%- if level == 'factor' %}
    where factor_code is not null
    {%- endif %}
    group by {{ codes | join(', ') }}
),

respondent_levels as (
    select
        respondents.survey_year,
        respondents.respondent_id,
        respondents.organisation_code,
        {%- if level == 'category' %}
        respondents.target_group,
        respondents.department,
        {%- endif %}
        respondents.instrument_version,
        {%- for code in codes[1:] %}
        level_item_counts.{{ code }},
        {%- endfor %}
        level_item_counts.items_in_{{ level }}
    from respondents
    inner join level_item_counts
        on respondents.instrument_version = level_item_counts.instrument_version
),

answer_counts as (
    select
        survey_year,
        respondent_id,
        {{ level }}_code,
        {{ answer_status_counts('items') }},
        avg(item_score) as mean_item_score
    from answers_scored
    group by survey_year, respondent_id, {{ level }}_code
),

level_scores as (
    select
        respondent_levels.*,
        answer_counts.mean_item_score,
        coalesce(answer_counts.answered_items, 0) as answered_items,
        coalesce(answer_counts.dont_know_items, 0) as dont_know_items,
        coalesce(answer_counts.blank_items, 0) as blank_items,
        coalesce(answer_counts.answered_items, 0)
        >= {{ var('min_category_answered_share') }} * respondent_levels.items_in_{{ level }}
            as is_{{ level }}_score_kept
    from respondent_levels
    left join answer_counts
        on
            respondent_levels.survey_year = answer_counts.survey_year
            and respondent_levels.respondent_id = answer_counts.respondent_id
            and respondent_levels.{{ level }}_code = answer_counts.{{ level }}_code
),

level_scores_kept as (
    select
        *,
        case when is_{{ level }}_score_kept then mean_item_score end as {{ level }}_score
    from level_scores
)

select * from level_scores_kept
{%- endmacro %}
