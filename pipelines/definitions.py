"""The single Dagster entry point of mognad (``workspace.yaml`` loads this module).

Lineage, one partition per survey year::

    survey_export ──(blocking GX checks)──▶ raw/survey_answers, raw/respondents, raw/invitations
        ──▶ dbt: reference seeds → staging → intermediate → marts ──▶ published_snapshot

- ``yearly_load`` runs the whole graph for one survey year.
- ``landing_sensor`` (off by default) starts ``yearly_load`` when a year's landing folder
  appears or its files change (keyed on a content fingerprint, so unchanged files never
  start a second run).
- ``yearly_schedule`` (off by default) loads the year that just closed, each 15 January.
"""


import json

import dagster as dg

from pipelines.settings import ensure_tools_on_path
from pipelines.transform.project import ensure_manifest, mognad_dbt_project

ensure_tools_on_path()
if not mognad_dbt_project.manifest_path.exists():  # dagster-dbt needs it at import
    ensure_manifest()
mognad_dbt_project.prepare_if_dev()

from pipelines.actions.assets import action_register  # noqa: E402
from pipelines.ingest.assets import survey_export  # noqa: E402
from pipelines.landing import landing_fingerprint, landing_years  # noqa: E402
from pipelines.partitions import survey_years  # noqa: E402
from pipelines.publish.assets import published_snapshot  # noqa: E402
from pipelines.settings import DataPaths, executable  # noqa: E402
from pipelines.transform.assets import MognadDbtCliResource, mognad_dbt_models  # noqa: E402
from pipelines.validation.assets import accepted_raw_tables  # noqa: E402

yearly_load = dg.define_asset_job(
    name="yearly_load",
    selection=dg.AssetSelection.all(),
    description="Ingest, validate, transform and publish one survey year.",
)


@dg.sensor(job=yearly_load, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """Start a yearly load for each landing year whose files are new or changed.

    The cursor holds ``{year: fingerprint}`` of what was last requested; the run key is
    ``<year>-<fingerprint[:16]>`` so the same files never start two runs.
    """
    paths = DataPaths.current()
    seen = json.loads(context.cursor) if context.cursor else {}
    runs, new_partitions = [], []
    existing = set(context.instance.get_dynamic_partitions(survey_years.name))
    for year in landing_years(paths):
        fingerprint = landing_fingerprint(paths.landing_year(year))
        if seen.get(str(year)) == fingerprint:
            continue
        if str(year) not in existing:
            new_partitions.append(str(year))
        runs.append(dg.RunRequest(partition_key=str(year), run_key=f"{year}-{fingerprint[:16]}"))
        seen[str(year)] = fingerprint
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[survey_years.build_add_request(new_partitions)] if new_partitions else [],
        cursor=json.dumps(seen, sort_keys=True),
    )


@dg.schedule(
    job=yearly_load,
    cron_schedule="0 6 15 1 *",
    execution_timezone="Europe/Stockholm",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def yearly_schedule(context: dg.ScheduleEvaluationContext):
    """On 15 January, load the calendar year that just closed (measurements are per calendar
    year), if its landing folder has files; otherwise skip and say why."""
    year = context.scheduled_execution_time.year - 1
    paths = DataPaths.current()
    if year not in landing_years(paths):
        return dg.SkipReason(f"No export files in {paths.landing_year(year)} yet.")
    fingerprint = landing_fingerprint(paths.landing_year(year))
    # Schedules cannot return partition requests: register the year on the instance.
    if not context.instance.has_dynamic_partition(survey_years.name, str(year)):
        context.instance.add_dynamic_partitions(survey_years.name, [str(year)])
    return dg.RunRequest(partition_key=str(year), run_key=f"{year}-{fingerprint[:16]}")


defs = dg.Definitions(
    assets=[survey_export, accepted_raw_tables, action_register, mognad_dbt_models, published_snapshot],
    jobs=[yearly_load],
    sensors=[landing_sensor],
    schedules=[yearly_schedule],
    resources={
        "dbt": MognadDbtCliResource(
            project_dir=mognad_dbt_project, dbt_executable=executable("dbt")
        ),
    },
)
