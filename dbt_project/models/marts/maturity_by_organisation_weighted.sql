-- One row per organisation and survey year: the capability, legacy and maturity indices
-- post-stratified by the target-group mix of those invited, beside the published unweighted
-- indices and the difference. See maturity_by_organisation_weighted.yml and docs/method.md
-- ("Who answered: weighting by the invited target groups").
--
-- Respondents are invited, not sampled; when target groups answer at different rates, the
-- unweighted index leans towards the groups that answered most. Post-stratification gives each
-- respondent the weight w = (invited share of their stratum) / (responding share of their
-- stratum) within the organisation-year, so that the strata count as they were invited:
--   strata = the target groups whose indices maturity_by_target_group publishes, plus one
--     stratum pooling every target group with a hidden index there (hidden for privacy or
--     complementary suppression): weighting them separately would add an equation from which
--     a hidden group could be worked out; pooled, the weighted index reveals nothing more than
--     the unweighted one already does;
--   a target group invited but without respondents cannot be represented: it is left out and
--     the other strata's invited shares are taken among the represented groups
--     (unrepresented_invited says how many invited that concerns);
--   weighted category index = sum(w * score) / sum(w) over the kept category scores;
--   dimension and maturity indices, standard error (by linearisation with the weights held
--   fixed) and interval as the unweighted (macros/indices_aggregated.sql).
-- Weighting needs the invited count of every target group (all invited by e-mail, every
-- answering group with an invitation row); otherwise weighting_status says why there is none.
-- var('nonresponse_weighting') false turns it off (weighting_status 'off', no weighted index).
{%- set pooled = 'sammanslagna målgrupper' %}
with organisation_years as (
    select * from {{ ref('maturity_by_organisation') }}
),

target_group_rates as (
    select * from {{ ref('response_rates') }}
),

target_group_indices as (
    select * from {{ ref('maturity_by_target_group') }}
),

category_scores as (
    select * from {{ ref('int_respondent_category_scores') }}
),

-- Each target group of the organisation-year with its stratum: its own code, or the pooled
-- stratum when its index is hidden in maturity_by_target_group.
target_group_strata as (
    select
        target_group_rates.organisation_code,
        target_group_rates.survey_year,
        target_group_rates.target_group,
        target_group_rates.invited,
        target_group_rates.respondents,
        target_group_rates.rate_status,
        case
            when
                coalesce(target_group_indices.target_group_suppressed, false)
                or coalesce(target_group_indices.capability_index_suppressed, false)
                or coalesce(target_group_indices.legacy_index_suppressed, false)
                then '{{ pooled }}'
            else target_group_rates.target_group
        end as stratum
    from target_group_rates
    left join target_group_indices
        on
            target_group_rates.organisation_code = target_group_indices.organisation_code
            and target_group_rates.survey_year = target_group_indices.survey_year
            and target_group_rates.target_group = target_group_indices.target_group
),

weighting_possible as (
    select
        organisation_code,
        survey_year,
        bool_and(rate_status = 'known') as is_invited_known,
        coalesce(sum(invited) filter (where respondents = 0), 0) as unrepresented_invited,
        count(distinct stratum) filter (where respondents > 0) as weighting_strata,
        string_agg(distinct target_group, ', ' order by target_group) filter (
            where stratum = '{{ pooled }}' and respondents > 0
        ) as pooled_target_groups
    from target_group_strata
    group by organisation_code, survey_year
),

strata as (
    select
        organisation_code,
        survey_year,
        stratum,
        sum(invited) as invited,
        sum(respondents) as respondents
    from target_group_strata
    where respondents > 0
    group by organisation_code, survey_year, stratum
),

stratum_weights as (
    select
        strata.*,
        (strata.invited / sum(strata.invited) over organisation_year)
        / (strata.respondents / sum(strata.respondents) over organisation_year) as respondent_weight
    from strata
    inner join weighting_possible
        on
            strata.organisation_code = weighting_possible.organisation_code
            and strata.survey_year = weighting_possible.survey_year
    where weighting_possible.is_invited_known
    window organisation_year as (partition by strata.organisation_code, strata.survey_year)
),

weighted_scores as (
    select
        category_scores.organisation_code,
        category_scores.survey_year,
        category_scores.respondent_id,
        category_scores.dimension_code,
        category_scores.category_code,
        category_scores.category_score,
        stratum_weights.respondent_weight
    from category_scores
    inner join target_group_strata
        on
            category_scores.organisation_code = target_group_strata.organisation_code
            and category_scores.survey_year = target_group_strata.survey_year
            and category_scores.target_group = target_group_strata.target_group
    inner join stratum_weights
        on
            target_group_strata.organisation_code = stratum_weights.organisation_code
            and target_group_strata.survey_year = stratum_weights.survey_year
            and target_group_strata.stratum = stratum_weights.stratum
    where {{ var('nonresponse_weighting') }}
),

weighted_category_indices as (
    select
        organisation_code,
        survey_year,
        dimension_code,
        category_code,
        sum(respondent_weight * category_score) / sum(respondent_weight) filter (
            where category_score is not null
        ) as category_index,
        count(category_score) as respondents
    from weighted_scores
    group by organisation_code, survey_year, dimension_code, category_code
),

