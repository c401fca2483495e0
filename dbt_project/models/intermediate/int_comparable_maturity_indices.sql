-- One row per organisation and year whose previous measurement used another instrument
-- version: the maturity index of both measurements recomputed on the items linked between
-- the two versions only (int_instrument_item_links), so that the change is computed on what
-- is comparable (domain doc, scoring method step 6). When both years used the same version every item is
-- linked and the published indices are already comparable; such years have no row here.
-- The scoring is the domain doc's method (steps 4-6) restricted to the linked items:
--   respondent category score = mean of the answered linked items' 0-100 scores in the
--     category, kept when answered >= var('min_category_answered_share') * linked items in
--     the category; a category without linked items is left out on both sides;
--   category index = mean of kept scores; dimension index = mean of its (linked) category
--     indices, null unless all exist; maturity index = mean of the two dimension indices;
--   standard error of that mean of category means by linearisation over the respondents, n =
--     the respondents with at least one kept linked category score (as
--     int_organisation_indices_aggregated, macros/linearised_standard_errors.sql).
-- side = 'current' is the year itself, side = 'previous' its previous measurement.
with organisation_indices as (
    select * from {{ ref('int_organisation_indices_aggregated') }}
),

answers_scored as (
    select * from {{ ref('int_answers_scored') }}
),

item_links as (
    select * from {{ ref('int_instrument_item_links') }}
),

measurements as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        lag(survey_year) over by_year as previous_survey_year,
        lag(instrument_version) over by_year as previous_instrument_version
    from organisation_indices
    window by_year as (partition by organisation_code order by survey_year)
),

version_changes as (
    select * from measurements
    where previous_instrument_version != instrument_version
),

-- Both measurements of each version change, each with the version it is compared with.
sides as (
    select
        organisation_code,
        survey_year,
        previous_survey_year,
        'current' as side,
        survey_year as scored_year,
        instrument_version as scored_version,
        previous_instrument_version as compared_version
    from version_changes
    union all
    select
        organisation_code,
        survey_year,
        previous_survey_year,
        'previous' as side,
        previous_survey_year as scored_year,
        previous_instrument_version as scored_version,
        instrument_version as compared_version
    from version_changes
),

linked_items_per_category as (
    select
        instrument_version,
        linked_instrument_version,
        dimension_code,
        category_code,
        count(*) as linked_items_in_category
    from item_links
    group by instrument_version, linked_instrument_version, dimension_code, category_code
),

linked_item_totals as (
    select
        instrument_version,
        linked_instrument_version,
        count(*) as linked_items
    from item_links
    group by instrument_version, linked_instrument_version
),

linked_categories_per_dimension as (
    select
        instrument_version,
        linked_instrument_version,
        dimension_code,
        count(*) as linked_categories
    from linked_items_per_category
    group by instrument_version, linked_instrument_version, dimension_code
),

respondent_category_answers as (
    select
        sides.organisation_code,
        sides.survey_year,
        sides.side,
        sides.scored_version,
        sides.compared_version,
        answers_scored.respondent_id,
        item_links.dimension_code,
        item_links.category_code,
        count(*) filter (where answers_scored.is_answered) as answered_items,
        avg(answers_scored.item_score) as mean_item_score
    from sides
    inner join answers_scored
        on
            sides.organisation_code = answers_scored.organisation_code
            and sides.scored_year = answers_scored.survey_year
    inner join item_links
        on
            sides.scored_version = item_links.instrument_version
            and sides.compared_version = item_links.linked_instrument_version
            and answers_scored.item_code = item_links.item_code
    group by
        sides.organisation_code, sides.survey_year, sides.side, sides.scored_version,
        sides.compared_version, answers_scored.respondent_id, item_links.dimension_code,
        item_links.category_code
),

respondent_category_scores as (
    select
        respondent_category_answers.*,
        case
            when
                respondent_category_answers.answered_items
                >= {{ var('min_category_answered_share') }}
                * linked_items_per_category.linked_items_in_category
                then respondent_category_answers.mean_item_score
        end as category_score
    from respondent_category_answers
    inner join linked_items_per_category
        on
            respondent_category_answers.scored_version = linked_items_per_category.instrument_version
            and respondent_category_answers.compared_version
            = linked_items_per_category.linked_instrument_version
            and respondent_category_answers.category_code = linked_items_per_category.category_code
),

category_indices as (
    select
        organisation_code,
        survey_year,
        side,
        scored_version,
        compared_version,
        dimension_code,
        category_code,
        avg(category_score) as category_index,
        count(category_score) as respondents
    from respondent_category_scores
    group by all
),

dimension_indices as (
    select
        category_indices.organisation_code,
        category_indices.survey_year,
        category_indices.side,
        category_indices.dimension_code,
        case
            when
                count(category_indices.category_index)
                = any_value(linked_categories_per_dimension.linked_categories)
                then avg(category_indices.category_index)
        end as dimension_index,
        min(category_indices.respondents) as min_category_respondents
    from category_indices
    inner join linked_categories_per_dimension
        on
            category_indices.scored_version = linked_categories_per_dimension.instrument_version
            and category_indices.compared_version
            = linked_categories_per_dimension.linked_instrument_version
            and category_indices.dimension_code = linked_categories_per_dimension.dimension_code
    group by all
),

maturity_indices as (
    select
        organisation_code,
        survey_year,
        side,
        (
            max(dimension_index) filter (where dimension_code = 'capability')
            + max(dimension_index) filter (where dimension_code = 'legacy')
        ) / 2 as maturity_index,
        min(min_category_respondents) as min_category_respondents
    from dimension_indices
    group by organisation_code, survey_year, side
),

maturity_spread as (
    {{ linearised_standard_errors(
        'respondent_category_scores', ['organisation_code', 'survey_year', 'side']
    ) }}
),

comparable as (
    select
        version_changes.organisation_code,
        version_changes.survey_year,
        version_changes.previous_survey_year,
        current_side.maturity_index as comparable_maturity_index,
        current_spread.maturity_index_standard_error as comparable_maturity_index_standard_error,
        previous_side.maturity_index as previous_comparable_maturity_index,
        previous_spread.maturity_index_standard_error
            as previous_comparable_maturity_index_standard_error,
        coalesce(linked_item_totals.linked_items, 0) as linked_items,
        coalesce(current_spread.maturity_respondents, 0) as comparable_maturity_respondents,
        coalesce(current_side.min_category_respondents, 0) as comparable_min_category_respondents,
        coalesce(previous_spread.maturity_respondents, 0) as previous_comparable_maturity_respondents,
        coalesce(previous_side.min_category_respondents, 0)
            as previous_comparable_min_category_respondents
    from version_changes
    left join linked_item_totals
        on
            version_changes.instrument_version = linked_item_totals.instrument_version
            and version_changes.previous_instrument_version = linked_item_totals.linked_instrument_version
    left join maturity_indices as current_side
        on
            version_changes.organisation_code = current_side.organisation_code
            and version_changes.survey_year = current_side.survey_year
            and current_side.side = 'current'
    left join maturity_spread as current_spread
        on
            version_changes.organisation_code = current_spread.organisation_code
            and version_changes.survey_year = current_spread.survey_year
            and current_spread.side = 'current'
    left join maturity_indices as previous_side
        on
            version_changes.organisation_code = previous_side.organisation_code
            and version_changes.survey_year = previous_side.survey_year
            and previous_side.side = 'previous'
    left join maturity_spread as previous_spread
        on
            version_changes.organisation_code = previous_spread.organisation_code
            and version_changes.survey_year = previous_spread.survey_year
            and previous_spread.side = 'previous'
)

select * from comparable
