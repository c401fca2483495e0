"""The council's data-quality checks: response rates, respondent counts, "vet ej" and blanks.

Runs the committed GX checkpoint ``quality`` (suites ``expectations/gx/expectations/quality_*.json``,
rules in ``expectations/README.md``) on three small tables derived
from a year's raw tables by :func:`quality_tables`:

- ``quality_organisations``: one row per organisation (the register's and any other code in
  the data): respondents, invited, response rate;
- ``quality_target_groups``: one row per invitation row (organisation × target group):
  respondents and invited;
- ``quality_items``: one row per item code: answered, dont_know and blank counts and shares.

GX judges every row against the thresholds of ``thresholds.yaml`` (suite parameters); the
rows GX reports as unexpected get the expectation's level (``varning`` or ``fel``), rows with
nothing to judge (an unknown response rate) get ``okänd``, the rest ``godkänd``. Each check
becomes one :class:`~pipelines.validation.gx_checks.CheckOutcome` with severity ``WARN``: an
organisation that fails is withheld later, the year is not blocked. The per-row results, the
future curated table ``quality_check_results``, are in ``outcome.metadata["rows"]`` and
flattened by :func:`quality_check_rows` (columns :data:`QUALITY_ROW_COLUMNS`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.settings import EXPECTATIONS_DIR, SEEDS_DIR, THRESHOLDS_FILE, dbt_project_vars
from pipelines.validation.gx_checks import (
    CheckOutcome,
    _to_pandas,
    fresh_context,
    read_seed,
    run_checkpoint,
)
from pipelines.validation.suites import (
    QUALITY_CHECKPOINT_NAME,
    QUALITY_CHECKS,
    QUALITY_COLUMNS,
    QUALITY_LEVELS,
)

STATUSES = ("godkänd", "varning", "fel", "okänd")
"""Row statuses, in Swedish as the council reads them; ``okänd`` = cannot be judged."""

QUALITY_ROW_COLUMNS = (
    "survey_year",
    "check_name",
    "organisation_code",
    "target_group",
    "item_code",
    "status",
    "observed",
    "numerator",
    "denominator",
    "warn_threshold",
    "fail_threshold",
    "threshold",
)
"""Columns of a per-row result (one row per check and organisation / target group / item).

``observed`` is a rate or share (0–1) or a count; ``numerator``/``denominator`` the counts
behind a rate (null for counts); ``warn_threshold``/``fail_threshold`` the numbers used
(null where the check has no such level); ``threshold`` the rule in words, e.g.
``varning < 0.5; fel < 0.3``. Keys that do not apply to a check are null.
"""


def _min_cell_respondents() -> int:
    return dbt_project_vars()["min_cell_respondents"]


@dataclass(frozen=True)
class Thresholds:
    """Thresholds of the quality checks (fractions 0–1, ``min_respondents`` a count).

    The values are declared in ``thresholds.yaml`` (:func:`load_thresholds`), except
    ``min_respondents``: an organisation with fewer respondents could publish no figure, so
    its failing level is the disclosure minimum, dbt's var ``min_cell_respondents``
    (``dbt_project/dbt_project.yml``), read when not given.
    """

    response_rate_warn_below: float
    response_rate_fail_below: float
    dont_know_warn_above: float
    blank_warn_above: float
    min_respondents: int = field(default_factory=_min_cell_respondents)

    def __post_init__(self) -> None:
        for name in (
            "response_rate_warn_below",
            "response_rate_fail_below",
            "dont_know_warn_above",
            "blank_warn_above",
        ):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value <= 1
            ):
                raise ValueError(
                    f"Threshold {name} must be a fraction between 0 and 1, got {value!r}."
                )
        if self.response_rate_fail_below > self.response_rate_warn_below:
            raise ValueError(
                "response_rate.fail_below must not exceed response_rate.warn_below "
                f"({self.response_rate_fail_below} > {self.response_rate_warn_below})."
            )
        if isinstance(self.min_respondents, bool) or not isinstance(self.min_respondents, int):
            raise ValueError(f"min_respondents must be an integer, got {self.min_respondents!r}.")
        if self.min_respondents < 1:
            raise ValueError(f"min_respondents must be at least 1, got {self.min_respondents}.")

    def suite_parameters(self) -> dict[str, Any]:
        """Values of the quality suites' ``$PARAMETER`` placeholders."""
        return {
            "response_rate_warn_below": self.response_rate_warn_below,
            "response_rate_fail_below": self.response_rate_fail_below,
            "min_respondents": self.min_respondents,
            "dont_know_warn_above": self.dont_know_warn_above,
            "blank_warn_above": self.blank_warn_above,
        }


