"""Names, checks and parameters of the committed GX suites under ``expectations/gx/``.

The suites themselves are the committed JSON (``expectations/gx/expectations/*.json``, see
``expectations/README.md``): their only declaration. This module declares what the runtime
(:mod:`pipelines.validation.gx_checks`) needs around them: the named checks each expectation belongs to (its ``meta["check"]``), and the suite
parameters (``{"$PARAMETER": name}``) the runtime fills for each year.

Each raw check becomes one blocking Dagster asset check (severity ERROR). A check may group
several expectations; it fails when any of them fails. Values that depend on the year or are
declared elsewhere (the register's organisations, the instrument version's items and scale,
the raw tables' columns from the Arrow schemas) are suite parameters, filled by
:func:`pipelines.validation.gx_checks.suite_parameters`; their names are
:data:`SUITE_PARAMETERS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.ingest.schemas import SCHEMAS as RAW_SCHEMAS

RAW_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(schema.names) for table, schema in RAW_SCHEMAS.items()
}
"""Exact column set of each raw table, in contract order: the names of the Arrow schemas in
:mod:`pipelines.ingest.schemas` (docs/data-contracts.md §3)."""

ANSWER_STATUSES: tuple[str, ...] = ("answered", "dont_know", "blank")
"""``survey_answers.answer_status`` values (docs/data-contracts.md §3)."""

INVITATION_METHODS: tuple[str, ...] = ("email", "link")
"""``invitations.invitation_method`` values (docs/data-contracts.md §2)."""

GX_DIR_NAME = "gx"
"""The GX context folder inside ``expectations/`` (and inside a run's work folder)."""
DATASOURCE_NAME = "raw"
"""The GX pandas data source; one dataframe asset per raw table, named as the table."""
BATCH_DEFINITION_NAME = "whole_table"
"""Whole-dataframe batch definition of every asset."""
RAW_CHECKPOINT_NAME = "raw_tables"
"""The committed checkpoint: one validation definition per raw table."""


@dataclass(frozen=True)
class CheckSpecInfo:
    """A named check as declared to Dagster: ``name`` and one plain English sentence."""

    name: str
    description: str


RAW_CHECKS: list[CheckSpecInfo] = [
    CheckSpecInfo(
        "required_columns",
        "Every raw table has exactly the columns of its data contract (docs/data-contracts.md §3).",
    ),
    CheckSpecInfo(
        "survey_year_matches",
        "Every row of every raw table carries the survey year of the partition being loaded.",
    ),
    CheckSpecInfo(
        "answers_within_scale",
        "Answer values lie within the instrument's scale, answer statuses are answered, "
        "dont_know or blank, and a value is present exactly when the item was answered.",
    ),
    CheckSpecInfo(
        "expected_organisations_present",
        "Respondents come from every organisation in the organisation register.",
    ),
    CheckSpecInfo(
        "organisation_codes_known",
        "Every organisation code in respondents and invitations is in the organisation register.",
    ),
    CheckSpecInfo(
        "instrument_items_present",
        "The answers cover exactly the item codes of the year's instrument version, and every "
        "respondent is recorded with that instrument version.",
    ),
    CheckSpecInfo(
        "respondents_unique",
        "Each respondent appears once, with exactly one answer row per item of the instrument.",
    ),
    CheckSpecInfo(
        "target_groups_known",
        "Every target group in respondents and invitations is a code of the target group list.",
    ),
    CheckSpecInfo(
        "invitations_consistent",
        "Invitations have one row per organisation and target group, a method of email or "
        "link, and an invited count (zero or more) exactly when sent by email.",
    ),
]
"""The blocking checks on the raw tables, in the order they are reported."""

RAW_CHECK_NAMES = frozenset(c.name for c in RAW_CHECKS)

SUITE_PARAMETERS: dict[str, str] = {
    "survey_years": "one-element list: the partition's survey year",
    "scale_min": "lowest scale value of the instrument version's items (codebook scale_min)",
    "scale_max": "highest scale value of the instrument version's items (codebook scale_max)",
    "expected_organisation_codes": "organisation codes every year must contain (the register)",
    "known_organisation_codes": "organisation codes that may appear (the register)",
    "instrument_item_codes": "item codes of the year's instrument version (codebook)",
    "instrument_versions": "one-element list: the year's instrument version",
    "expected_answer_rows": "number of respondents times number of instrument items",
    "known_target_groups": "target group codes (target_groups.csv)",
    "survey_answers_columns": "the columns of survey_answers (pipelines/ingest/schemas.py)",
    "respondents_columns": "the columns of respondents (pipelines/ingest/schemas.py)",
    "invitations_columns": "the columns of invitations (pipelines/ingest/schemas.py)",
    "answer_statuses": "allowed answer_status values (ANSWER_STATUSES)",
    "invitation_methods": "allowed invitation_method values (INVITATION_METHODS)",
}
"""Suite parameters the runtime must fill, with their meaning."""
