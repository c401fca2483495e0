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
``warn`` so that a build does not stop. A ``fel`` is the council's "not met" (for a check per
organisation it withholds that organisation), so a result with a ``fel`` row is shown as an
error (:data:`FAILED_STATUS`), a result with only ``varning`` rows as the warning dbt
reported. Its metadata ``status`` then says the same: ``fail`` (dbt's word for a failing
test of severity error) instead of dbt's ``warn``, which is kept as ``dbt_status``. The
severity only changes how the UI shows the result: none of these checks is blocking.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dagster as dg

FAILED_STATUS = "fel"
"""The council's status of a row whose check is not met (one of
:data:`pipelines.reports.council.STATUSES`): a check result with such a row has severity
``ERROR`` in Dagster."""

ERROR_RESULT_STATUS = "fail"
"""The metadata ``status`` of a check result shown as an error (dbt's status of a failing
test of severity ``error``), so that the status and the severity the UI shows agree."""


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
    """``result`` with :func:`results_by_year`'s counts of its check added to its metadata
    (``results_by_year`` and ``years``), and severity ``ERROR`` when a row of any year has
    status :data:`FAILED_STATUS`, its metadata ``status`` then :data:`ERROR_RESULT_STATUS`
    (dbt's own status kept as ``dbt_status``); unchanged when the model has no row of its
    check."""
    by_year = by_check.get(result.check_name or "")
    if not by_year:
        return result
    failed = any(counts.get(FAILED_STATUS) for counts in by_year.values())
    status = {}
    if failed and "status" in result.metadata:
        status = {"status": dg.MetadataValue.text(ERROR_RESULT_STATUS),
                  "dbt_status": result.metadata["status"]}
    return dg.AssetCheckResult(
        passed=result.passed,
        asset_key=result.asset_key,
        check_name=result.check_name,
        metadata={
            **result.metadata,
            **status,
            "results_by_year": dg.MetadataValue.json({y: dict(c) for y, c in by_year.items()}),
            "years": dg.MetadataValue.text(years_line(by_year)),
        },
        severity=dg.AssetCheckSeverity.ERROR if failed else result.severity,
        description=result.description,
    )
