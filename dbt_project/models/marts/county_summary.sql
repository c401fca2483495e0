-- One row per survey year: the distribution of the organisations' maturity_index over the
-- county (every organisation with a maturity_index, the region included; each organisation
-- counts once, unweighted by respondents) and the number of organisations per quadrant.
with organisation_indices as (
    select * from {{ ref('maturity_by_organisation') }}
),

summary as (
    select
        survey_year,
        cast(count(*) as integer) as organisations,
        cast(count(maturity_index) as integer) as organisations_with_index,
        cast(sum(respondents) as integer) as respondents,
        cast(avg(maturity_index) as double) as maturity_index_mean,
        cast(median(maturity_index) as double) as maturity_index_median,
        cast(stddev_samp(maturity_index) as double) as maturity_index_stddev,
        cast(min(maturity_index) as double) as maturity_index_min,
        cast(max(maturity_index) as double) as maturity_index_max,
        cast(count(*) filter (where quadrant = 'A') as integer) as quadrant_a_organisations,
        cast(count(*) filter (where quadrant = 'B') as integer) as quadrant_b_organisations,
        cast(count(*) filter (where quadrant = 'C') as integer) as quadrant_c_organisations,
        cast(count(*) filter (where quadrant = 'D') as integer) as quadrant_d_organisations
    from organisation_indices
    group by survey_year
)

select * from summary
