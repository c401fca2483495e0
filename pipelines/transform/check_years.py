"""The survey year of each finding of the council's quality checks, on the check's result.

The council's checks (``response_rate``, ``min_respondents``, ...) are dbt data tests on
``int_quality_checks_evaluated``, so Dagster asset checks of that model. The model holds
every accepted year and is not partitioned (its rows are rebuilt over all years), and a
Dagster asset check result takes its partition from its asset: one result judges all years
and the UI shows its partition as "—". Which years a warning or failure belongs to is
therefore recorded on the result itself, as metadata read from the checked model once dbt
has finished the build and released the warehouse (DuckDB admits no reader beside its
writer):

- ``results_by_year``: per survey year, how many rows of the check have each status
  (``{"2019": {"godkänd": 12, "varning": 1, "fel": 1}, ...}``; statuses in the council
  report's order, :data:`pipelines.reports.council.STATUSES`);
- ``years``: the same as one line the UI shows in the check's row, e.g.
  ``2018: 14 godkänd · 2019: 12 godkänd, 1 varning, 1 fel``.

Whether a status fails the check stays the dbt test's rule (``quality_check_passes``): its
rows are those with status ``varning`` or ``fel``, and the test is declared with severity
``warn`` so that a build does not stop. The status an engineer reads is the council's, so a
result carries it and names dbt's own apart, never one bare ``status`` (dagster-dbt's key,
which beside the severity read as a contradiction: ``warn`` on a result shown as an error):

- ``council_status``: the worst council status of the check's rows over all years
  (``fel`` > ``varning`` > ``okänd`` > ``godkänd``, :data:`pipelines.reports.council.
  STATUS_SEVERITY`); a ``fel`` is the council's "not met" (for a check per organisation
  it withholds that organisation), so such a result has severity ``ERROR`` in Dagster, one
  with only ``varning`` rows the ``WARN`` dbt reported;
- ``dbt_test_status``: dbt's status of the test (``pass``, or ``warn`` when rows failed,
  by the test's declared severity ``warn``), which dagster-dbt puts under ``status``.

The severity only changes how the UI shows the result: none of these checks is blocking.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dagster as dg

FAILED_STATUS = "fel"
"""The council's status of a row whose check is not met (one of
:data:`pipelines.reports.council.STATUSES`): a check result with such a row has severity
``ERROR`` in Dagster."""

DBT_STATUS_KEY = "status"
"""The metadata key under which dagster-dbt records dbt's status of a test."""


def results_by_year(db: Path, relation: str) -> dict[str, dict[str, dict[str, int]]]:
    """``{check name: {survey year: {status: rows}}}`` of the checked model ``relation`` (its
    quoted name, e.g. ``"mognad"."intermediate"."int_quality_checks_evaluated"``) in the
    warehouse ``db``, read-only; years ascending, statuses in the council report's order.
    Raises ``duckdb.Error`` when the warehouse or the relation cannot be read."""
    import duckdb

    from pipelines.reports.council import STATUSES

    rank = {status: i for i, status in enumerate(STATUSES)}
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"select check_name, survey_year, status, count(*) from {relation} "
            "group by all order by 1, 2"
        ).fetchall()
    out: dict[str, dict[str, dict[str, int]]] = {}
    for check, year, status, count in sorted(
            rows, key=lambda r: (r[0], r[1], rank.get(r[2], len(rank)), r[2])):
        out.setdefault(check, {}).setdefault(str(year), {})[status] = count
    return out


def years_line(by_year: Mapping[str, Mapping[str, int]]) -> str:
    """One line: each year with its rows per status, e.g.
    ``2018: 14 godkänd · 2019: 12 godkänd, 1 varning, 1 fel``."""
    return " · ".join(
        f"{year}: " + ", ".join(f"{n} {status}" for status, n in counts.items())
        for year, counts in by_year.items()
    )


def with_years(result: dg.AssetCheckResult,
               by_check: Mapping[str, Mapping[str, Mapping[str, int]]]) -> dg.AssetCheckResult:
    """``result`` (a council check's result as dagster-dbt made it) with dbt's status under
    ``dbt_test_status`` instead of ``status`` and, when the checked model has rows of its
    check (:func:`results_by_year`), their counts (``results_by_year`` and ``years``), the
    worst status as ``council_status`` and severity ``ERROR`` when a row of any year has
    status :data:`FAILED_STATUS`. Without rows of its check (e.g. the model could not be
    read: ``by_check`` empty) only the status is renamed, so that no council check shows a
    bare ``status``."""
    from pipelines.reports.council import STATUS_SEVERITY

    by_year = by_check.get(result.check_name or "")
    metadata = {k: v for k, v in result.metadata.items() if k != DBT_STATUS_KEY}
    if DBT_STATUS_KEY in result.metadata:
        metadata["dbt_test_status"] = result.metadata[DBT_STATUS_KEY]
    severity = result.severity
    if by_year:
        statuses = {status for counts in by_year.values() for status, n in counts.items() if n}
        worst = max(statuses, key=lambda status: STATUS_SEVERITY.get(status, -1))
        metadata |= {
            "council_status": dg.MetadataValue.text(worst),
            "results_by_year": dg.MetadataValue.json({y: dict(c) for y, c in by_year.items()}),
            "years": dg.MetadataValue.text(years_line(by_year)),
        }
        if worst == FAILED_STATUS:
            severity = dg.AssetCheckSeverity.ERROR
    return dg.AssetCheckResult(
        passed=result.passed,
        asset_key=result.asset_key,
        check_name=result.check_name,
        metadata=metadata,
        severity=severity,
        description=result.description,
    )
