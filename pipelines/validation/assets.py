"""Validate stage as Dagster assets: promotion of a year's checked tables to ``raw``.

Runs only when every blocking check on ``survey_export`` passed for the year (the verdict
of :mod:`pipelines.validation.file_contract`, read from the year's latest materialisation).
A reload of a year the council has signed off clears that sign-off only when the year's data
changed since the council reviewed them (``pipelines.signoff.clear_if_data_changed``: a forced
reload of the same files keeps it and its overrules); the run log says which. It swaps ``warehouse/incoming/<year>/`` in as ``warehouse/raw/<year>/`` (directory renames, the old
version removed only after the new one is in place), which is what dbt's ``raw`` sources
read. The asset keys ``["raw", <table>]`` equal dbt's source keys, so lineage joins.
"""


import shutil
import uuid

import dagster as dg
import pyarrow.parquet as pq

from pipelines.load_guard import refuse_if_another_load
from pipelines.orchestration import INPUT_RECORD, SURVEY_EXPORT_KEY
from pipelines.partitions import survey_years, year_of
from pipelines.settings import RAW_TABLES, WAREHOUSE_POOL, DataPaths
from pipelines.signoff import clear_if_data_changed, reviewed_data_fingerprint, signoff_status
from pipelines.signoff_asset import report_signoff_event
from pipelines.validation.file_contract import BLOCKING_CHECKS_PASSED, FAILED_CHECKS

RAW_TABLE_DESCRIPTIONS = {
    "survey_answers": "Accepted answers, one row per respondent and item (docs/data-contracts.md §3).",
    "respondents": "Accepted respondents, pseudonymised, one row per respondent.",
    "invitations": "Invited counts per organisation and target group.",
    "quality_check_results": "Every check result of the year (structural and quality checks).",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", table],
            deps=[SURVEY_EXPORT_KEY],
            group_name="validate",
            kinds={"parquet"},
            description=RAW_TABLE_DESCRIPTIONS[table],
        )
        for table in RAW_TABLES
    ],
    partitions_def=survey_years,
    pool=WAREHOUSE_POOL,
)
def accepted_raw_tables(context: dg.AssetExecutionContext):
    """Promote the year's validated candidate tables to the accepted raw area."""
    year = year_of(context)
    paths = DataPaths.current()
    refuse_if_another_load(paths)
    incoming = paths.incoming_year(year)
    target = paths.raw_year(year)
    missing = [t for t in RAW_TABLES if not (incoming / f"{t}.parquet").exists()]
    if missing:
        raise dg.Failure(
            description=f"{year}: no validated candidate tables to promote (missing {missing} in "
            f"{incoming}); materialise survey_export for {year} first."
        )
    # The verdict and the input record are those of the year's latest survey_export
    # materialisation, as the instance holds them.
    [checked] = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=SURVEY_EXPORT_KEY, asset_partitions=[str(year)]), limit=1
    ).records or [None]
    metadata = checked.asset_materialization.metadata if checked is not None else {}
    passed = metadata.get(BLOCKING_CHECKS_PASSED)
    if passed is None or not passed.value or INPUT_RECORD not in metadata:
        failed = metadata.get(FAILED_CHECKS)
        raise dg.Failure(
            description=f"{year}: the candidate tables in {incoming} did not pass their blocking "
            f"checks ({failed.value if failed else 'no check result recorded'}); they are not "
            "promoted."
        )
    record = metadata[INPUT_RECORD].value
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{year}-old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        target.rename(old)
    incoming.rename(target)
    if old.exists():
        shutil.rmtree(old)
    signed = signoff_status(paths.root, year)
    cleared = clear_if_data_changed(paths.root, year, reviewed_data_fingerprint(record))
    if cleared is not None:
        context.log.warning(
            f"{year} was signed off by {signed['by']} at {signed['at']} for other data than "
            "those now loaded; the reload cleared the sign-off, the year is preliminary again."
        )
        report_signoff_event(context.instance, cleared)
    elif signed is not None:
        context.log.info(
            f"{year}: the council's sign-off (version {signed['version']}, {signed['by']}) "
            "is kept: the reloaded files are those the council reviewed."
        )
    for table in RAW_TABLES:
        path = target / f"{table}.parquet"
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw", table]),
            data_version=dg.DataVersion(record["input_version"]),
            metadata={
                INPUT_RECORD: dg.MetadataValue.json(record),
                "path": str(path),
                "rows": pq.ParquetFile(path).metadata.num_rows,
                "signoff_cleared": bool(cleared),
            },
        )
