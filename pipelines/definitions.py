"""The single Dagster entry point of mognad (``workspace.yaml`` loads this module).

Lineage::

    survey_export ──(blocking GX checks)──▶ raw/survey_answers, raw/respondents, raw/invitations,
    [per survey year]                       raw/quality_check_results      [per survey year]
        ──▶ dbt: reference seeds → staging → intermediate → marts ──▶ published_snapshot
            [over all accepted years, unpartitioned]
    council/signoffs (external: the council's sign-off log) ──▶ staging
    raw/respondents [every year] ──▶ actions/* (the action register, unpartitioned) ──▶ staging

- ``survey_load`` is the one job. A run for one partition (survey year) loads that year and
  rebuilds and publishes everything; a load of several years is one run per year of the
  per-year assets and one run of the rest (``pipelines.orchestration``). A backfill from
  the UI (Materialize all, all partitions) builds the same assets, but its daemon splits
  the unpartitioned ones over runs by what they read (the models that read no survey year
  first); each dbt model is built once. The dbt asset rebuilds the years of its
  incremental models that changed (``pipelines.transform.incremental``). Each step runs in its
  own process (multiprocess executor
  with a forkserver that has the definitions imported), so the memory a large year's ingest
  takes is returned before dbt runs.
- ``landing_sensor`` (off by default) loads new or changed landing folders, then rebuilds.
- ``yearly_schedule`` (off by default) loads the year that just closed, each 15 January.
"""


import dagster as dg
from dagster_dbt import DbtCliResource

from pipelines.settings import ensure_tools_on_path
from pipelines.transform.project import ensure_manifest, mognad_dbt_project

ensure_tools_on_path()
# dagster-dbt reads the manifest at import: every process that loads these definitions
# (`mognad`, the step processes' server that `mognad` starts before it checks the manifest
# itself, `dg dev`'s code server, a run worker) parses when the manifest is missing or the
# dbt project changed since it was parsed, and otherwise only compares fingerprints. Not
# dagster-dbt's own `prepare_if_dev`: that runs `dbt deps`, which needs the network, and
# dbt_utils is vendored (dbt_project/packages.yml).
ensure_manifest(skip_if_unchanged=True)

from pipelines.actions.assets import action_register  # noqa: E402
from pipelines.ingest.assets import survey_export  # noqa: E402
from pipelines.landing import landing_years  # noqa: E402
from pipelines.load_guard import another_load  # noqa: E402
from pipelines.orchestration import (  # noqa: E402
    LOAD_JOB,
    accepted_files_again,
    build_reason,
    build_request,
    build_run_key,
    ingest_request,
    input_version,
    loads_in_flight,
    unchanged_reason,
)
from pipelines.partitions import survey_years  # noqa: E402
from pipelines.publish.assets import published_snapshot  # noqa: E402
from pipelines.settings import DataPaths  # noqa: E402
from pipelines.signoff_asset import signoff_log  # noqa: E402
from pipelines.step_processes import STEP_PRELOAD_MODULES  # noqa: E402
from pipelines.transform import dbt_launcher  # noqa: E402
from pipelines.transform.assets import mognad_dbt_models  # noqa: E402
from pipelines.validation.assets import accepted_raw_tables  # noqa: E402

step_processes = dg.multiprocess_executor.configured(
    {
        "max_concurrent": 1,
        "start_method": {
            "forkserver": {"preload_modules": list(STEP_PRELOAD_MODULES)}
        },
    },
    name="step_processes",
)
"""Each step in its own process, one at a time (DuckDB has one writer), forked from a
server that has imported :data:`~pipelines.step_processes.STEP_PRELOAD_MODULES` once (these
definitions and GX). ``mognad`` starts that server before it imports the definitions
(:func:`~pipelines.step_processes.start_step_server`); otherwise the executor starts it when
the run's first step is due."""

survey_load = dg.define_asset_job(
    name=LOAD_JOB,
    selection=dg.AssetSelection.all(),
    executor_def=step_processes,
    description=(
        "Load survey years and publish. Per year (one run per partition): read the export, "
        "run its checks, promote it to raw. Then, once over every accepted year: the dbt "
        "models and the publication. Materialize all with all partitions (a backfill) does "
        "both, each dbt model once; a run of the whole job for one partition loads that year "
        "and then rebuilds and publishes every accepted year."
    ),
)


