"""Ingest stage as a Dagster asset: one survey year's export → candidate raw tables.

The asset reads ``landing/<year>/`` through the year's export profile and writes the three
raw tables (docs/data-contracts.md §3) to ``warehouse/incoming/<year>/``. Its checks are the
file contract of the validation layer (:mod:`pipelines.validation.file_contract`: the GX
checks, their results, the rejection and quarantine), reported here as the asset's blocking
checks: when one fails, the promotion to ``warehouse/raw/<year>/``, dbt and publication do
not run for the year. Years already loaded stay untouched.
"""


import shutil
import uuid

import dagster as dg

from pipelines.ingest import IngestError, ingest_year, load_secret, quarantine, write_tables
from pipelines.ingest.quarantine import rejection_message
from pipelines.landing import landing_fingerprint, reference_fingerprint
from pipelines.load_guard import refuse_if_another_load
from pipelines.orchestration import (
    INPUT_RECORD,
    SURVEY_EXPORT_KEY,
    accepted_load_in_force,
    input_version,
)
from pipelines.partitions import survey_years, year_of
from pipelines.progress import export_read_message, reading_message
from pipelines.settings import DataPaths, code_version
from pipelines.validation.file_contract import (
    check_file_contract,
    fewer_respondents_than_accepted,
    file_contract_check_specs,
)


def _json_safe(value):
    """``value`` with every leaf JSON can hold (dates and paths as text)."""
    import json

    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dg.asset(
    key=SURVEY_EXPORT_KEY,
    partitions_def=survey_years,
    group_name="ingest",
    kinds={"python", "parquet"},
    check_specs=file_contract_check_specs(SURVEY_EXPORT_KEY),
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

    def rows_read(file: str, rows: int, total: int | None) -> None:
        # a log message reaches the event log at once: `mognad load` shows it as progress
        context.log.info(reading_message(file, rows, total))

    try:
        result = ingest_year(landing, year, secret=secret, on_rows=rows_read)
    except IngestError as error:
        where = quarantine(landing, year, paths.quarantine, error)
        raise dg.Failure(
            description=rejection_message(
                year, where, error, accepted_load_in_force(context.instance, paths, year)),
            metadata={"quarantine": str(where)},
        ) from None  # a data fault, not a bug: its reason is above and in reason.json

    context.log.info(export_read_message(result.stats["rows_read"], result.stats["files"]))
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

    verdict = check_file_contract(result, year=year, incoming=incoming, paths=paths)
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
    if not verdict.passed:
        context.log.error(
            f"{year}: blocking checks failed; input quarantined in {verdict.quarantined}"
        )

    yield dg.MaterializeResult(
        data_version=dg.DataVersion(version),
        metadata={
            **verdict.metadata(),
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
        check_results=verdict.check_results(SURVEY_EXPORT_KEY),
    )
    if not verdict.passed:
        # The check results above are recorded; the step fails with the reason.
        raise verdict.failure(accepted_load_in_force(context.instance, paths, year))
