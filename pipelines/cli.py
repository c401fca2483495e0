"""``mognad`` — the data engineer's command line.

    mognad demo                 copy the bundled sample into the data root and load 2018–2020
    mognad load 2019            load one survey year (ingest → validate → dbt → publish)
    mognad load --all           load every year found under landing/
    mognad dry-run 2021         report how a landing folder would be read, loading nothing
    mognad sign-off 2019 --by "Anna Berg, digitaliseringsrådet" --meeting-date 2020-03-12
    mognad sign-offs            the council's sign-off history
    mognad pdf 0680 0604        an organisation's report as PDF, on request (national scale)
    mognad handlingsplan 0680   an organisation's handlingsplan template, on request (national scale)
    mognad ui --port 3000       open the Dagster UI and daemon (dg dev) on the same instance

The data root is ``$MOGNAD_DATA_DIR`` (default ``./data``). Runs are recorded in the Dagster
instance at ``$DAGSTER_HOME`` (default ``<data root>/dagster_home``), so ``mognad ui`` shows
them. Exit status: 0 when every requested year loaded, 1 when any failed, 2 on usage errors.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import json
import os
import shutil
import signal
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from pipelines.load_guard import LAUNCHER_TAGS, LOAD_TOKEN_ENV, LOAD_TOKEN_TAG
from pipelines.settings import (
    PROJECT_ROOT,
    SAMPLE_LANDING_DIR,
    WORKSPACE_FILE,
    DataPaths,
    executable,
)

DAGSTER_YAML = """\
# Written by mognad. Runs are serialised: DuckDB allows one writer.
telemetry:
  enabled: false
nux:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 10
event_log_storage:
  module: pipelines.event_log_storage
  class: HeldOpenSqliteEventLogStorage
  config:
    base_dir: {event_log_dir}
"""
"""The instance settings (``{event_log_dir}``: ``<DAGSTER_HOME>/history/runs``, where Dagster
keeps its SQLite event log by default): runs started by the UI, sensor or schedule wait in
the run queue (one at a time), and every step that writes the warehouse holds the pool
``mognad_warehouse`` (one slot). The UI's newsletter sign-up pop-up (``nux``) is off: it
covers every page of a fresh instance. A run that ends, however it ends, frees its slot; the
daemon of ``mognad ui`` frees the slots of a run marked failed or canceled after 10 s, and
``mognad load`` first recovers its own earlier runs whose process is gone (killed): marks
them failed, stops what they left running and frees their slots
(:func:`pipelines.load_guard.recover_killed_loads`). The event log is Dagster's SQLite
storage with its files held open between events
(:class:`~pipelines.event_log_storage.HeldOpenSqliteEventLogStorage`), in every process
that opens the instance; run storage and schedule storage are Dagster's default SQLite."""


