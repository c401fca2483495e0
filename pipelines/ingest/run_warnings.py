"""The ingest warnings of a Dagster run, read back from the instance.

The ingest (``survey_export``) records its warnings (duplicates dropped, empty trailing
fields dropped, more respondents than invited, ...) as the ``warnings`` metadata of its
materialisation. The Dagster instance is the record of every run however it was started
(``mognad load``, the UI, the sensor, the schedule), so the warnings are read from there.
"""

from __future__ import annotations

import dagster as dg

WARNINGS_SHOWN = 10
"""At most this many warnings of a year are listed in the terminal; the rest are counted
(every warning stays in the run's materialisation metadata: ``mognad ui``)."""


def run_ingest_warnings(instance: dg.DagsterInstance, run_id: str) -> dict[int, list[str]]:
    """Survey year -> the warnings of each ``survey_export`` materialisation of run
    ``run_id`` (English sentences as ingest wrote them); years without a materialisation in
    the run are absent."""
    from pipelines.ingest.assets import SURVEY_EXPORT_KEY

    out: dict[int, list[str]] = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        mat = entry.asset_materialization
        if mat is None or mat.asset_key != SURVEY_EXPORT_KEY or mat.partition is None:
            continue
        value = mat.metadata.get("warnings")
        warnings = value.value if isinstance(value, dg.JsonMetadataValue) else []
        out.setdefault(int(mat.partition), []).extend(str(w) for w in warnings or [])
    return out


def warning_lines(year: int, warnings: list[str], limit: int = WARNINGS_SHOWN) -> list[str]:
    """The short list printed after a year's ingest: a heading line and one ``- `` line per
    warning, at most ``limit`` of them and a line counting the rest; no lines without
    warnings."""
    if not warnings:
        return []
    noun = "warning" if len(warnings) == 1 else "warnings"
    lines = [f"    {year}: {len(warnings)} ingest {noun}:"]
    lines += [f"      - {w}" for w in warnings[:limit]]
    if len(warnings) > limit:
        lines.append(f"      ... and {len(warnings) - limit} more (mognad ui: the run's "
                     "survey_export materialisation, metadata 'warnings')")
    return lines
