-- One row per organisation, survey year and category: category index with interval,
-- respondents, "vet ej" share, the county mean and the relative strength/weakness flags
-- (int_category_indices_aggregated; rules in macros/index_breakdown.sql). Columns: _marts.yml.
{{ index_breakdown_rows('category') }}
