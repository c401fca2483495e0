"""The raw tables' GX expectations, declared once, grouped into named checks.

This module is the reviewed source of the committed GX suites under ``expectations/gx/``:
``python -m pipelines.validation.build_suites`` turns :func:`raw_suite_expectations` into
suite JSON, and the runtime (:mod:`pipelines.validation.gx_checks`) maps each GX result back
to its named check through the expectation's ``meta["check"]``.

Each named check becomes one blocking Dagster asset check (severity ERROR). A check may group
several expectations; it fails when any of them fails.

Values that depend on the year (the register's organisations, the instrument version's
items, the scale) are GX suite parameters (``{"$PARAMETER": name}``), filled at run time by
:func:`pipelines.validation.gx_checks.suite_parameters`. The parameter names are listed in
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
}
"""Suite parameters the runtime must fill, with their meaning."""


def _param(name: str) -> dict:
    assert name in SUITE_PARAMETERS, name
    return {"$PARAMETER": name}


def raw_suite_expectations() -> dict[str, list]:
    """The expectations of each raw table's suite, keyed by table name.

    Returns ``{table: [gx Expectation, ...]}``; every expectation carries
    ``meta={"check": <named check>}`` (one of :data:`RAW_CHECKS`). Rules and sources:

    - ``required_columns``: exact column set per table (data-contracts §3).
    - ``survey_year_matches``: ``survey_year`` equals the partition year (architecture:
      one partition per calendar year; input-faults §10).
    - ``answers_within_scale``: ``answer_value`` within [scale_min, scale_max] when not null
      (codebook ``scale_min``/``scale_max``, domain doc scoring §1); ``answer_status`` not
      null and in {answered, dont_know, blank}; ``answer_value`` not null when answered and
      null otherwise (data-contracts §3; "vet ej" is not a score, domain doc scoring §3).
    - ``expected_organisations_present``: distinct ``respondents.organisation_code`` contains
      the register's codes (data-contracts §1).
    - ``organisation_codes_known``: ``organisation_code`` of respondents and invitations not
      null and in the register (data-contracts §1, matching rule).
    - ``instrument_items_present``: distinct ``survey_answers.item_code`` equals the
      instrument version's item codes; no row has another code; ``respondents``'
      ``instrument_version`` is the year's version (data-contracts §1, §3).
    - ``respondents_unique``: ``respondents.respondent_id`` not null and unique;
      (respondent_id, item_code) unique in survey_answers; row count equals respondents
      times items ("one row per respondent and item", data-contracts §3).
    - ``target_groups_known``: ``target_group`` of respondents and invitations not null and
      in ``target_groups.csv`` (data-contracts §1).
    - ``invitations_consistent``: ``invitation_method`` in {email, link}; ``invited`` not null
      for email and null for link, and ≥ 0; (organisation_code, target_group) unique
      (data-contracts §2: one row per organisation and target group; §3).

    The GX classes are imported here so importing this module stays cheap.
    """
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    def meta(check: str, measure: str) -> dict:
        assert check in RAW_CHECK_NAMES, check
        return {"check": check, "measure": measure}

    def common(table: str) -> list:
        return [
            gxe.ExpectTableColumnsToMatchSet(
                column_set=list(RAW_COLUMNS[table]),
                exact_match=True,
                meta=meta("required_columns", f"{table}_columns"),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="survey_year",
                value_set=_param("survey_years"),
                meta=meta("survey_year_matches", f"{table}_other_year"),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="survey_year", meta=meta("survey_year_matches", f"{table}_null_year")
            ),
        ]

    def unknown_organisations(table: str) -> list:
        return [
            gxe.ExpectColumnValuesToNotBeNull(
                column="organisation_code",
                meta=meta("organisation_codes_known", f"{table}_null_organisation"),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="organisation_code",
                value_set=_param("known_organisation_codes"),
                meta=meta("organisation_codes_known", f"{table}_unknown_organisation"),
            ),
        ]

    def known_target_groups(table: str) -> list:
        return [
            gxe.ExpectColumnValuesToNotBeNull(
                column="target_group",
                meta=meta("target_groups_known", f"{table}_null_target_group"),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="target_group",
                value_set=_param("known_target_groups"),
                meta=meta("target_groups_known", f"{table}_unknown_target_group"),
            ),
        ]

    answered = Column("answer_status") == "answered"
    not_answered = Column("answer_status") != "answered"
    survey_answers = common("survey_answers") + [
        gxe.ExpectColumnValuesToBeBetween(
            column="answer_value",
            min_value=_param("scale_min"),
            max_value=_param("scale_max"),
            meta=meta("answers_within_scale", "off_scale_answer_value"),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="answer_status", meta=meta("answers_within_scale", "null_answer_status")
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="answer_status",
            value_set=list(ANSWER_STATUSES),
            meta=meta("answers_within_scale", "unknown_answer_status"),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="answer_value",
            row_condition=answered,
            meta=meta("answers_within_scale", "answered_without_value"),
        ),
        gxe.ExpectColumnValuesToBeNull(
            column="answer_value",
            row_condition=not_answered,
            meta=meta("answers_within_scale", "value_without_answered_status"),
        ),
        gxe.ExpectColumnDistinctValuesToEqualSet(
            column="item_code",
            value_set=_param("instrument_item_codes"),
            meta=meta("instrument_items_present", "item_codes"),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="item_code",
            value_set=_param("instrument_item_codes"),
            meta=meta("instrument_items_present", "unknown_item_code"),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="item_code", meta=meta("instrument_items_present", "null_item_code")
        ),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["respondent_id", "item_code"],
            meta=meta("respondents_unique", "duplicate_answer"),
        ),
        gxe.ExpectTableRowCountToEqual(
            value=_param("expected_answer_rows"),
            meta=meta("respondents_unique", "answer_rows"),
        ),
    ]
    respondents = (
        common("respondents")
        + [
            gxe.ExpectColumnDistinctValuesToContainSet(
                column="organisation_code",
                value_set=_param("expected_organisation_codes"),
                meta=meta("expected_organisations_present", "organisation_codes"),
            ),
        ]
        + unknown_organisations("respondents")
        + [
            gxe.ExpectColumnValuesToBeInSet(
                column="instrument_version",
                value_set=_param("instrument_versions"),
                meta=meta("instrument_items_present", "other_instrument_version"),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="instrument_version",
                meta=meta("instrument_items_present", "null_instrument_version"),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="respondent_id", meta=meta("respondents_unique", "null_respondent_id")
            ),
            gxe.ExpectColumnValuesToBeUnique(
                column="respondent_id", meta=meta("respondents_unique", "duplicate_respondent_id")
            ),
        ]
        + known_target_groups("respondents")
    )
    by_email = Column("invitation_method") == "email"
    by_link = Column("invitation_method") == "link"
    invitations = (
        common("invitations")
        + unknown_organisations("invitations")
        + known_target_groups("invitations")
        + [
            gxe.ExpectColumnValuesToNotBeNull(
                column="invitation_method",
                meta=meta("invitations_consistent", "null_invitation_method"),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="invitation_method",
                value_set=list(INVITATION_METHODS),
                meta=meta("invitations_consistent", "unknown_invitation_method"),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="invited",
                row_condition=by_email,
                meta=meta("invitations_consistent", "email_without_invited"),
            ),
            gxe.ExpectColumnValuesToBeNull(
                column="invited",
                row_condition=by_link,
                meta=meta("invitations_consistent", "link_with_invited"),
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="invited",
                min_value=0,
                meta=meta("invitations_consistent", "negative_invited"),
            ),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["organisation_code", "target_group"],
                meta=meta("invitations_consistent", "duplicate_invitation"),
            ),
        ]
    )
    return {
        "survey_answers": survey_answers,
        "respondents": respondents,
        "invitations": invitations,
    }


# --------------------------------------------------------------------------------------
# The `quality` checkpoint: WARN-level checks for the council, per organisation and item.
# They validate small derived tables (one row per organisation, per organisation and target
# group, per item) that pipelines.validation.quality computes from the raw tables.

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
    "min_respondents": "thresholds.yaml min_respondents",
    "dont_know_warn_above": "thresholds.yaml dont_know_share.warn_above",
    "blank_warn_above": "thresholds.yaml blank_share.warn_above",
}
"""Suite parameters of the quality suites, filled from ``thresholds.yaml`` at run time."""

QUALITY_LEVELS = ("varning", "fel")
"""``meta.level`` of a quality expectation: the status a row gets when it is unexpected."""


def quality_suite_expectations() -> dict[str, list]:
    """The expectations of each quality table's suite, keyed by table name.

    Every expectation carries ``meta={"check": <QUALITY_CHECKS name>, "level": "varning" |
    "fel"}``: a row GX reports as unexpected gets that status (the worst level wins). Null
    values (an unknown response rate, a share with no denominator) are not judged by GX;
    the runtime reports them as ``okänd``. Rules (thresholds in thresholds.yaml):

    - ``response_rate`` ≥ warn_below, else varning; ≥ fail_below, else fel (brief for the
      council's validation issue; unknown by link: domain doc "Respondents and response
      rates");
    - ``respondents`` ≥ min_respondents, else fel (domain doc "Privacy": no figure on fewer
      than 5 respondents);
    - ``invited`` ≥ ``respondents`` per organisation and target group, else fel; rows invited
      by link (``invited`` null) are skipped;
    - ``dont_know_share`` ≤ warn_above, else varning; ``blank_share`` ≤ warn_above, else
      varning (domain doc scoring §3: "vet ej" is counted separately, blank is not "vet ej").
    """
    import great_expectations.expectations as gxe

    def meta(check: str, level: str) -> dict:
        assert check in QUALITY_CHECK_NAMES and level in QUALITY_LEVELS, (check, level)
        return {"check": check, "level": level}

    def param(name: str) -> dict:
        assert name in QUALITY_SUITE_PARAMETERS, name
        return {"$PARAMETER": name}

    def columns(table: str) -> gxe.Expectation:
        # not a council check: guards the derived table's shape (reported under every check)
        return gxe.ExpectTableColumnsToMatchSet(
            column_set=list(QUALITY_COLUMNS[table]), exact_match=True, meta={"check": "_shape"}
        )

    return {
        "quality_organisations": [
            columns("quality_organisations"),
            gxe.ExpectColumnValuesToBeBetween(
                column="response_rate",
                min_value=param("response_rate_warn_below"),
                meta=meta("response_rate", "varning"),
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="response_rate",
                min_value=param("response_rate_fail_below"),
                meta=meta("response_rate", "fel"),
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="respondents",
                min_value=param("min_respondents"),
                meta=meta("min_respondents", "fel"),
            ),
        ],
        "quality_target_groups": [
            columns("quality_target_groups"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="invited",
                column_B="respondents",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=meta("respondents_within_invited", "fel"),
            ),
        ],
        "quality_items": [
            columns("quality_items"),
            gxe.ExpectColumnValuesToBeBetween(
                column="dont_know_share",
                max_value=param("dont_know_warn_above"),
                meta=meta("dont_know_share", "varning"),
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="blank_share",
                max_value=param("blank_warn_above"),
                meta=meta("item_nonresponse", "varning"),
            ),
        ],
    }
