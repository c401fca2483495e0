-- One row per organisation, survey year and factor: factor index with interval,
-- respondents, "vet ej" share, the county mean and the relative strength/weakness flags.
-- factor_index = mean of the respondents' kept factor scores (int_factor_indices_aggregated;
-- a factor score is kept by the same rule as a category score, domain doc scoring step 4).
-- Rules in macros/index_breakdown.sql. Columns: _marts.yml.
{{ index_breakdown_rows('factor') }}
