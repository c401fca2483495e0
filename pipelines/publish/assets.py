"""Publish stage as a Dagster asset: a snapshot of every accepted year under ``published/``.

Not partitioned: a snapshot holds every accepted year. A new snapshot is made when what it
is made from changed (``pipelines.orchestration.publication_key``: the years' inputs, their
sign-off state, code and settings), not when a rebuild writes different bytes.
"""


import os

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from pipelines.collector import collector_paused
from pipelines.load_guard import refuse_if_another_load
from pipelines.orchestration import PUBLICATION_KEY, accepted_records, publication_key
from pipelines.publish.health import snapshot_problems
from pipelines.publish.snapshot import (
    SURVEY_YEARS_DESCRIPTION,
    SURVEY_YEARS_TABLE,
    build_snapshot,
)
from pipelines.settings import WAREHOUSE_POOL, DataPaths, dbt_project_vars
from pipelines.signoff import manifest_year_entry, reviewed_data_fingerprint
from pipelines.transform.assets import (
    mart_descriptions,
    mart_model_names,
    mart_relations,
    mognad_dbt_models,
)
from pipelines.validation.gx_checks import gx_context_dir

KEEP_SNAPSHOTS_ENV = "MOGNAD_KEEP_SNAPSHOTS"


def model_settings() -> dict:
    """The scoring and disclosure settings the tables were built with: the ``vars`` of
    ``dbt_project/dbt_project.yml`` (e.g. ``min_cell_respondents`` 5, ``confidence_level``
    0.95), written to each snapshot's ``manifest.json`` under ``settings`` so an analyst can
    read the values the column descriptions name."""
    return dict(sorted(dbt_project_vars().items()))


def finalise_snapshot(snapshot_dir) -> None:
    """Build what is derived from the tables inside the snapshot before it becomes visible:
    the Swedish reports and slide decks (``reports/``, ``slides/``) and the council's quality
    report (``quality/``), the Excel workbook of the tables (``tabeller.xlsx``) and the
    handlingsplan templates (``handlingsplan/``; at county scale only, above it they are made
    on request: :func:`~pipelines.actions.template.published_templates`). The reports of an
    organisation whose inputs are those of the current ``published/latest`` snapshot are
    linked from there instead of built again (``pipelines/reports/reuse.py``), and so are the
    templates whose inputs are those of ``latest``
    (:func:`~pipelines.actions.template.templates_to_write`). The workbook, the quality report
    and the templates are made after the reports, or at county scale while a report worker
    puts the county report together (``build_reports``' ``beside``), with the garbage
    collector paused (``pipelines.collector.collector_paused``: the workbook's cells); a
    national workbook is written by a process of its own while this one makes the quality
    report and the templates (:func:`~pipelines.publish.workbook.workbook_beside`).
    It runs while the snapshot's CSVs are written (the sequence of
    :func:`~pipelines.publish.snapshot.build_snapshot`), so it reads the Parquet files and
    ``mognad.duckdb``, never the CSVs or the rows and hashes the manifest records for them."""
    # imported here, in the step that publishes: the reports' libraries (matplotlib, the
    # workbook's) are not needed by the processes that only load the definitions
    from pipelines.actions.template import (
        published_templates,
        templates_to_write,
        write_templates,
    )
    from pipelines.publish.workbook import workbook_beside
    from pipelines.reports.build import build_reports
    from pipelines.reports.council import build_quality_report

    latest = snapshot_dir.parent / "latest"
    previous = latest.resolve() if latest.is_dir() else None

    def tables_and_council() -> None:
        descriptions = {**mart_descriptions(), SURVEY_YEARS_TABLE: SURVEY_YEARS_DESCRIPTION}
        with collector_paused(), workbook_beside(snapshot_dir, descriptions):
            build_quality_report(snapshot_dir)
            write_templates(templates_to_write(published_templates(snapshot_dir),
                                               snapshot_dir, previous))

    build_reports(snapshot_dir, previous=previous, beside=tables_and_council)


@dg.asset(
    key="published_snapshot",
    group_name="publish",
    kinds={"duckdb", "parquet", "csv"},
    deps=[get_asset_key_for_model([mognad_dbt_models], name) for name in mart_model_names()],
    pool=WAREHOUSE_POOL,
    description=(
        "A complete snapshot of every accepted year: the curated tables (DuckDB copy, Parquet, "
        "CSV for Swedish Excel, manifest.json), the reports and slide decks per municipality "
        "and the council's quality report in `published/<snapshot id>/`, then "
        "`published/latest` switched to it. A new snapshot only when its inputs changed (the "
        "years' files, their sign-off, code or settings). Each year is 'preliminary' until the "
        "council signs it off."
    ),
)
def published_snapshot(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from pipelines.reports.council import GX_RESULTS_DIR

    paths = DataPaths.current()
    refuse_if_another_load(paths)
    inputs = accepted_records(context.instance)
    if not inputs:
        raise dg.Failure(description="No survey year is accepted yet: load a year first.")
    key = publication_key(context.instance, paths)
    for problem in snapshot_problems(paths.published):
        context.log.warning(f"{problem}: publishing a complete snapshot")
    snapshot = build_snapshot(
        paths.warehouse_db,
        paths.published,
        sorted(mart_relations()),
        descriptions=mart_descriptions(),
        inputs=inputs,
        extra_manifest={
            "settings": model_settings(),
            "years": {
                str(r["year"]): {
                    "instrument_version": r["instrument_version"],
                    **manifest_year_entry(paths.root, r["year"], reviewed_data_fingerprint(r)),
                }
                for r in inputs
            },
        },
        finalise=finalise_snapshot,
        extra_dirs={
            "docs": paths.dbt_docs,
            **{
                f"quality/gx/{r['year']}/{GX_RESULTS_DIR}": gx_context_dir(
                    paths.validation_work(r["year"])
                )
                / "uncommitted"
                / "validations"
                for r in inputs
            },
        },
        keep=int(os.environ.get(KEEP_SNAPSHOTS_ENV, "5")),
        inputs_key=key,
    )
    if snapshot.unchanged:
        context.log.info(
            f"Nothing changed: the inputs are those of snapshot {snapshot.snapshot_id}; "
            "no new snapshot."
        )
    else:
        context.log.info(f"Published snapshot {snapshot.snapshot_id} at {snapshot.path}")
    return dg.MaterializeResult(
        metadata={
            "unchanged": snapshot.unchanged,
            PUBLICATION_KEY: key,
            "input_versions": dg.MetadataValue.json(
                {str(r["year"]): r["input_version"] for r in inputs}
            ),
            "snapshot_id": snapshot.snapshot_id,
            "path": dg.MetadataValue.path(str(snapshot.path)),
            "latest": dg.MetadataValue.path(str(paths.published_latest)),
            "row_counts": dg.MetadataValue.json(
                {t: v["rows"] for t, v in snapshot.manifest["tables"].items()}
            ),
        }
    )
