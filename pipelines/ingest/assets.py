"""Ingest stage as a Dagster asset: one survey year's export → candidate raw tables.

The asset reads ``landing/<year>/`` through the year's export profile, writes the three raw
tables (docs/data-contracts.md §3) to ``warehouse/incoming/<year>/`` and runs the committed
GX checkpoint on them. The checks are **blocking**: when one fails, the promotion to
``warehouse/raw/<year>/`` (the validate stage), dbt and publication do not run for the year,
and the input is quarantined with the reason. Years already loaded stay untouched.
"""


import datetime as dt
import shutil
import uuid
import warnings
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq

from pipelines.ingest import IngestError, ingest_year, load_secret, quarantine, write_tables
from pipelines.landing import landing_fingerprint, reference_fingerprint
from pipelines.load_guard import refuse_if_another_load
from pipelines.orchestration import INPUT_RECORD, SURVEY_EXPORT_KEY, input_version
from pipelines.partitions import survey_years, year_of
from pipelines.settings import DataPaths, code_version
from pipelines.validation import RAW_CHECKS, run_raw_checks, to_asset_check_results
from pipelines.validation.results import findings_from_stats, write_check_results

BLOCKING_CHECKS_PASSED = "blocking_checks_passed"
"""Metadata key on a ``survey_export`` materialisation: whether the year's blocking checks
passed (the promotion asset reads it from the instance)."""


class ValidationRejected(IngestError):
    """The year's tables were read but a blocking data-quality check failed."""


def _json_safe(value):
    """``value`` with every leaf JSON can hold (dates and paths as text)."""
    import json

    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _rejection_reason(outcomes) -> str:
    failed = [o for o in outcomes if not o.passed and o.severity == "ERROR"]
    lines = [f"{len(failed)} blocking data-quality check(s) failed:"]
    for o in failed:
        lines.append(f"- {o.name}: {o.description} Observed: {o.metadata}")
    return "\n".join(lines)