-- Dimension and maturity indices from the weighted category indices, with the linearised
-- standard error (weights held fixed) and interval: the unweighted indices' rule
-- (macros/indices_aggregated.sql, dimension_indices_aggregated).
weighted_indices as (
    {{ dimension_indices_aggregated(
        'weighted_category_indices', 'weighted_scores', ['organisation_code', 'survey_year'],
        weight='respondent_weight'
    ) }}
),

weight_spread as (
    select
        organisation_code,
        survey_year,
        min(respondent_weight) as min_respondent_weight,
        max(respondent_weight) as max_respondent_weight
    from stratum_weights
    group by organisation_code, survey_year
),

combined as (
    select
        organisation_years.organisation_code,
        organisation_years.organisation_name,
        organisation_years.organisation_type,
        organisation_years.survey_year,
        organisation_years.instrument_version,
        organisation_years.respondents,
        organisation_years.invited,
        case
            when not {{ var('nonresponse_weighting') }} then 'off'
            when organisation_years.results_withheld then 'results withheld'
            when not coalesce(weighting_possible.is_invited_known, false) then 'invited unknown'
            when organisation_years.maturity_index_suppressed then 'suppressed'
            else 'weighted'
        end as weighting_status,
        weighting_possible.weighting_strata,
        weighting_possible.pooled_target_groups,
        weighting_possible.unrepresented_invited,
        weight_spread.min_respondent_weight,
        weight_spread.max_respondent_weight,
        organisation_years.capability_index,
        organisation_years.legacy_index,
        organisation_years.maturity_index,
        organisation_years.maturity_index_ci_lower,
        organisation_years.maturity_index_ci_upper,
        weighted_indices.capability_index as capability_index_weighted,
        weighted_indices.legacy_index as legacy_index_weighted,
        weighted_indices.maturity_index as maturity_index_weighted,
        weighted_indices.maturity_index_standard_error as maturity_index_weighted_standard_error,
        weighted_indices.maturity_index_ci_lower as maturity_index_weighted_ci_lower,
        weighted_indices.maturity_index_ci_upper as maturity_index_weighted_ci_upper
    from organisation_years
    left join weighting_possible
        on
            organisation_years.organisation_code = weighting_possible.organisation_code
            and organisation_years.survey_year = weighting_possible.survey_year
    left join weighted_indices
        on
            organisation_years.organisation_code = weighted_indices.organisation_code
            and organisation_years.survey_year = weighted_indices.survey_year
    left join weight_spread
        on
            organisation_years.organisation_code = weight_spread.organisation_code
            and organisation_years.survey_year = weight_spread.survey_year
),

-- The weighted indices are shown only beside a published unweighted index.
weighted_only as (
    select
        *,
        weighting_status = 'weighted' as is_weighted,
        weighting_status = 'weighted' and capability_index is not null as is_capability_weighted,
        weighting_status = 'weighted' and legacy_index is not null as is_legacy_weighted
    from combined
),

published as (
    select
        organisation_code,
        organisation_name,
        organisation_type,
        cast(survey_year as integer) as survey_year,
        instrument_version,
        cast(respondents as integer) as respondents,
        cast(invited as integer) as invited,
        cast(weighting_status as varchar) as weighting_status,
        cast(case when is_weighted then weighting_strata end as integer) as weighting_strata,
        cast(case when is_weighted then pooled_target_groups end as varchar) as pooled_target_groups,
        cast(case when is_weighted then unrepresented_invited end as integer) as unrepresented_invited,
        cast(case when is_weighted then min_respondent_weight end as double) as min_respondent_weight,
        cast(case when is_weighted then max_respondent_weight end as double) as max_respondent_weight,
        cast(capability_index as double) as capability_index,
        cast(case when is_capability_weighted then capability_index_weighted end as double)
            as capability_index_weighted,
        cast(case when is_capability_weighted then capability_index_weighted - capability_index end as double)
            as capability_index_weighting_difference,
        cast(legacy_index as double) as legacy_index,
        cast(case when is_legacy_weighted then legacy_index_weighted end as double)
            as legacy_index_weighted,
        cast(case when is_legacy_weighted then legacy_index_weighted - legacy_index end as double)
            as legacy_index_weighting_difference,
        cast(maturity_index as double) as maturity_index,
        cast(maturity_index_ci_lower as double) as maturity_index_ci_lower,
        cast(maturity_index_ci_upper as double) as maturity_index_ci_upper,
        cast(case when is_weighted then maturity_index_weighted end as double) as maturity_index_weighted,
        cast(case when is_weighted then maturity_index_weighted - maturity_index end as double)
            as maturity_index_weighting_difference,
        cast(case when is_weighted then maturity_index_weighted_standard_error end as double)
            as maturity_index_weighted_standard_error,
        cast(case when is_weighted then maturity_index_weighted_ci_lower end as double)
            as maturity_index_weighted_ci_lower,
        cast(case when is_weighted then maturity_index_weighted_ci_upper end as double)
            as maturity_index_weighted_ci_upper
    from weighted_only
)

-- The council's overrule of the organisation-year (macros/council_decision_marks.sql).
{{ council_decision_marks('published') }}
