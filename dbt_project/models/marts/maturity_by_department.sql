-- One row per organisation, survey year and department (förvaltning): the department's
-- capability, legacy and maturity indices with intervals, computed as the organisation's from
-- the department's respondents (int_group_indices_aggregated, breakdown 'department').
-- Respondents with a null or empty department form the group 'okänd förvaltning': they are
-- kept (not excluded) so that the departments add up to the organisation and a small
-- unknown group cannot be recovered by subtraction. Disclosure control, with complementary
-- suppression of the smallest published department: macros/group_breakdown.sql.
-- Columns: _marts.yml.
{{ group_breakdown_rows('department') }}
