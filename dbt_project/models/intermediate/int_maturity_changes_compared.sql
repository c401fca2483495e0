-- One row per organisation and year: the change of the maturity index from the organisation's
-- previous measurement, with its own interval (domain doc, scoring method step 6: "a change
-- between years is reported with its own interval, so that noise is not read as progress"),
-- computed on what is comparable between the two years' instruments:
--   same instrument version: the two published maturity indices (every item is common);
--   different versions: both years' maturity indices recomputed on the items linked between
--     the versions (int_comparable_maturity_indices); is_instrument_version_changed flags it.
--   maturity_index_change = comparable index - previous comparable index
--   standard error        = sqrt(se^2 + previous se^2)  (independent samples)
--   interval              = change -/+ t(level, df) * standard error, not clipped (-100..100),
--                           df = min(n, previous n) - 1 (conservative Welch-type choice)
--   change_is_significant = the interval excludes 0; null when there is no interval.
-- The previous measurement is the organisation's latest earlier survey year (normally the
-- year before; previous_survey_year says which).
-- Disclosure control (macros/disclosure_control.sql): only disclosed maturity indices take
-- part, so a change from or to a suppressed or withheld year is null; a comparable index is
-- disclosed when each of its category indices and its maturity scores describe enough
-- respondents, as the published index.
with organisation_indices as (
    select * from {{ ref('int_organisation_indices_aggregated') }}
),

comparable_indices as (
    select * from {{ ref('int_comparable_maturity_indices') }}
),

codebook as (
    select * from {{ ref('stg_reference__instrument_items') }}
),

critical_values as (
    {{ t_critical_values_cte() }}
),

items_per_version as (
    select
        instrument_version,
        count(*) as items
    from codebook
    group by instrument_version
),

disclosed_indices as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        maturity_respondents,
        case when is_maturity_disclosed then maturity_index end as maturity_index,
        case when is_maturity_interval_disclosed then maturity_index_standard_error end
            as maturity_index_standard_error
    from organisation_indices
),

with_previous as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        maturity_index,
        maturity_index_standard_error,
        maturity_respondents,
        lag(survey_year) over by_year as previous_survey_year,
        lag(instrument_version) over by_year as previous_instrument_version,
        lag(maturity_index) over by_year as previous_maturity_index,
        lag(maturity_index_standard_error) over by_year as previous_maturity_index_standard_error,
        lag(maturity_respondents) over by_year as previous_maturity_respondents
    from disclosed_indices
    window by_year as (partition by organisation_code order by survey_year)
),

-- The two indices the change compares: the published ones when the version is the same,
-- the ones on linked items when it differs (null when either published index is not
-- disclosed, or the comparable one describes too few respondents).
comparison_basis as (
    select
        with_previous.*,
        with_previous.instrument_version != with_previous.previous_instrument_version
            as is_instrument_version_changed,
        case
            when with_previous.instrument_version = with_previous.previous_instrument_version
                then items_per_version.items
            else comparable_indices.linked_items
        end as change_items_compared,
        comparable_indices.comparable_maturity_respondents,
        comparable_indices.previous_comparable_maturity_respondents,
        with_previous.maturity_index is not null
        and with_previous.previous_maturity_index is not null
        and {{ is_disclosed('comparable_indices.comparable_min_category_respondents') }}
        and {{ is_disclosed('comparable_indices.previous_comparable_min_category_respondents') }}
            as is_comparable_disclosed,
        {{ is_disclosed('comparable_indices.comparable_maturity_respondents') }}
        and {{ is_disclosed('comparable_indices.previous_comparable_maturity_respondents') }}
            as is_comparable_interval_disclosed,
        comparable_indices.comparable_maturity_index,
        comparable_indices.comparable_maturity_index_standard_error,
        comparable_indices.previous_comparable_maturity_index,
        comparable_indices.previous_comparable_maturity_index_standard_error
    from with_previous
    left join items_per_version
        on with_previous.instrument_version = items_per_version.instrument_version
    left join comparable_indices
        on
            with_previous.organisation_code = comparable_indices.organisation_code
            and with_previous.survey_year = comparable_indices.survey_year
),

compared as (
    select
        organisation_code,
        survey_year,
        instrument_version,
        previous_survey_year,
        previous_instrument_version,
        previous_maturity_index,
        is_instrument_version_changed,
        change_items_compared,
        case
            when not is_instrument_version_changed then maturity_index
            when is_comparable_disclosed then comparable_maturity_index
        end as compared_maturity_index,
        case
            when not is_instrument_version_changed then previous_maturity_index
            when is_comparable_disclosed then previous_comparable_maturity_index
        end as compared_previous_maturity_index,
        case
            when not is_instrument_version_changed then maturity_index_standard_error
            when is_comparable_disclosed and is_comparable_interval_disclosed
                then comparable_maturity_index_standard_error
        end as compared_standard_error,
        case
            when not is_instrument_version_changed then previous_maturity_index_standard_error
            when is_comparable_disclosed and is_comparable_interval_disclosed
                then previous_comparable_maturity_index_standard_error
        end as compared_previous_standard_error,
        case
            when not is_instrument_version_changed then maturity_respondents
            else comparable_maturity_respondents
        end as compared_respondents,
        case
            when not is_instrument_version_changed then previous_maturity_respondents
            else previous_comparable_maturity_respondents
        end as compared_previous_respondents
    from comparison_basis
),

-- Both indices of the comparison, or neither: a comparable index is only shown beside the
-- change it is part of (no change, e.g. from or to a withheld year: both null).
compared_pairs as (
    select
        * replace (
            case
                when compared_previous_maturity_index is not null then compared_maturity_index
            end as compared_maturity_index,
            case
                when compared_maturity_index is not null then compared_previous_maturity_index
            end as compared_previous_maturity_index
        )
    from compared
),

-- The change and its interval: macros/index_change.sql, the one formula of every change.
changes as (
    select
        *,
        {{ change_columns(
            'compared_maturity_index', 'compared_previous_maturity_index',
            'compared_standard_error', 'compared_previous_standard_error',
            'compared_respondents', 'compared_previous_respondents',
            'maturity_index_change'
        ) }}
    from compared_pairs
),

change_intervals as (
    select
        * exclude (maturity_index_change_t_critical),
        {{ change_interval_columns('maturity_index_change', 'is_change_significant') }}
    from changes
)

select * from change_intervals