def _check_specs() -> list[dg.AssetCheckSpec]:
    """The year's checks, each partitioned like the asset so that every result is attributed
    to its survey year (Dagster marks partitioned checks as a preview feature; the warning
    that says so is not shown to users at every import)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return [
            dg.AssetCheckSpec(
                c.name,
                asset=SURVEY_EXPORT_KEY,
                description=c.description,
                blocking=True,
                partitions_def=survey_years,
            )
            for c in RAW_CHECKS
        ]


def fewer_respondents_than_accepted(accepted_year: Path, respondents: int) -> str | None:
    """A warning when a delivery of an already accepted year has fewer respondents than the
    accepted one (``accepted_year``: its raw folder, read from ``respondents.parquet``'s
    footer); None for a first delivery or one with as many or more.

    A file cut off exactly at a line break is a complete, well-formed CSV: only the
    comparison with what was accepted before shows that rows are missing. A corrected export
    may drop respondents on purpose, so this warns (listed by ``mognad load``, kept in the
    materialisation's metadata) rather than rejects."""
    accepted_file = accepted_year / "respondents.parquet"
    if not accepted_file.is_file():
        return None
    accepted = pq.read_metadata(accepted_file).num_rows
    if respondents >= accepted:
        return None
    lost = accepted - respondents
    return (
        f"this delivery has {respondents} respondents, {lost} fewer than the {accepted} "
        f"accepted before ({lost / accepted:.0%} fewer): if the export was cut off or "
        "filtered, deliver the complete file and load the year again; if respondents were "
        "removed on purpose, nothing to do"
    )


@dg.asset(
    key=SURVEY_EXPORT_KEY,
    partitions_def=survey_years,
    group_name="ingest",
    kinds={"python", "parquet"},
    check_specs=_check_specs(),
    description=(
        "One survey year's export read through its export profile: answers in long form, "
        "respondents (pseudonymised) and invitations, as candidate Parquet tables under "
        "`warehouse/incoming/<year>/`. Blocking GX checks (the file contract) gate "
        "everything downstream; the council's quality checks are dbt's "
        "(int_quality_checks_evaluated)."
    ),
)
def survey_export(context: dg.AssetExecutionContext):
    year = year_of(context)
    paths = DataPaths.current()
    refuse_if_another_load(paths)
    landing = paths.landing_year(year)
    if not landing.is_dir():
        raise dg.Failure(
            description=f"No landing folder for {year}: expected the export files in {landing}."
        )
    fingerprint = landing_fingerprint(landing)
    secret, secret_source = load_secret(paths.root, create_if_missing=False)
    context.log.info(f"Pseudonymisation key from {secret_source}")
    try:
        result = ingest_year(landing, year, secret=secret)
    except IngestError as error:
        where = quarantine(landing, year, paths.quarantine, error)
        raise dg.Failure(
            description=f"{year}: the export was rejected and quarantined in {where}.\n{error}",
            metadata={"quarantine": str(where)},
        ) from error

    shrink = fewer_respondents_than_accepted(
        paths.raw_year(year), result.tables["respondents"].num_rows
    )
    if shrink:
        result.warnings.append(shrink)
        context.log.warning(shrink)

    # Write the candidate tables to a fresh folder, then swap it in whole.
    incoming = paths.incoming_year(year)
    staging = incoming.with_name(f".{year}-{uuid.uuid4().hex[:8]}")
    written = write_tables(result, staging)
    if incoming.exists():
        shutil.rmtree(incoming)
    staging.rename(incoming)

    outcomes = run_raw_checks(
        result.tables,
        year=year,
        instrument_version=result.instrument_version,
        work_dir=paths.validation_work(year),
    )
    failed = [o for o in outcomes if not o.passed and o.severity == "ERROR"]
    checked_at = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    write_check_results(
        incoming / "quality_check_results.parquet",
        year=year,
        structural=outcomes,
        checked_at=checked_at,
        ingest_findings=findings_from_stats(result.stats),
    )
    version = input_version(paths, year)
    record = {
        "year": year,
        "input_version": version,
        "landing_fingerprint": fingerprint,
        "reference_fingerprint": reference_fingerprint(),
        "code_version": code_version(),
        "profile": result.profile_name,
        "instrument_version": result.instrument_version,
        "files": result.input_files,
        "stats": result.stats,
    }
    where = None
    if failed:
        where = quarantine(
            landing, year, paths.quarantine, ValidationRejected(_rejection_reason(outcomes))
        )
        context.log.error(f"{year}: blocking checks failed; input quarantined in {where}")

    yield dg.MaterializeResult(
        data_version=dg.DataVersion(version),
        metadata={
            BLOCKING_CHECKS_PASSED: not failed,
            "failed_checks": dg.MetadataValue.json([o.name for o in failed]),
            INPUT_RECORD: dg.MetadataValue.json(_json_safe(record)),
            "profile": result.profile_name,
            "instrument_version": result.instrument_version,
            "input_files": dg.MetadataValue.json(result.input_files),
            "stats": dg.MetadataValue.json(result.stats),
            "warnings": dg.MetadataValue.json(list(result.warnings)),
            "incoming": str(incoming),
            "rows": dg.MetadataValue.json({name: int(t.num_rows) for name, t in result.tables.items()}),
            "written": dg.MetadataValue.json({k: str(incoming / p.name) for k, p in written.items()}),
        },
        check_results=to_asset_check_results(outcomes, SURVEY_EXPORT_KEY),
    )
    if failed:
        # The check results above are recorded; fail the step with the reason (Dagster would
        # otherwise only say that a blocking check failed).
        raise dg.Failure(
            description=f"{year}: the export was rejected and quarantined in {where}.\n"
            + _rejection_reason(outcomes),
            metadata={"quarantine": str(where)},
        )
