"""Names, checks and parameters of the committed GX suites under ``expectations/gx/``.

The suites themselves are the committed JSON (``expectations/gx/expectations/*.json``, see
``expectations/README.md``): their only declaration. This module declares what the runtime
(:mod:`pipelines.validation.gx_checks`, :mod:`pipelines.validation.quality`) needs around
them: the named checks each expectation belongs to (its ``meta["check"]``), and the suite
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


def suite_name(table: str) -> str:
    """Name of a table's GX suite and validation definition.

    ``raw_<table>`` for a raw table; a derived quality table's name (``quality_...``) as is.
    """
    return table if table in QUALITY_COLUMNS else f"raw_{table}"


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

# The council's quality checks: their suites validate small derived tables (one row per
# organisation, per organisation and target group, per item) that
# pipelines.validation.quality computes from the raw tables.

QUALITY_CHECKPOINT_NAME = "quality"
"""The committed checkpoint of the council's data-quality checks."""

QUALITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "quality_organisations": (
        "row_key",
        "organisation_code",
        "respondents",
        "invited",
        "response_rate",
    ),
    "quality_target_groups": (
        "row_key",
        "organisation_code",
        "target_group",
        "respondents",
        "invited",
        "invitation_method",
    ),
    "quality_items": (
        "row_key",
        "item_code",
        "answer_rows",
        "answered",
        "dont_know",
        "blank",
        "dont_know_share",
        "blank_share",
    ),
}
"""Derived tables the quality suites validate; ``row_key`` names the row in GX results."""

QUALITY_CHECKS: list[CheckSpecInfo] = [
    CheckSpecInfo(
        "response_rate",
        "Each organisation's response rate (respondents / invited) is at least the warning "
        "threshold; it is unknown, not 0 or 100 %, when invitations went out by link.",
    ),
    CheckSpecInfo(
        "min_respondents",
        "Each organisation has at least the minimum number of respondents needed to publish "
        "its figures.",
    ),
    CheckSpecInfo(
        "respondents_within_invited",
        "No organisation and target group has more respondents than it invited by e-mail.",
    ),
    CheckSpecInfo(
        "dont_know_share",
        "No item's share of 'vet ej' among its responses exceeds the warning threshold.",
    ),
    CheckSpecInfo(
        "item_nonresponse",
        "No item's share of blank (not answered) rows exceeds the warning threshold.",
    ),
]
"""The council's data-quality checks (severity WARN at the asset level), in report order."""

QUALITY_CHECK_NAMES = frozenset(c.name for c in QUALITY_CHECKS)

QUALITY_SUITE_PARAMETERS: dict[str, str] = {
    "response_rate_warn_below": "thresholds.yaml response_rate.warn_below",
    "response_rate_fail_below": "thresholds.yaml response_rate.fail_below",
    "min_respondents": "dbt var min_cell_respondents (dbt_project/dbt_project.yml)",
    "dont_know_warn_above": "thresholds.yaml dont_know_share.warn_above",
    "blank_warn_above": "thresholds.yaml blank_share.warn_above",
    **{f"{table}_columns": f"the columns of {table} (QUALITY_COLUMNS)" for table in QUALITY_COLUMNS},
}
"""Suite parameters of the quality suites, filled at run time by
:func:`pipelines.validation.quality.run_quality_checks` (thresholds from
:meth:`~pipelines.validation.quality.Thresholds.suite_parameters`)."""

QUALITY_LEVELS = ("varning", "fel")
"""``meta.level`` of a quality expectation: the status a row gets when it is unexpected."""
