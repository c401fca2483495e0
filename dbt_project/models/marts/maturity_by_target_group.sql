-- One row per organisation, survey year and target group: the group's capability, legacy
-- and maturity indices with intervals, computed as the organisation's from the group's
-- respondents (int_group_indices_aggregated, breakdown 'target_group'), with the Swedish
-- name of the group. Disclosure control, with complementary suppression of the smallest
-- published group: macros/group_breakdown.sql. Columns: _marts.yml.
{{ group_breakdown_rows(
    'target_group',
    names_model='stg_reference__target_groups',
    name_column='target_group_name_sv',
) }}