def prepare_instance_home(paths: DataPaths) -> Path:
    """Set ``DAGSTER_HOME`` (default under the data root) and write its ``dagster.yaml``
    (:data:`DAGSTER_YAML`) unless the engineer wrote their own. One that ``mognad`` wrote
    (its first line) is brought up to date, the event log's folder included: a data root
    that was moved or copied gets its own."""
    home = Path(os.environ.get("DAGSTER_HOME") or paths.dagster_home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = DAGSTER_YAML.format(event_log_dir=json.dumps(str(home / "history" / "runs")))
    if not config.exists() or (
        config.read_text(encoding="utf-8").startswith(DAGSTER_YAML.splitlines()[0])
        and config.read_text(encoding="utf-8") != wanted
    ):
        config.write_text(wanted, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _full_error_text(error) -> str:
    """Every message of an error's cause chain, outermost first."""
    texts = []
    while error is not None:
        texts.append(error.message or "")
        error = error.cause
    return "\n".join(texts)


def _failure_messages(result) -> list[str]:
    """One line per failed step: the user-facing Failure description when there is one,
    else the innermost error of the cause chain (not Dagster's wrapper). A step that ran
    out of disk space says where, what is unchanged and what to do
    (:func:`~pipelines.publish.health.disk_full_message`)."""
    from pipelines.publish.health import PUBLICATION_DISK_FULL, disk_full_message, is_disk_full

    messages = []
    for event in result.all_events:
        if not (event.is_step_failure and event.step_failure_data):
            continue
        user = event.step_failure_data.user_failure_data
        error = event.step_failure_data.error
        if user and user.description:
            text = user.description
        elif error is not None:
            while error.cause is not None:
                error = error.cause
            text = f"{error.cls_name}: {error.message}" if error.cls_name else error.message
        else:
            text = "step failed"
        if is_disk_full(Exception(text)) and PUBLICATION_DISK_FULL not in text:
            text = disk_full_message(DataPaths.current().root, event.step_key,
                                     _full_error_text(event.step_failure_data.error) or text)
        messages.append(f"[{event.step_key}] {text.strip()}")
    return messages


_LOG_LEVEL = {"level": "CRITICAL"}
"""Dagster's console log level for runs started here: quiet unless ``mognad -v``. Every run's
full event log is kept in the instance either way (``mognad ui``)."""


RUN_OUTCOME_EN = ("done", "FAILED", "run")
RUN_OUTCOME_SV = ("klart", "MISSLYCKADES", "körning")
"""The words of a run's outcome line, ``==> <label>: done (run <id>)``: English for the data
engineer's commands, Swedish for the council's (``mognad sign-off``), whose progress lines
are then Swedish too."""


def _run(instance, label: str, asset_keys, partition: str | None = None, *,
         words: tuple[str, str, str] = RUN_OUTCOME_EN, dbt_summary: bool = True
         ) -> tuple[bool, list[str]]:
    """Execute one run of the ``survey_load`` job for ``asset_keys`` (and ``partition``) as
    the UI would launch it: every step in its own process (the job's executor, forking them
    from the server :func:`_start_step_server` started); what this process and the steps
    print (dbt's log) goes to ``<data root>/logs/<run id>.log`` unless ``-v``. Prints the
    outcome in ``words`` and, unless ``dbt_summary`` is false, what dbt rebuilt; returns
    (success, failure messages)."""
    import socket

    paths = DataPaths.current()
    steps_log = _start_step_server(paths)  # started by _instance already, unless run alone
    logs = paths.root / "logs"
    from pipelines.definitions import defs, survey_load_job
    from pipelines.orchestration import publication_summary
    from pipelines.progress import PROGRESS_TAG, ProgressPrinter, progress_tags, start_following
    from pipelines.transform.assets import mognad_dbt_models

    tags = {LAUNCHER_TAGS[0]: socket.gethostname(), LAUNCHER_TAGS[1]: str(os.getpid()),
            LOAD_TOKEN_TAG: os.environ.get(LOAD_TOKEN_ENV, "")}
    if partition is not None:
        tags["dagster/partition"] = partition
    run_config = {"loggers": {"console": {"config": {"log_level": _LOG_LEVEL["level"]}}}}
    logs.mkdir(parents=True, exist_ok=True)
    progress = progress_tags()
    tags.update(progress)
    # the progress goes to this command's own output, not to the run's log file
    sys.stdout.flush()
    try:
        terminal = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", closefd=True)
    except (AttributeError, OSError, ValueError):  # a captured stdout (tests) has no descriptor
        terminal = None
    out = terminal or sys.stdout
    printer = ProgressPrinter(
        out, tty=out.isatty(), dbt_step=mognad_dbt_models.op.name,
        dbt_total=len(set(mognad_dbt_models.keys) & set(asset_keys)),
        swedish=words == RUN_OUTCOME_SV)  # the council's command: its stages in Swedish too
    stop_progress = start_following(instance, progress[PROGRESS_TAG], printer)
    try:
        with _output_to(logs / f".run-{os.getpid()}.log", steps_log) as log:
            with execute_in_code_location(
                instance, defs, survey_load_job, run_config=run_config, tags=tags,
                asset_selection=asset_keys,
            ) as result:
                success, run_id = result.success, result.run_id
                messages = [] if success else _failure_messages(result)
    finally:
        stop_progress()
        if terminal is not None:
            terminal.close()
    if log is not None:
        log = log.rename(log.with_name(f"{run_id}.log"))
    click.echo(f"==> {label}: {words[0] if success else words[1]} ({words[2]} {run_id})")
    print_ingest_warnings(instance, run_id)
    if success and dbt_summary:
        from pipelines.transform.incremental import run_build_summary

        built = run_build_summary(instance, run_id)
        if built:
            click.echo(f"    dbt: {built}")
        published = publication_summary(instance, run_id)
        if published:
            click.echo(f"    published: {published}")
    for message in messages:
        click.echo(message, err=True)
    if messages and log is not None and log.stat().st_size:
        click.echo(f"    (output of the run: {log})", err=True)
    return success, messages


def execute_in_code_location(instance, defs, job_fn, run_config: dict, tags: dict,
                             asset_selection):
    """Create and execute, in this process, a run of the job ``job_fn()`` returns (a job of
    the definitions ``defs``), recorded as a run of that job in the workspace's code location
    (:data:`~pipelines.settings.WORKSPACE_FILE`); returns the run's ``JobExecutionResult``.

    ``dagster.execute_job`` would execute it the same way (the job's own executor: each
    step in its own process) but records the run with no code-location origin, and the UI
    then lists it only on the Runs page: not on the job's page, its partitions or the
    timeline, which select runs by their repository label (``<repository>@<location>``).
    Dagster 1.13 has no public call that executes a run in process and gives it an origin
    (``dagster job launch`` needs a code server and a daemon), so this does what
    ``execute_job`` does with the instance's ``create_run_for_job`` and ``execute_run``,
    adding the remote origin the webserver gives the runs it launches: the location read
    from the workspace file by Dagster's own workspace loader, and the repository of
    ``defs`` (not that of ``reconstructable(job_fn)``, a repository of the job alone, which
    the UI does not load). Raises ``dagster.DagsterInvariantViolationError`` unless the workspace
    file declares exactly one code location."""
    import dagster as dg
    from dagster._core.execution.api import execute_run
    from dagster._core.remote_origin import RemoteRepositoryOrigin
    from dagster._core.workspace.load import location_origins_from_yaml_paths

    locations = location_origins_from_yaml_paths([str(WORKSPACE_FILE)])
    if len(locations) != 1:
        raise dg.DagsterInvariantViolationError(
            f"{WORKSPACE_FILE} declares {len(locations)} code locations; mognad has one.")
    job = dg.reconstructable(job_fn)
    load_data = job.repository.get_definition().repository_load_data
    job = job.with_repository_load_data(load_data)
    job_def = job.get_definition()
    repository = RemoteRepositoryOrigin(locations[0], defs.get_repository_def().name)
    run_id = str(uuid.uuid4())  # the form of Dagster's own run ids
    run = instance.create_run_for_job(
        job_def=job_def,
        run_id=run_id,
        run_config=run_config,
        tags={**job_def.run_tags, **tags},
        asset_selection=frozenset(asset_selection),
        remote_job_origin=repository.get_job_origin(job_def.name),
        job_code_origin=job.get_python_origin(),
        repository_load_data=load_data,
    )
    return execute_run(job, run, instance)


def print_ingest_warnings(instance, run_id: str) -> None:
    """Print the ingest warnings each year of run ``run_id`` recorded, as a short list."""
    from pipelines.ingest.run_warnings import run_ingest_warnings, warning_lines

    for year, warnings in sorted(run_ingest_warnings(instance, run_id).items()):
        for line in warning_lines(year, warnings):
            click.echo(line)


def check_data_root(paths: DataPaths) -> None:
    """Before a load: a damaged warehouse file stops it before anything is read (nothing
    changes; the message says how to rebuild); a broken ``published/latest`` is named (the
    load publishes a complete snapshot)."""
    from pipelines.publish.health import snapshot_problems
    from pipelines.transform.warehouse import warehouse_problem

    damaged = warehouse_problem(paths.warehouse_db, paths.warehouse / "raw")
    if damaged:
        raise click.ClickException(f"{damaged} Nothing was loaded.")
    for problem in snapshot_problems(paths.published):
        click.echo(f"==> {problem}: this load publishes a complete snapshot")


@contextlib.contextmanager
def _output_to(path: Path, steps: Path | None = None):
    """Standard output and error of this process go to ``path`` (yields it), unless ``-v``
    (yields None). File descriptors, not only Python's ``sys.stdout``: what libraries and
    the processes started here write goes there too. ``steps``: the file the step processes
    write to (their server's output, :func:`~pipelines.step_processes.start_step_server`);
    what they wrote during the block is appended to ``path`` when it ends, however it ends,
    so each run's log holds its own steps' output (the steps have ended when a run has)."""
    if _LOG_LEVEL["level"] != "CRITICAL":
        yield None
        return
    from pipelines.step_processes import standard_output_to

    start = steps.stat().st_size if steps is not None and steps.exists() else 0
    try:
        with standard_output_to(path, truncate=True):
            yield path
    finally:
        if steps is not None and steps.exists():
            with steps.open("rb") as source, path.open("ab") as log:
                source.seek(start)
                shutil.copyfileobj(source, log)


def _start_step_server(paths: DataPaths) -> Path | None:
    """Start the server the step processes are forked from, unless started already
    (:func:`~pipelines.step_processes.start_step_server`), sending what the steps print to
    ``<data root>/logs/.steps-<pid>.log``, from which each run's share goes to its own log
    (:func:`_output_to`), or to this command's output with ``-v``; returns that file (None
    with ``-v``). The data root, ``DAGSTER_HOME`` and the load token must be set before:
    the steps inherit the server's environment, not this process's at the time of a run."""
    from pipelines.step_processes import start_step_server

    quiet = _LOG_LEVEL["level"] == "CRITICAL"
    return start_step_server(paths.root / "logs" / f".steps-{os.getpid()}.log" if quiet else None)


def _instance(paths: DataPaths, years: list[int]):
    """The Dagster instance (``$DAGSTER_HOME``) with ``years`` registered as partitions.
    Starts the step processes' server first (:func:`_start_step_server`), before this
    process imports dbt's and Dagster's modules, so that the server imports the definitions
    while this process does that, runs ``dbt parse`` when the dbt project changed, gets the
    instance ready and prepares its first run. The server's import of the definitions
    checks the manifest itself (``pipelines.definitions``; a parse by both waits for the
    other's, ``ensure_manifest``), so it never loads a manifest older than the project. A
    load that then finds nothing to do, or is refused, leaves the server to end by itself
    when its imports are done (it serves no process that has ended)."""
    prepare_instance_home(paths)
    _start_step_server(paths)
    from pipelines.transform.project import ensure_manifest

    ensure_manifest(skip_if_unchanged=True)
    import dagster as dg

    from pipelines.partitions import survey_years

    instance = dg.DagsterInstance.get()
    existing = set(instance.get_dynamic_partitions(survey_years.name))
    missing = [str(y) for y in years if str(y) not in existing]
    if missing:
        instance.add_dynamic_partitions(survey_years.name, missing)
    return instance


@contextlib.contextmanager
def _load_session(paths: DataPaths, command: str, years: list[int]):
    """The frame of every command that writes the data root: hold its load lock (another
    load running: refuse, naming it), refuse while a run started from the UI, the sensor or
    the schedule is queued or running, recover what a killed load left (its runs marked
    failed, its processes stopped, its pool slots freed, its temporary folders removed),
    saying what was found. Yields the instance."""
    from pipelines.load_guard import (
        AnotherLoadError,
        another_load_message,
        load_lock,
        recover_killed_loads,
        remove_leftovers,
    )

    try:
        with load_lock(paths, command, years):
            instance = _instance(paths, years)
            for line in recover_killed_loads(instance).values():
                click.echo(f"==> recovered an earlier load: {line}")
            others = _runs_in_flight(instance)
            if others:
                raise AnotherLoadError(
                    f"A run of the Dagster job survey_load is {others[0]}, started from the "
                    f"Dagster UI, the sensor or the schedule. Nothing was changed. Wait for it to "
                    "end (mognad ui shows it; a queued run starts when the daemon of mognad ui "
                    "runs, cancel it there if it is not wanted) and run this again."
                )
            removed = remove_leftovers(paths)
            if removed:
                click.echo(
                    f"==> removed {len(removed)} temporary files or folders an interrupted load "
                    f"left: {', '.join(str(p.relative_to(paths.root)) for p in removed)}")
            yield instance
    except AnotherLoadError as error:
        if error.holder is None:
            raise click.ClickException(str(error)) from error
        raise click.ClickException(another_load_message(
            paths, error.holder, _runs_of_load(paths, error.holder.get("token")))) from error


def _runs_of_load(paths: DataPaths, token: str | None) -> list[str]:
    """The runs in flight of the ``mognad`` load with ``token``, as the instance records
    them: ``run <id> (year 2020)`` or ``run <id> (build and publish)``."""
    import dagster as dg

    from pipelines.orchestration import IN_FLIGHT

    if not token:
        return []
    prepare_instance_home(paths)
    with dg.DagsterInstance.get() as instance:
        runs = [r.dagster_run for r in instance.get_run_records(dg.RunsFilter(
            statuses=list(IN_FLIGHT), tags={LOAD_TOKEN_TAG: token}))]
    return [f"run {run.run_id} ("
            + (f"year {run.tags['dagster/partition']}" if "dagster/partition" in run.tags
               else "build and publish") + ")" for run in runs]


def _runs_in_flight(instance) -> list[str]:
    """One description per run of the load job that is queued or running (after recovery,
    these are runs started from the UI, the sensor or the schedule)."""
    import dagster as dg

    from pipelines.orchestration import IN_FLIGHT, LOAD_JOB
    from pipelines.reports.formatting import format_local_time

    described = []
    for record in instance.get_run_records(
            dg.RunsFilter(job_name=LOAD_JOB, statuses=list(IN_FLIGHT))):
        run = record.dagster_run
        part = run.tags.get("dagster/partition")
        since = record.start_time or record.create_timestamp.timestamp()
        described.append(
            f"{'queued' if run.status == dg.DagsterRunStatus.QUEUED else 'running'}: run "
            f"{run.run_id} ({f'year {part}' if part else 'build and publish'}, since "
            f"{format_local_time(dt.datetime.fromtimestamp(since, dt.UTC))})")
    return described


def load_years(years: list[int], *, force: bool = False, command: str = "mognad load"
               ) -> dict[int, tuple[bool, list[str]]]:
    """Load survey years with the runs of ``survey_load`` that a backfill from the UI makes
    (``pipelines.orchestration``), holding the data root's load lock (:func:`_load_session`:
    another load running is refused, a killed one recovered): for each year, oldest first,
    one run of the per-year assets (read, check, promote; a rejected year is quarantined and
    its previously accepted data stay in use), unless the instance says the year is
    unchanged since its accepted load (reported, counted as success; ``force`` loads
    anyway) or that its current files are accepted already and only their publication is
    missing (an earlier load stopped before it; said so); then, if the instance says the
    warehouse and publication are out of date (or ``force`` loaded a year again), one run of
    every dbt model over all accepted years and the publication. Returns ``{year: (success, messages)}``; a failed rebuild
    marks every year loaded now as failed. A reload that clears the council's sign-off of a
    year says so."""
    paths = DataPaths.current()
    with _load_session(paths, command, years) as instance:
        return _load_years(instance, paths, years, force)


def _load_years(instance, paths: DataPaths, years: list[int], force: bool
                ) -> dict[int, tuple[bool, list[str]]]:
    from pipelines.orchestration import (
        build_keys,
        build_reason,
        ingest_keys,
        latest_attempt_failed,
        unchanged_reason,
        unpublished_reason,
    )
    from pipelines.publish.snapshot import current_manifest
    from pipelines.reports.formatting import format_local_time
    from pipelines.signoff import signoff_status

    outcome: dict[int, tuple[bool, list[str]]] = {}
    loaded: list[int] = []
    for year in years:
        reason = None if force else unchanged_reason(instance, paths, year)
        if reason:
            click.echo(f"==> {year}: {reason}")
            outcome[year] = (True, [reason])
            continue
        reason = None if force else unpublished_reason(instance, paths, year)
        if reason:
            click.echo(f"==> {year}: {reason}")
            outcome[year] = (True, [reason])
            loaded.append(year)
            continue
        if not force and latest_attempt_failed(instance, year):
            click.echo(f"==> {year}: its latest load failed (the {year} partition shows Failed "
                       f"in the UI): loading landing/{year} again")
        signed_before = signoff_status(paths.root, year)
        ok, messages = _run(instance, f"{year}: ingest and validate", ingest_keys(), str(year))
        outcome[year] = (ok, messages)
        if ok:
            loaded.append(year)
        if signed_before and signoff_status(paths.root, year) is None:
            click.echo(
                f"==> {year}: the data differ from those the council reviewed: its sign-off "
                f"version {signed_before['version']}, recorded by {signed_before['by']} on "
                f"{format_local_time(signed_before['at'])}, was cleared by this reload; {year} "
                f"is preliminary until the council signs it off again: "
                f"`mognad sign-off {year} {_required_options(sign_off)}` (all options: "
                f"`mognad sign-off --help`; why it was cleared: `mognad sign-offs {year}`)."
            )
    reason = build_reason(instance, paths)
    if force and loaded and not reason:  # --force: rebuild what was loaded, even unchanged
        reason = "--force: rebuilt although its inputs are those published"
    if reason:
        ok, messages = _run(instance, f"build and publish ({reason})", build_keys())
        if not ok:
            for year in loaded:
                outcome[year] = (False, messages)
    else:
        snapshot = (current_manifest(paths.published) or {}).get("snapshot_id")
        click.echo(f"==> nothing to build or publish: published/latest (snapshot {snapshot}) "
                   "is up to date" if snapshot else
                   "==> nothing to build or publish: no survey year has been accepted yet, "
                   "so nothing is published")
    for year in years:
        ok, messages = outcome[year]
        if not ok:
            said = "FAILED"
        elif year not in loaded:
            said = "unchanged since its last load; not loaded again"
        elif messages:  # accepted by an earlier load that stopped before publishing
            said = "accepted by an earlier load; published now"
        else:
            said = "loaded"
        click.echo(f"==> {year}: {said}")
    return outcome


def _required_options(command: click.Command) -> str:
    """COMMAND's required options as its --help shows them, e.g. ``--by "NAME, ROLE"``: what a
    message that names the command must add for it to run (read from the command, so the two
    cannot disagree)."""
    return " ".join(f"{p.opts[0]} {p.metavar or p.type.name.upper()}" for p in command.params
                    if isinstance(p, click.Option) and p.required)


def _print_outputs(paths: DataPaths) -> None:
    latest = paths.published_latest
    click.echo("")
    click.echo("Outputs")
    click.echo(f"  data root:          {paths.root}")
    if not latest.is_dir():
        click.echo("  published snapshot: none yet (no survey year has been accepted)")
        click.echo(f"  quarantine:         {paths.quarantine}")
        return
    click.echo(f"  published snapshot: {latest} -> {os.readlink(latest) if latest.is_symlink() else '-'}")
    for name in ("mognad.duckdb", "parquet", "csv", "tabeller.xlsx", "manifest.json",
                 "docs/index.html"):
        click.echo(f"    {name:<17} {latest / name}")
    click.echo(f"  reports (Swedish):  {latest / 'reports' / 'index.html'}")
    click.echo(f"  county report PDF:  {latest / 'reports' / 'lansrapport.pdf'}")
    org_pdfs = latest / "reports" / "pdf"
    click.echo(f"  PDF per organisation: {org_pdfs}" if org_pdfs.is_dir() else
               "  PDF per organisation: on request, mognad pdf <organisation code>")
    click.echo(f"  slide decks:        {latest / 'slides'}")
    templates = latest / "handlingsplan"
    click.echo(f"  handlingsplan templates: {templates}" if templates.is_dir() else
               "  handlingsplan templates: on request, mognad handlingsplan <organisation code>")
    click.echo(f"  quality report:     {latest / 'quality' / 'index.html'}")
    click.echo(f"  quarantine:         {paths.quarantine}")
    click.echo(f"  warehouse (pipeline's own, do not open): {paths.warehouse}")
    db = latest / "mognad.duckdb"
    if db.exists():
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute(
                "select survey_year, count(*), count(maturity_index), "
                "round(avg(maturity_index), 1) "
                "from maturity_by_organisation group by all order by 1"
            ).fetchall()
        click.echo("")
        click.echo(
            "maturity_by_organisation: year, organisations, with a published index "
            "(others withheld or suppressed), county mean maturity index"
        )
        for year, n, published, mean in rows:
            click.echo(f"  {year}  {n:>3}  {published:>3}  {mean}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show Dagster's and dbt's full run logs.")
def main(verbose: bool) -> None:
    """mognad: the yearly digital-maturity survey pipeline (Dagster + dbt + DuckDB).

    The data root is $MOGNAD_DATA_DIR (default ./data). Every run is kept in the Dagster
    instance (default <data root>/dagster_home): `mognad ui` shows its full logs.
    """
    _LOG_LEVEL["level"] = "DEBUG" if verbose else "CRITICAL"
    # line by line to a terminal, a pipe or a log file, this process and the ones it starts
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    # At exit the interpreter's garbage collections walk every object this process made
    # or imported (Dagster's, dbt's, the manifest's) only to free memory the operating
    # system takes back anyway; frozen objects are left out of them (`gc.freeze`, run after
    # the exit handlers registered later: the step processes' server's, multiprocessing's).
    # Objects are still released by reference counting; what is left is cyclic garbage.
    atexit.register(gc.freeze)


@main.command(short_help="Load survey years: ingest, check, transform, publish.")
@click.argument("years", nargs=-1, type=int)
@click.option("--all", "all_years", is_flag=True, help="Load every year found under landing/.")
@click.option("--force", is_flag=True, help="Reload even when files and code are unchanged.")
def load(years: tuple[int, ...], all_years: bool, force: bool) -> None:
    """Load survey YEARS (ingest, validate, dbt, publish), oldest first."""
    from pipelines.landing import landing_years

    paths = DataPaths.current()
    if all_years == bool(years):
        raise click.UsageError("Name one or more years, or use --all (not both).")
    selected = landing_years(paths) if all_years else sorted(set(years))
    if not selected:
        raise click.UsageError(f"No survey year folders with files under {paths.landing}.")
    missing = [y for y in selected if not paths.landing_year(y).is_dir()]
    if missing:
        raise click.UsageError(
            f"No landing folder for {', '.join(map(str, missing))}: put the export files in "
            + " and ".join(str(paths.landing_year(y)) + "/" for y in missing) + " first."
        )
    from pipelines.ingest import PseudonymKeyError, load_secret

    try:
        load_secret(paths.root, create_if_missing=False)
    except PseudonymKeyError as error:
        raise click.ClickException(str(error)) from error
    check_data_root(paths)
    outcome = load_years(selected, force=force,
                         command="mognad load " + " ".join(map(str, selected)))
    _print_outputs(paths)
    failed = [y for y, (ok, _) in outcome.items() if not ok]
    if failed:
        click.echo(f"\nFailed years: {', '.join(map(str, failed))} (see the messages above).", err=True)
        sys.exit(1)


@main.command(short_help="Copy the bundled sample into the data root and load it.")
@click.option("--force", is_flag=True, help="Reload even when files and code are unchanged.")
def demo(force: bool) -> None:
    """Copy the bundled sample into the data root and load every sample year."""
    from pipelines.ingest import load_secret

    paths = DataPaths.current()
    paths.landing.mkdir(parents=True, exist_ok=True)
    for source in sorted(p for p in SAMPLE_LANDING_DIR.iterdir() if p.is_dir()):
        target = paths.landing_year(source.name)
        if target.exists():
            click.echo(f"landing/{source.name} exists already; left as it is")
        else:
            shutil.copytree(source, target)
            click.echo(f"copied sample {source.name} into {target}")
    _, where = load_secret(paths.root, create_if_missing=True)
    click.echo(f"pseudonymisation key: {where}")
    outcome = load_years(
        [int(p.name) for p in sorted(SAMPLE_LANDING_DIR.iterdir()) if p.is_dir()], force=force,
        command="mognad demo",
    )
    _print_outputs(paths)
    if not all(ok for ok, _ in outcome.values()):
        sys.exit(1)


@main.command("dry-run", short_help="Show how YEAR's export would be read; loads nothing.")
@click.argument("year", type=int)
@click.option("--profile", default=None, help="Export profile name (default: the folder's rule).")
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Landing folder to read (default: <data root>/landing/YEAR).",
)
def dry_run_command(year: int, profile: str | None, folder: Path | None) -> None:
    """Report how YEAR's export would be read and mapped, without loading anything.

    Exits 0 when the verdict is OK (a load would accept the files), 1 when it is REJECTED."""
    from pipelines.ingest import dry_run

    paths = DataPaths.current()
    report = dry_run(folder or paths.landing_year(year), year, profile=profile)
    click.echo(report.render())
    sys.exit(0 if report.ok else 1)


@main.command("sign-off", short_help="Record the council's decisions on YEAR and sign it off.")
@click.argument("year", type=int)
@click.option("--by", "by", required=True, metavar='"NAME, ROLE"',
              help="Who records the decision (name, role).")
@click.option("--comment", default="", help="The council's comment, e.g. the minutes' paragraph.")
@click.option(
    "--meeting-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the council decided (YYYY-MM-DD); default today.",
)
@click.option("--body", default=None, help="The deciding body; default Digitaliseringsrådet.")
@click.option(
    "--overrule",
    "overrules",
    multiple=True,
    metavar="CODE=REASON",
    help="Publish a withheld organisation's results, with the council's reason (repeatable).",
)
def sign_off(
    year: int,
    by: str,
    comment: str,
    meeting_date,
    body: str | None,
    overrules: tuple[str, ...],
) -> None:
    """Record the council's decisions on YEAR's data quality, and publish YEAR as reviewed.

    The items to decide are generated from YEAR's checks in the published snapshot
    (quality/<year>.html lists them): each withheld organisation is accepted as withheld
    unless overruled with --overrule CODE=REASON, which publishes its results; every other
    item is noted. The record goes to the append-only log <data root>/signoff/signoffs.jsonl
    (kept with the data, every event versioned); a new snapshot is published in which YEAR
    is "granskad" instead of "preliminär" (the tables are rebuilt first when a withholding
    is overruled). A later reload of YEAR that changes its data clears the sign-off again.
    What it prints is in Swedish, for the council's secretary.
    """
    from pipelines.decisions import DecisionError, decision_items, resolve_decisions
    from pipelines.orchestration import PUBLISHED_KEY, accepted_record, build_keys
    from pipelines.publish.snapshot import YEAR_STATUS_SV, current_manifest
    from pipelines.reports.council import QUALITY_TEXTS, decision_text
    from pipelines.reports.formatting import format_datetime
    from pipelines.reports.snapshot import SnapshotReader
    from pipelines.signoff import (
        DEFAULT_BODY,
        SignoffError,
        record_signoff,
        reviewed_data_fingerprint,
    )
    from pipelines.signoff_asset import report_signoff_event
    from pipelines.transform.warehouse import warehouse_build_unfinished

    paths = DataPaths.current()

    def refuse() -> click.ClickException:
        return click.ClickException(
            f"{year} är inte publicerat i {paths.published_latest}; läs in året först "
            f"(mognad load {year}). Ingenting har ändrats."
        )

    # A refusal changes nothing: a year that is not published is refused before the session
    # (which prepares the instance), and the session registers no partition (a year that can
    # be signed off is a partition already).
    if str(year) not in (current_manifest(paths.published) or {}).get("years", {}):
        raise refuse()
    instance = click.get_current_context().with_resource(
        _load_session(paths, f"mognad sign-off {year}", []))
    manifest = current_manifest(paths.published)
    record = accepted_record(instance, year)
    if manifest is None or str(year) not in manifest.get("years", {}) or record is None:
        raise refuse()
    with SnapshotReader(paths.published_latest) as snapshot:
        checks = [r for r in snapshot.rows("quality_check_results") if r["survey_year"] == year]
    items = decision_items(checks, check_titles={k: t.title for k, t in QUALITY_TEXTS.items()})
    parsed: dict[str, str] = {}
    for text in overrules:
        code, sep, reason = text.partition("=")
        if not sep:
            raise click.ClickException(f"--overrule tar KOD=SKÄL, fick {text!r}.")
        parsed[code.strip()] = reason.strip()
    try:
        decisions = resolve_decisions(items, parsed)
        event = record_signoff(
            paths.root, year, by, comment, reviewed_data_fingerprint(record),
            decisions=decisions,
            meeting_date=meeting_date.date() if meeting_date else None,
            body=body or DEFAULT_BODY,
        )  # fmt: skip
    except (SignoffError, DecisionError) as error:
        raise click.ClickException(str(error)) from error
    report_signoff_event(instance, event)  # the UI shows council/signoffs changed
    click.echo(
        f"{year} godkänt av {event['body']} vid sammanträdet {event['meeting_date']} "
        f"(registrerat av {event['by']} den {format_datetime(event['at'])}, "
        f"version {event['version']})."
    )
    for decision, item in zip(event["decisions"], items, strict=True):
        # the item, then the decision (the page's words): a withholding is named by its
        # organisation, so an overrule does not read "publiceras inte: … publiceras"
        subject = (f"{item.organisation_name} ({item.organisation_code}), undanhålls enligt "
                   f"kontrollen {', '.join(item.subjects)}" if item.kind == "withheld"
                   else f"{item.title} ({', '.join(item.subjects)})")
        click.echo(f"    {subject} – beslut: {decision_text(item.kind == 'withheld', decision)}")
    # an overrule changes what dbt withholds, and a warehouse whose last build did not
    # finish is built again, before it is published
    if parsed or warehouse_build_unfinished(paths):
        ok, _ = _run(instance, "bygger om tabellerna och publicerar", build_keys(),
                     words=RUN_OUTCOME_SV, dbt_summary=False)
    else:
        ok, _ = _run(instance, "publicerar", [PUBLISHED_KEY], words=RUN_OUTCOME_SV,
                     dbt_summary=False)
    if not ok:
        raise click.ClickException(
            "Godkännandet är registrerat, men publiceringen misslyckades; kör `mognad sign-off` "
            "igen, eller `mognad load --force` när felet är åtgärdat."
        )
    latest = current_manifest(paths.published) or {}
    status = latest.get("years", {}).get(str(year), {}).get("status")
    click.echo(
        f"Publicerad ögonblicksbild {latest.get('snapshot_id')}: {year} är "
        f"{YEAR_STATUS_SV.get(status, status)}."
    )


@main.command("actions", short_help="Read the council's handlingsplaner and publish.")
def actions_command() -> None:
    """Read the council's handlingsplaner in <data root>/actions/ into the action register,
    rebuild the tables and publish a snapshot (docs/actions.md). A rejected file is named with
    row and column and quarantined; its earlier accepted version stays in force. Exits 1
    when a file was rejected."""
    from pipelines.actions.register import last_load_rejected, last_load_summary
    from pipelines.orchestration import accepted_years, build_keys

    paths = DataPaths.current()
    instance = click.get_current_context().with_resource(
        _load_session(paths, "mognad actions", []))
    if not accepted_years(instance):
        raise click.ClickException("No survey year is loaded yet: run `mognad load` first.")
    ok, _ = _run(instance, "action register, transform and publish", build_keys())
    click.echo(last_load_summary(paths))
    if not ok or last_load_rejected(paths):
        sys.exit(1)


@main.command("sign-offs", short_help="List the council's sign-off history.")
@click.argument("year", type=int, required=False)
def sign_offs(year: int | None) -> None:
    """List the council's sign-off history (every event, oldest first), in Swedish: each
    sign-off with its meeting date, body and the withholdings it overrules; each clearing
    with when and why."""
    from pipelines.decisions import OVERRULE
    from pipelines.reports.formatting import format_date, format_datetime
    from pipelines.signoff import EVENT_CLEARED, EVENT_SIGNED_OFF, signoff_history

    labels = {EVENT_SIGNED_OFF: "godkänt", EVENT_CLEARED: "hävt"}
    root = DataPaths.current().root
    events = signoff_history(root, year)
    if not events:
        click.echo(f"Inga godkännanden registrerade i {root}.")
    for e in events:
        click.echo(
            f"{e['year']}  v{e['version']}  {labels.get(e['event'], e['event']):<8}  "
            f"{format_datetime(e['at'])}  "
            f"{e['by']}" + (f"  – {e['comment']}" if e.get("comment") else "")
        )
        if e["event"] == EVENT_SIGNED_OFF and e.get("meeting_date"):
            click.echo(f"      beslutat av {e.get('body') or 'rådet'} vid sammanträdet den "
                       f"{format_date(e['meeting_date'])}")
        for d in e.get("decisions") or []:
            if d.get("decision") == OVERRULE:
                code = d.get("organisation_code") or d["item"]
                click.echo(f"      publiceras genom rådets beslut: {code}, skäl: {d.get('reason')}")


def _on_request_command(name: str, short_help: str, things: str
                        ) -> Callable[[Callable[..., None]], click.Command]:
    """The shape of a command that makes files on request from a published snapshot, one
    per organisation code: ``mognad NAME ORGANISATION_CODE... [--out DIR] [--snapshot DIR]``
    (``things``: what ``--out`` receives, e.g. "PDFs"; its default is
    ``<data root>/reports/NAME``)."""

    def decorate(function: Callable[..., None]) -> click.Command:
        for option in (
            click.option(
                "--snapshot",
                type=click.Path(exists=True, file_okay=False, path_type=Path),
                default=None,
                help="Published snapshot to read (default: <data root>/published/latest).",
            ),
            click.option(
                "--out",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help=f"Folder to write the {things} into (default: <data root>/reports/{name}).",
            ),
            click.argument("codes", nargs=-1, required=True, metavar="ORGANISATION_CODE..."),
        ):
            function = option(function)
        return main.command(name, short_help=short_help)(function)

    return decorate


def _write_on_request(kind: str, codes: tuple[str, ...], out: Path | None,
                      snapshot: Path | None,
                      make: Callable[[Path, Sequence[str], Path], list[Path]],
                      unknown_code: str) -> None:
    """Make ``kind``'s files for ``codes`` with ``make(source, codes, target)`` (it returns
    the paths written) from the published snapshot (``--snapshot``, default
    ``published/latest``) into ``--out`` (default ``<data root>/reports/<kind>``, resolved),
    and print each path written. A missing snapshot is a ``ClickException``, a folder inside
    ``published/`` a usage error (published snapshots are never changed); a code ``make``
    does not know (its ``KeyError``) is a ``ClickException`` saying ``unknown_code`` with
    ``{code}`` and ``{source}`` filled in; its ``ValueError`` (e.g. a malformed code) a
    usage error."""
    paths = DataPaths.current()
    source = snapshot or paths.published_latest
    if not (source / "mognad.duckdb").is_file():
        raise click.ClickException(
            f"No published snapshot at {source}: load a survey year first (mognad load).")
    target = (out or paths.root / "reports" / kind).resolve()
    published = paths.published.resolve()
    if target == published or published in target.parents:
        raise click.UsageError(
            f"--out {target} is inside {published}: published snapshots are never changed; "
            "name another folder.")
    try:
        written = make(source, codes, target)
    except KeyError as error:
        raise click.ClickException(
            unknown_code.format(code=error.args[0], source=source)) from error
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    for path in written:
        click.echo(str(path))


@_on_request_command("pdf", "Make organisations' reports as PDF, on request.", "PDFs")
def pdf_command(codes: tuple[str, ...], out: Path | None, snapshot: Path | None) -> None:
    """Make organisations' reports as PDF from the published snapshot, on request.

    A snapshot with more organisations than a county has (a national one) carries each
    organisation's page and deck but not its PDF (docs/reports.md, "Many organisations");
    this command makes the PDF of each ORGANISATION_CODE as the publication makes it for a
    county, naming the snapshot in its footer. The published snapshot itself is never
    written to."""
    from pipelines.reports.build import organisation_pdf_on_request

    _write_on_request("pdf", codes, out, snapshot, organisation_pdf_on_request,
                      "No organisation with results has the code {code!r} in {source}.")


@_on_request_command("handlingsplan", "Make organisations' handlingsplan templates, on request.",
                     "templates")
def handlingsplan_command(codes: tuple[str, ...], out: Path | None,
                          snapshot: Path | None) -> None:
    """Make organisations' handlingsplan templates from the published snapshot, on request.

    A snapshot with more organisations than a county has (a national one) carries no
    handlingsplan templates (docs/actions.md); this command writes the template of each
    ORGANISATION_CODE as the publication writes it for a county (same file name and
    content, naming the snapshot). The published snapshot itself is never written to."""
    from pipelines.actions.template import templates_on_request

    _write_on_request("handlingsplan", codes, out, snapshot, templates_on_request,
                      "No organisation with results in the newest survey year has the code "
                      "{code!r} in {source}.")


@main.command(short_help="Start the Dagster UI and its daemon.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Host the UI listens on.")
@click.option("--port", default=3000, show_default=True, type=int, help="Port the UI listens on.")
def ui(host: str, port: int) -> None:
    """Start the Dagster UI and its daemon (``dg dev``) on this data root's instance.

    Stops on Ctrl-C and on SIGTERM. ``dagster dev`` handles SIGTERM as it handles SIGINT, so
    SIGINT's disposition is reset to the default before the exec: a shell starts a
    background job (``mognad ui &`` in a script) with SIGINT ignored, and ``dagster dev``
    would then ignore SIGTERM too."""
    from pipelines.transform.project import ensure_manifest

    paths = DataPaths.current()
    prepare_instance_home(paths)
    ensure_manifest(skip_if_unchanged=True)
    os.chdir(PROJECT_ROOT)
    if sys.prefix != sys.base_prefix:  # dg dev uses (and checks for) the active environment
        os.environ["VIRTUAL_ENV"] = sys.prefix
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # inherited by the exec'd process
    dg = executable("dg")
    # the workspace file, not dg's project settings: the code location that `mognad load`
    # records its runs under (execute_in_code_location) is declared there, once
    os.execv(dg, [dg, "dev", "--workspace", str(WORKSPACE_FILE), "--host", host,
                  "--port", str(port)])


if __name__ == "__main__":
    main()
