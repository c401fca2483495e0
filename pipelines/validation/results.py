"""The year's file-check results: one Parquet table per year (dbt source
``raw.quality_check_results``), the structural rows of the curated table
``quality_check_results``; dbt adds the council's quality checks it computes
(``int_quality_checks_evaluated``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.validation.gx_checks import CheckOutcome

CHECK_RESULTS_SCHEMA = pa.schema(
    [
        pa.field("survey_year", pa.int32(), nullable=False),
        pa.field("check_name", pa.string(), nullable=False),
        pa.field("check_kind", pa.string(), nullable=False),  # structural | quality
        pa.field("organisation_code", pa.string()),
        pa.field("target_group", pa.string()),
        pa.field("item_code", pa.string()),
        pa.field("status", pa.string(), nullable=False),  # godkänd | varning | fel | okänd
        pa.field("observed", pa.float64()),
        pa.field("numerator", pa.int64()),
        pa.field("denominator", pa.int64()),
        pa.field("warn_threshold", pa.float64()),
        pa.field("fail_threshold", pa.float64()),
        pa.field("threshold", pa.string()),
        pa.field("checked_at", pa.timestamp("s"), nullable=False),
    ]
)
"""Schema of ``quality_check_results.parquet``: one row per structural check of the year, in
the columns of the published ``quality_check_results`` (whose quality rows, per
organisation / organisation × target group / item, dbt computes)."""


INGEST_FINDINGS: dict[str, str] = {
    "duplicates_removed": "respondents_unique",
    "rows_outside_year": "survey_year_matches",
}
"""Ingest counts (``IngestResult.stats``) -> the structural check they concern. The check
runs on the ingested tables, after the ingest rule (duplicate rule, ``year_rule: warn``)
has acted, so it passes; a count above 0 turns its ``godkänd`` into ``varning`` with the
count as ``observed``, so the council sees that the rule fired."""


def findings_from_stats(stats: Mapping[str, Any]) -> dict[str, int]:
    """The structural checks an ingest rule fired for: check name -> count (only counts
    above 0), from ``IngestResult.stats`` through :data:`INGEST_FINDINGS`."""
    return {check: int(stats[key]) for key, check in INGEST_FINDINGS.items()
            if int(stats.get(key) or 0) > 0}


def _unexpected_rows(outcome: CheckOutcome) -> float | None:
    counts = [v for k, v in outcome.metadata.items() if k.endswith("_rows") and isinstance(v, int)]
    return float(sum(counts)) if counts else None


def check_result_rows(
    *,
    year: int,
    structural: Iterable[CheckOutcome],
    checked_at: dt.datetime,
    ingest_findings: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Rows of ``CHECK_RESULTS_SCHEMA``: one per structural (blocking) check with status
    ``godkänd``/``fel`` and ``observed`` = the number of offending rows where the check counts
    them.

    ``ingest_findings`` (:func:`findings_from_stats`): a passed structural check whose
    ingest rule fired is ``varning``, ``observed`` = the rule's count (e.g. submissions
    dropped by the duplicate rule) and ``threshold`` says which rule."""
    findings = dict(ingest_findings or {})
    rows = []
    for outcome in structural:
        row = dict.fromkeys(CHECK_RESULTS_SCHEMA.names)
        row.update(survey_year=year, check_name=outcome.name, check_kind="structural",
                   checked_at=checked_at)  # fmt: skip
        found = findings.get(outcome.name, 0) if outcome.passed else 0
        if found:
            rule = next(k for k, v in INGEST_FINDINGS.items() if v == outcome.name)
            row.update(status="varning", observed=float(found), numerator=found,
                       threshold=f"varning > 0 {rule} at ingest")  # fmt: skip
        else:
            offending = _unexpected_rows(outcome)
            row.update(status="godkänd" if outcome.passed else "fel", observed=offending,
                       threshold="0 offending rows" if offending is not None else None)  # fmt: skip
        rows.append(row)
    return rows


def write_check_results(path: Path, **kwargs: Any) -> int:
    """Write ``check_result_rows(**kwargs)`` to ``path`` as Parquet; returns the row count."""
    rows = check_result_rows(**kwargs)
    table = pa.Table.from_pylist(rows, schema=CHECK_RESULTS_SCHEMA)
    pq.write_table(table, path)
    return table.num_rows