_THRESHOLD_KEYS = {
    ("response_rate", "warn_below"): "response_rate_warn_below",
    ("response_rate", "fail_below"): "response_rate_fail_below",
    ("dont_know_share", "warn_above"): "dont_know_warn_above",
    ("blank_share", "warn_above"): "blank_warn_above",
}


def load_thresholds(path: Path = THRESHOLDS_FILE) -> Thresholds:
    """Read ``thresholds.yaml`` (every threshold is required; the file is their only
    declaration) and the failing level of ``min_respondents`` from dbt's vars.

    Raises ``ValueError`` on an unknown or missing key or a value out of range.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if "min_respondents" in data:
        raise ValueError(
            f"{path}: min_respondents is not set here: it is the disclosure minimum, the var "
            "min_cell_respondents in dbt_project/dbt_project.yml."
        )
    known = {section for section, _ in _THRESHOLD_KEYS}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"Unknown keys in {path}: {sorted(unknown)} (known: {sorted(known)}).")
    kwargs: dict[str, Any] = {}
    missing = []
    for (section, key), name in _THRESHOLD_KEYS.items():
        values = data.get(section) or {}
        if not isinstance(values, dict) or key not in values:
            missing.append(f"{section}.{key}")
        else:
            kwargs[name] = values[key]
    if missing:
        raise ValueError(f"Missing thresholds in {path}: {', '.join(missing)}.")
    return Thresholds(**kwargs)


# --------------------------------------------------------------------------------------
# Derived tables


def _count(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _share(numerator: int, denominator: int | None) -> float | None:
    return numerator / denominator if denominator else None


def quality_tables(tables: Mapping[str, Any], *, seeds_dir: Path = SEEDS_DIR) -> dict:
    """The three derived tables the ``quality`` suites validate (pandas DataFrames).

    ``tables`` holds the raw tables (pyarrow or pandas, docs/data-contracts.md §3). Rules:

    - organisations: every code of the register (``organisations.csv``) plus any other code
      in respondents or invitations; ``respondents`` = respondent rows of the organisation;
      ``invited`` = sum of its invitation rows when it has at least one and *all* went out by
      e-mail with a count, else null; ``response_rate`` = respondents / invited when invited
      is known and positive, else null ("unknown", never 0 or 100 %: domain doc, "Respondents
      and response rates"). An organisation with some target groups invited by link has an
      unknown rate: its link respondents cannot be told apart from the invited ones.
    - target groups: one row per invitation row; ``respondents`` = respondents of that
      organisation and target group; ``invited`` null when invited by link.
    - items: per item code, counts of ``answered``, ``dont_know``, ``blank`` rows;
      ``dont_know_share`` = dont_know / (answered + dont_know) (blank rows are not responses,
      domain doc scoring §3), ``blank_share`` = blank / all rows of the item; null when the
      denominator is 0.

    Nullable numbers are float columns with NaN (GX skips nulls).
    """
    import pandas as pd

    respondents = _to_pandas(tables["respondents"])
    invitations = _to_pandas(tables["invitations"])
    answers = _to_pandas(tables["survey_answers"])

    register = [row["organisation_code"] for row in read_seed(seeds_dir, "organisations.csv")]
    seen = set(respondents["organisation_code"].dropna()) | set(
        invitations["organisation_code"].dropna()
    )
    organisations = register + sorted(seen - set(register))
    per_org = respondents.groupby("organisation_code").size()
    per_group = respondents.groupby(["organisation_code", "target_group"]).size()

    # one pass over the invitations, not one filter per organisation (1,500 at national scale)
    invitations_of = dict(tuple(invitations.groupby("organisation_code", sort=False)))
    no_invitations = invitations.iloc[0:0]
    org_rows = []
    for org in organisations:
        n = int(per_org.get(org, 0))
        inv = invitations_of.get(org, no_invitations)
        known = (
            len(inv) > 0
            and bool((inv["invitation_method"] == "email").all())
            and bool(inv["invited"].notna().all())
        )
        invited = int(inv["invited"].sum()) if known else None
        org_rows.append(
            {
                "row_key": org,
                "organisation_code": org,
                "respondents": n,
                "invited": invited,
                "response_rate": _share(n, invited) if invited is not None else None,
            }
        )

    group_rows = []
    for inv in invitations.to_dict("records"):
        org, group = inv["organisation_code"], inv["target_group"]
        invited = _count(inv["invited"]) if inv["invitation_method"] == "email" else None
        group_rows.append(
            {
                "row_key": f"{org}|{group}",
                "organisation_code": org,
                "target_group": group,
                "respondents": int(per_group.get((org, group), 0)),
                "invited": invited,
                "invitation_method": inv["invitation_method"],
            }
        )

    item_rows = []
    counts = answers.groupby(["item_code", "answer_status"]).size()
    totals = answers.groupby("item_code").size()
    for item in sorted(answers["item_code"].dropna().unique()):
        answered = int(counts.get((item, "answered"), 0))
        dont_know = int(counts.get((item, "dont_know"), 0))
        blank = int(counts.get((item, "blank"), 0))
        total = int(totals.get(item, 0))
        item_rows.append(
            {
                "row_key": item,
                "item_code": item,
                "answer_rows": total,
                "answered": answered,
                "dont_know": dont_know,
                "blank": blank,
                "dont_know_share": _share(dont_know, answered + dont_know),
                "blank_share": _share(blank, total),
            }
        )

    def frame(rows: list[dict], table: str, floats: Iterable[str]):
        df = pd.DataFrame(rows, columns=list(QUALITY_COLUMNS[table]))
        for column in floats:
            df[column] = pd.to_numeric(df[column], errors="raise").astype("float64")
        return df

    return {
        "quality_organisations": frame(
            org_rows, "quality_organisations", ["invited", "response_rate"]
        ),
        "quality_target_groups": frame(group_rows, "quality_target_groups", ["invited"]),
        "quality_items": frame(item_rows, "quality_items", ["dont_know_share", "blank_share"]),
    }


# --------------------------------------------------------------------------------------
# GX results → per-row statuses and outcomes


def _flagged_rows(results: Mapping[str, Any]) -> tuple[dict, dict, list[str]]:
    """``{check: {row_key: worst level}}``, GX expectation lines per check, shape errors."""
    flagged: dict[str, dict[str, str]] = {c.name: {} for c in QUALITY_CHECKS}
    lines: dict[str, list[str]] = {c.name: [] for c in QUALITY_CHECKS}
    shape_errors: list[str] = []
    for table, suite_result in results.items():
        for evr in suite_result.results:
            config = evr.expectation_config
            check = config.meta.get("check")
            if check == "_shape":
                if not evr.success:
                    shape_errors.append(f"{table}: {evr.result}")
                continue
            level = config.meta["level"]
            lines[check].append(
                f"{table}: {config.type} [{level}]" + (" ok" if evr.success else " FAILED")
            )
            if evr.exception_info and any(
                isinstance(v, Mapping) and v.get("raised_exception")
                for v in evr.exception_info.values()
            ):
                shape_errors.append(f"{table}: {config.type} raised {evr.exception_info}")
            for index in (evr.result or {}).get("unexpected_index_list") or []:
                key = index["row_key"] if isinstance(index, Mapping) else str(index)
                current = flagged[check].get(key)
                if current is None or QUALITY_LEVELS.index(level) > QUALITY_LEVELS.index(current):
                    flagged[check][key] = level
    return flagged, lines, shape_errors


def _rows_for_check(check: str, frames: Mapping[str, Any], flagged: dict, t: Thresholds, year: int):
    def status(key: str, observed: Any) -> str:
        if key in flagged:
            return flagged[key]
        return "okänd" if observed is None else "godkänd"

    def base(**values) -> dict:
        row = dict.fromkeys(QUALITY_ROW_COLUMNS)
        row.update(survey_year=int(year), check_name=check, **values)
        return row

    rows = []
    if check in ("response_rate", "min_respondents"):
        for rec in frames["quality_organisations"].to_dict("records"):
            invited = _count(rec["invited"])
            if check == "response_rate":
                rate = rec["response_rate"]
                rate = None if rate is None or math.isnan(rate) else float(rate)
                rows.append(
                    base(
                        organisation_code=rec["organisation_code"],
                        status=status(rec["row_key"], rate),
                        observed=rate,
                        numerator=int(rec["respondents"]),
                        denominator=invited,
                        warn_threshold=t.response_rate_warn_below,
                        fail_threshold=t.response_rate_fail_below,
                        threshold=f"varning < {t.response_rate_warn_below}; "
                        f"fel < {t.response_rate_fail_below}",
                    )
                )
            else:
                rows.append(
                    base(
                        organisation_code=rec["organisation_code"],
                        status=status(rec["row_key"], rec["respondents"]),
                        observed=int(rec["respondents"]),
                        fail_threshold=t.min_respondents,
                        threshold=f"fel < {t.min_respondents}",
                    )
                )
    elif check == "respondents_within_invited":
        for rec in frames["quality_target_groups"].to_dict("records"):
            invited = _count(rec["invited"])
            rows.append(
                base(
                    organisation_code=rec["organisation_code"],
                    target_group=rec["target_group"],
                    status=status(rec["row_key"], invited),
                    observed=int(rec["respondents"]),
                    numerator=int(rec["respondents"]),
                    denominator=invited,
                    threshold="fel > invited",
                )
            )
    else:
        share_column, numerator, denominator, limit = {
            "dont_know_share": ("dont_know_share", "dont_know", None, t.dont_know_warn_above),
            "item_nonresponse": ("blank_share", "blank", "answer_rows", t.blank_warn_above),
        }[check]
        for rec in frames["quality_items"].to_dict("records"):
            share = rec[share_column]
            share = None if share is None or math.isnan(share) else float(share)
            denom = (
                int(rec["answered"] + rec["dont_know"])
                if denominator is None
                else int(rec[denominator])
            )
            rows.append(
                base(
                    item_code=rec["item_code"],
                    status=status(rec["row_key"], share),
                    observed=share,
                    numerator=int(rec[numerator]),
                    denominator=denom,
                    warn_threshold=limit,
                    threshold=f"varning > {limit}",
                )
            )
    return rows


def run_quality_checks(
    tables: Mapping[str, Any],
    *,
    year: int,
    work_dir: Path,
    thresholds: Thresholds | None = None,
    seeds_dir: Path = SEEDS_DIR,
    expectations_dir: Path = EXPECTATIONS_DIR,
) -> list[CheckOutcome]:
    """Run the committed ``quality`` checkpoint on a year's raw tables.

    ``tables`` as for :func:`~pipelines.validation.gx_checks.run_raw_checks` (the raw tables
    should have passed the raw checks). ``thresholds`` default to ``thresholds.yaml``. The
    GX context in ``work_dir/gx`` is refreshed from ``expectations_dir`` but earlier
    validation results there (e.g. of ``run_raw_checks`` in the same work folder) are kept,
    so the Data Docs at :func:`~pipelines.validation.gx_checks.data_docs_dir` show both.

    Returns one outcome per :data:`QUALITY_CHECKS` entry, severity ``"WARN"``; ``passed`` is
    false when any row is ``varning`` or ``fel``. ``metadata`` holds the counts per status,
    the keys (organisation codes, ``org|target_group`` or item codes) per non-passing
    status, the GX expectations and ``rows`` (dicts with :data:`QUALITY_ROW_COLUMNS`).
    If a derived table does not have its expected shape (a defect, not a data problem),
    every outcome fails with ``metadata["error"]``.
    """
    thresholds = thresholds or load_thresholds()
    frames = quality_tables(tables, seeds_dir=seeds_dir)
    context = fresh_context(work_dir, expectations_dir, keep_results=True)
    parameters = {
        **thresholds.suite_parameters(),
        **{f"{table}_columns": list(columns) for table, columns in QUALITY_COLUMNS.items()},
    }
    results = run_checkpoint(context, QUALITY_CHECKPOINT_NAME, frames, parameters)
    flagged, lines, shape_errors = _flagged_rows(results)
    outcomes = []
    for spec in QUALITY_CHECKS:
        rows = _rows_for_check(spec.name, frames, flagged[spec.name], thresholds, year)
        by_status = {s: [_row_label(r) for r in rows if r["status"] == s] for s in STATUSES}
        metadata: dict[str, Any] = {f"n_{_ascii(s)}": len(by_status[s]) for s in STATUSES}
        for s in ("fel", "varning", "okänd"):
            if by_status[s]:
                metadata[_ascii(s)] = by_status[s]
        metadata["threshold"] = rows[0]["threshold"] if rows else None
        metadata["gx_expectations"] = lines[spec.name]
        metadata["rows"] = rows
        if shape_errors:
            metadata["error"] = "; ".join(shape_errors)[:1000]
        outcomes.append(
            CheckOutcome(
                name=spec.name,
                passed=not shape_errors and not (by_status["fel"] or by_status["varning"]),
                severity="WARN",
                description=spec.description,
                metadata=metadata,
            )
        )
    return outcomes


def _ascii(status: str) -> str:
    return {"godkänd": "godkand", "okänd": "okand"}.get(status, status)


def _row_label(row: Mapping[str, Any]) -> str:
    if row["item_code"] is not None:
        return row["item_code"]
    if row["target_group"] is not None:
        return f"{row['organisation_code']}|{row['target_group']}"
    return row["organisation_code"]


def quality_check_rows(outcomes: Iterable[CheckOutcome]) -> list[dict]:
    """All per-row results of quality outcomes, in check order: dicts of
    :data:`QUALITY_ROW_COLUMNS` (the shape of the curated table ``quality_check_results``)."""
    return [dict(row) for outcome in outcomes for row in outcome.metadata.get("rows", [])]


ORGANISATION_SCOPED_CHECKS: tuple[str, ...] = tuple(dbt_project_vars()["withholding_checks"])
"""Quality checks whose ``fel`` rows withhold an organisation's results (not the year's):
dbt's var ``withholding_checks`` (``dbt_project/dbt_project.yml``), which
``int_organisations_withheld`` applies to the published tables."""


def failing_organisations(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Organisations with a ``fel`` row in an organisation-scoped check, with those checks.

    ``rows`` as from :func:`quality_check_rows`. Returns ``{organisation_code: [check_name,
    ...]}`` (sorted), e.g. for withholding an organisation's published figures; ``varning``
    and ``okänd`` rows withhold nothing.
    """
    found: dict[str, set[str]] = {}
    for row in rows:
        if row["check_name"] in ORGANISATION_SCOPED_CHECKS and row["status"] == "fel":
            found.setdefault(row["organisation_code"], set()).add(row["check_name"])
    return {org: sorted(checks) for org, checks in sorted(found.items())}
