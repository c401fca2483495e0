-- One row per organisation with a peer group (the register's optional peer_group, e.g. SKR's
-- municipality group), survey year and index (category code, capability, legacy, maturity):
-- the mean of the other members' published indices that year and how many it covers.
-- Hidden and withheld indices are null in the marts and take no part (a mean over published
-- values only cannot reveal a hidden one); the organisation itself is left out, as in the
-- same-type reference. Empty when no organisation has a peer group (docs/method.md,
-- "Compared with whom").
with organisations as (
    select * from {{ ref('stg_reference__organisations') }}
    where peer_group is not null
),

organisation_indices as (
    select
        organisation_code,
        survey_year,
        'capability' as index_code,
        capability_index as index_value
    from {{ ref('maturity_by_organisation') }}
    union all
    select
        organisation_code,
        survey_year,
        'legacy' as index_code,
        legacy_index as index_value
    from {{ ref('maturity_by_organisation') }}
    union all
    select
        organisation_code,
        survey_year,
        'maturity' as index_code,
        maturity_index as index_value
    from {{ ref('maturity_by_organisation') }}
    union all
    select
        organisation_code,
        survey_year,
        category_code as index_code,
        category_index as index_value
    from {{ ref('maturity_by_category') }}
),

member_indices as (
    select
        organisation_indices.*,
        organisations.peer_group
    from organisation_indices
    inner join organisations
        on organisation_indices.organisation_code = organisations.organisation_code
),

peer_means as (
    select
        own.organisation_code,
        own.survey_year,
        own.index_code,
        own.peer_group,
        avg(other.index_value) as peer_group_mean_index,
        count(other.index_value) as peer_group_organisations,
        count(other.organisation_code) - count(other.index_value)
            as peer_group_organisations_without_index
    from member_indices as own
    left join member_indices as other
        on
            own.peer_group = other.peer_group
            and own.survey_year = other.survey_year
            and own.index_code = other.index_code
            and own.organisation_code <> other.organisation_code
    group by own.organisation_code, own.survey_year, own.index_code, own.peer_group
)

select
    cast(survey_year as integer) as survey_year,
    cast(organisation_code as varchar) as organisation_code,
    cast(index_code as varchar) as index_code,
    cast(peer_group as varchar) as peer_group,
    cast(peer_group_mean_index as double) as peer_group_mean_index,
    cast(peer_group_organisations as integer) as peer_group_organisations,
    cast(peer_group_organisations_without_index as integer) as peer_group_organisations_without_index
from peer_means