@dg.sensor(
    job=survey_load,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Loads each landing/<year> folder whose files (or the export profiles, reference "
        "data, quality thresholds or code) differ from the year's accepted load, one run per "
        "year; when those runs are done, rebuilds the warehouse and publishes once."
    ),
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    """Requests per-year loads for changed landing folders and, once no load is queued or
    running, the rebuild and publication if the instance says they are out of date
    (``pipelines.orchestration``). The cursor holds ``{year: run key}`` of the loads already
    requested, so the same files never start two runs (a rejected export is not retried
    until its files change; the accepted files put back after a rejected reload are loaded
    once more, :func:`~pipelines.orchestration.ingest_request`). While a ``mognad`` load writes the data root it requests
    nothing (``pipelines.load_guard``)."""
    import json

    paths = DataPaths.current()
    other = another_load(paths)
    if other:  # never a second writer: look again when that load has finished
        return dg.SkipReason(f"A mognad load is writing {paths.root} now: {other}.")
    instance = context.instance
    requested = json.loads(context.cursor) if context.cursor else {}
    existing = set(instance.get_dynamic_partitions(survey_years.name))
    runs, new_partitions = [], []
    for year in landing_years(paths):
        if unchanged_reason(instance, paths, year):
            continue
        request = ingest_request(instance, paths, year)
        if requested.get(str(year)) == request.run_key:
            continue
        if str(year) not in existing:
            new_partitions.append(str(year))
        runs.append(request)
        requested[str(year)] = request.run_key
    if not runs and not loads_in_flight(instance) and build_reason(instance, paths):
        runs.append(build_request(build_run_key(instance, paths)))
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[survey_years.build_add_request(new_partitions)]
        if new_partitions
        else [],
        cursor=json.dumps(requested, sort_keys=True),
    )


@dg.schedule(
    job=survey_load,
    cron_schedule="0 6 15 1 *",
    execution_timezone="Europe/Stockholm",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description=(
        "On 15 January at 06:00 (Stockholm), loads the calendar year that just closed and "
        "publishes, if its landing folder has files and differs from the accepted load."
    ),
)
def yearly_schedule(context: dg.ScheduleEvaluationContext):
    """On 15 January, load the calendar year that just closed (measurements are per calendar
    year) with one run of the whole job for its partition; skip, saying why, when its
    landing folder is empty or unchanged since its accepted load; only the year's ingest
    (no build) when its accepted files are back after a failed attempt
    (:func:`~pipelines.orchestration.accepted_files_again`)."""
    year = context.scheduled_execution_time.year - 1
    paths = DataPaths.current()
    if year not in landing_years(paths):
        return dg.SkipReason(f"No export files in {paths.landing_year(year)} yet.")
    reason = unchanged_reason(context.instance, paths, year)
    if reason:
        return dg.SkipReason(f"{year}: {reason}")
    if accepted_files_again(context.instance, paths, year):
        # the accepted files back after a failed attempt: clear the failure, build nothing
        return ingest_request(context.instance, paths, year)
    # Schedules cannot return partition requests: register the year on the instance.
    if not context.instance.has_dynamic_partition(survey_years.name, str(year)):
        context.instance.add_dynamic_partitions(survey_years.name, [str(year)])
    return dg.RunRequest(
        partition_key=str(year), run_key=f"load-{year}-{input_version(paths, year)[:16]}"
    )


defs = dg.Definitions(
    assets=[
        survey_export,
        accepted_raw_tables,
        action_register,
        mognad_dbt_models,
        published_snapshot,
        signoff_log,
    ],
    jobs=[survey_load],
    sensors=[landing_sensor],
    schedules=[yearly_schedule],
    resources={
        "dbt": DbtCliResource(project_dir=mognad_dbt_project,
                              dbt_executable=dbt_launcher.resource_executable()),
    },
)


def survey_load_job() -> dg.JobDefinition:
    """The resolved ``survey_load`` job, for ``dagster.reconstructable``: ``mognad load``
    executes it in its own process, each step in a process of its own, as a run of this
    code location (``pipelines.cli.execute_in_code_location``)."""
    return defs.resolve_job_def(LOAD_JOB)
