"""``mognad`` — the data engineer's command line.

    mognad demo                 copy the bundled sample into the data root and load 2018–2020
    mognad load 2019            load one survey year (ingest → validate → dbt → publish)
    mognad load --all           load every year found under landing/
    mognad dry-run 2021         report how a landing folder would be read, loading nothing
    mognad sign-off 2019 --by "Anna Berg, digitaliseringsrådet" --comment "Möte 2020-03-12"
    mognad sign-offs            the council's sign-off history
    mognad ui                   open the Dagster UI (dagster dev) on the same instance
    mognad actions              read the handlingsplaner in actions/ and publish them

The data root is ``$MOGNAD_DATA_DIR`` (default ``./data``). Runs are recorded in the Dagster
instance at ``$DAGSTER_HOME`` (default ``<data root>/dagster_home``), so ``mognad ui`` shows
them. Exit status: 0 when every requested year loaded, 1 when any failed, 2 on usage errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sys
from pathlib import Path

import click

from pipelines.settings import PROJECT_ROOT, SAMPLE_LANDING_DIR, DataPaths, executable

DAGSTER_YAML = """\
# Written by mognad. Runs are serialised: DuckDB allows one writer.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
"""


def prepare_instance_home(paths: DataPaths) -> Path:
    """Set ``DAGSTER_HOME`` (default under the data root) and write its ``dagster.yaml`` once."""
    home = Path(os.environ.get("DAGSTER_HOME") or paths.dagster_home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _failure_messages(result) -> list[str]:
    """One line per failed step: the user-facing Failure description when there is one,
    else the innermost error of the cause chain (not Dagster's wrapper)."""
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
        messages.append(f"[{event.step_key}] {text.strip()}")
    return messages


def _instance_and_job(paths: DataPaths, years: list[int]):
    """The Dagster instance (``$DAGSTER_HOME``) with ``years`` registered as partitions, and
    the ``yearly_load`` job. Prepares the dbt manifest first (``dbt parse``)."""
    from pipelines.transform.project import ensure_manifest

    prepare_instance_home(paths)
    ensure_manifest(skip_if_unchanged=True)
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.partitions import survey_years

    instance = dg.DagsterInstance.get()
    existing = set(instance.get_dynamic_partitions(survey_years.name))
    missing = [str(y) for y in years if str(y) not in existing]
    if missing:
        instance.add_dynamic_partitions(survey_years.name, missing)
    return instance, defs.resolve_job_def("yearly_load")


def unchanged_since_load(paths: DataPaths, year: int) -> str | None:
    """Why loading ``year`` again would change nothing, or None when it must be loaded.

    A year is unchanged when its accepted input record (``warehouse/raw/<year>/inputs.json``)
    has the same landing fingerprint (content hashes of the landing files), the same
    reference fingerprint (export profiles, seeds, quality thresholds) and the same
    committed code version as now, and the published snapshot includes the year. A working
    tree with uncommitted changes (``-dirty``) always reloads.
    """
    from pipelines.ingest.assets import INPUTS_FILE
    from pipelines.landing import landing_fingerprint, reference_fingerprint
    from pipelines.publish.snapshot import current_manifest
    from pipelines.settings import code_version

    record_path = paths.raw_year(year) / INPUTS_FILE
    manifest = current_manifest(paths.published)
    if not record_path.exists() or manifest is None or str(year) not in manifest.get("years", {}):
        return None
    record = json.loads(record_path.read_text(encoding="utf-8"))
    version = code_version()
    fingerprint = landing_fingerprint(paths.landing_year(year))
    if version.endswith("-dirty") or record.get("code_version") != version:
        return None
    if record.get("landing_fingerprint") != fingerprint:
        return None
    if record.get("reference_fingerprint") != reference_fingerprint():
        return None  # a profile, seed or threshold changed (committed or not)
    return (
        f"unchanged: the files in landing/{year} are identical to the loaded ones "
        f"(fingerprint {fingerprint[:12]}), and the code, profiles and reference data are the "
        f"same ({version}); nothing to do (--force reloads anyway)"
    )


def _stage_keys(defs) -> tuple[list, list]:
    """Asset keys of the two phases of a load: ingest + validate (``survey_export`` and the
    promotion to ``raw``), and transform + publish (every dbt node and the snapshot)."""
    import dagster as dg

    graph = defs.resolve_asset_graph()
    ingest = [
        key
        for key in graph.get_all_asset_keys()
        if graph.get(key).is_materializable
        and (key == dg.AssetKey("survey_export") or key.path[0] == "raw")
    ]
    rest = [
        key
        for key in graph.get_all_asset_keys()
        if graph.get(key).is_materializable and key not in ingest
    ]
    return ingest, rest


_LOG_LEVEL = {"level": "CRITICAL"}
"""Dagster's console log level for runs started here: quiet unless ``mognad -v``. Every run's
full event log is kept in the instance either way (``mognad ui``)."""


def _run_config(ops: dict | None = None) -> dict:
    config: dict = {"loggers": {"console": {"config": {"log_level": _LOG_LEVEL["level"]}}}}
    if ops:
        config["ops"] = ops
    return config


def _execute(job, ops: dict | None = None, **kwargs):
    """``job.execute_in_process`` with what the run prints (dbt's log) kept in a log file
    under ``<data root>/logs/`` unless ``-v``; ``ops``: run config of ops by name. Returns
    (result, log path or None)."""
    if _LOG_LEVEL["level"] != "CRITICAL":
        return job.execute_in_process(
            run_config=_run_config(ops), raise_on_error=False, **kwargs
        ), None
    logs = DataPaths.current().root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = job.execute_in_process(run_config=_run_config(ops), raise_on_error=False, **kwargs)
    path = logs / f"{result.run_id}.log"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return result, path


def _run(job, instance, year: int, keys, label: str, ops: dict | None = None
         ) -> tuple[bool, list[str]]:
    result, log = _execute(
        job, ops, partition_key=str(year), instance=instance, asset_selection=keys
    )
    click.echo(f"==> {label}: {'done' if result.success else 'FAILED'} (run {result.run_id})")
    print_ingest_warnings(instance, result.run_id)
    messages = [] if result.success else _failure_messages(result)
    for message in messages:
        click.echo(message, err=True)
    if messages and log is not None and log.stat().st_size:
        click.echo(f"    (output of the run: {log})", err=True)
    return result.success, messages


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


def _ingest_phase(job, instance, paths: DataPaths, years: list[int], ingest_keys, force: bool
                  ) -> tuple[dict[int, tuple[bool, list[str]]], list[int]]:
    """Phase 1 of :func:`load_years` for every year, in this process: returns the outcome
    per year and the years promoted."""
    from pipelines.signoff import signoff_status

    outcome: dict[int, tuple[bool, list[str]]] = {}
    promoted: list[int] = []
    for year in years:
        reason = None if force else unchanged_since_load(paths, year)
        if reason:
            click.echo(f"==> {year}: {reason}")
            outcome[year] = (True, [reason])
            continue
        signed_before = signoff_status(paths.root, year)
        ok, messages = _run(job, instance, year, ingest_keys, f"{year}: ingest and validate")
        outcome[year] = (ok, messages)
        if ok:
            promoted.append(year)
        if signed_before and signoff_status(paths.root, year) is None:
            click.echo(
                f"==> {year}: the council's sign-off ({signed_before['by']}, "
                f"{signed_before['at']}) was cleared by this reload; {year} is preliminary again."
            )
    return outcome, promoted


def _can_fork() -> bool:
    """Phase 1 runs in a forked child when the platform forks and output goes to real file
    descriptors (not, e.g., click's test runner); ``MOGNAD_INGEST_IN_PROCESS=1`` turns it off."""
    if not hasattr(os, "fork") or os.environ.get("MOGNAD_INGEST_IN_PROCESS") == "1":
        return False
    try:
        sys.stdout.fileno()
        sys.stderr.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return False
    return True


def _preload_ingest_modules() -> None:
    """Import what the ingest and validation steps import lazily (Great Expectations alone
    takes about 2.3 s CPU), once in this process, so that every forked child inherits it
    instead of importing it again."""
    import great_expectations  # noqa: F401
    import great_expectations.expectations  # noqa: F401

    import pipelines.validation.gx_checks  # noqa: F401


def _in_child(function, *args):
    """``function(*args)`` in a forked child process; returns its (picklable) result.

    Why: the ingest of a national year (reading a 4-million-cell XLSX, GX checks) raises this
    process's resident memory by 1-1.5 GB that Python's and Arrow's allocators keep, and it
    would still be held while dbt's DuckDB process runs (docs/benchmarks.md, round 3). A
    forked child returns all of it to the system when it exits. Fork, not spawn: the child
    inherits the imported Dagster definitions (spawn would import them again, about 4 s);
    Dagster's SQLite storage opens a connection per operation (NullPool), so nothing shared
    is used by both. An exception in the child is raised here as RuntimeError with the
    child's traceback."""
    import multiprocessing
    import traceback

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def target() -> None:
        try:
            send.send(("ok", function(*args)))
        except BaseException:  # reported to the parent, which raises
            send.send(("error", traceback.format_exc()))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()

    sys.stdout.flush()
    sys.stderr.flush()
    child = context.Process(target=target, name="mognad-ingest")
    child.start()
    send.close()
    try:
        status, value = receive.recv()
    except EOFError:
        status, value = "error", "the ingest process ended without a result"
    child.join()
    if status != "ok":
        raise RuntimeError(f"ingest phase failed (exit code {child.exitcode}):\n{value}")
    return value


def load_years(years: list[int], *, force: bool = False) -> dict[int, tuple[bool, list[str]]]:
    """Load survey years, in two phases of Dagster runs of ``yearly_load``.

    1. For each year, oldest first: ingest and validate (``survey_export`` with its blocking
       checks, then the promotion to ``warehouse/raw/<year>/``). A year that fails stops
       there: it is quarantined, and its previously accepted data (if any) stay in use.
       Each year's phase 1 runs in a forked child process (:func:`_in_child`), so that its
       memory is returned before the next year and before dbt runs.
    2. Once, if any year was promoted: dbt over every accepted year, then one publication
       (partition = the newest year promoted). The dbt asset is told which years were
       promoted (run config ``survey_years_to_build``): its incremental models rebuild only
       those years when the other years are still valid, else everything
       (``pipelines.transform.incremental.plan_build``).

    This gives the same tables as running the whole job per year, with one dbt build and one
    snapshot instead of one per year. Years whose files and code are unchanged since they
    were loaded are skipped (reported, counted as success) unless ``force``. Returns
    ``{year: (success, messages)}``; a failure in phase 2 marks every year promoted in
    phase 1 as failed. A reload that clears the council's sign-off of a year says so.
    """
    paths = DataPaths.current()
    # _instance_and_job runs `dbt parse` before the definitions are imported: importing them
    # first would build the dbt assets from a stale manifest.
    instance, job = _instance_and_job(paths, years)
    from pipelines.definitions import defs

    ingest_keys, transform_keys = _stage_keys(defs)

    if _can_fork():
        # one child per year: the high-water mark is one year's, not the largest so far
        outcome, promoted = {}, []
        for year in years:
            reason = None if force else unchanged_since_load(paths, year)
            if reason:
                click.echo(f"==> {year}: {reason}")
                outcome[year] = (True, [reason])
                continue
            _preload_ingest_modules()
            one, done = _in_child(_ingest_phase, job, instance, paths, [year], ingest_keys, True)
            outcome.update(one)
            promoted += done
    else:
        outcome, promoted = _ingest_phase(job, instance, paths, years, ingest_keys, force)
    if promoted:
        label = f"transform and publish (accepted years; loaded now: {', '.join(map(str, promoted))})"
        ops = {"mognad_dbt_models": {"config": {"survey_years_to_build": promoted}}}
        ok, messages = _run(job, instance, promoted[-1], transform_keys, label, ops)
        if ok:
            from pipelines.transform.incremental import last_build

            build = last_build(paths)
            if build:
                click.echo(f"    dbt build: {build['reason']}")
        if not ok:
            for year in promoted:
                outcome[year] = (False, messages)
    for year in years:
        click.echo(f"==> {year}: {'loaded' if outcome[year][0] else 'FAILED'}"
                   + (" (unchanged)" if outcome[year][0] and year not in promoted else ""))
    return outcome


def _print_outputs(paths: DataPaths) -> None:
    latest = paths.published_latest
    click.echo("")
    click.echo("Outputs")
    click.echo(f"  data root:          {paths.root}")
    click.echo(f"  published snapshot: {latest} -> {os.readlink(latest) if latest.is_symlink() else '-'}")
    for name in ("mognad.duckdb", "parquet", "csv", "manifest.json", "docs/index.html"):
        click.echo(f"    {name:<17} {latest / name}")
    click.echo(f"  reports (Swedish):  {latest / 'reports' / 'index.html'}")
    click.echo(f"  slide decks:        {latest / 'slides'}")
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


@main.command()
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
            f"{paths.landing}/<year>/ first."
        )
    from pipelines.ingest import PseudonymKeyError, load_secret

    try:
        load_secret(paths.root, create_if_missing=False)
    except PseudonymKeyError as error:
        raise click.ClickException(str(error)) from error
    check_data_root(paths)
    outcome = load_years(selected, force=force)
    _print_outputs(paths)
    failed = [y for y, (ok, _) in outcome.items() if not ok]
    if failed:
        click.echo(f"\nFailed years: {', '.join(map(str, failed))} (see the messages above).", err=True)
        sys.exit(1)


@main.command()
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
        [int(p.name) for p in sorted(SAMPLE_LANDING_DIR.iterdir()) if p.is_dir()], force=force
    )
    _print_outputs(paths)
    if not all(ok for ok, _ in outcome.values()):
        sys.exit(1)


@main.command("dry-run")
@click.argument("year", type=int)
@click.option("--profile", default=None, help="Export profile name (default: the folder's rule).")
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Landing folder to read (default: <data root>/landing/YEAR).",
)
def dry_run_command(year: int, profile: str | None, folder: Path | None) -> None:
    """Report how YEAR's export would be read and mapped, without loading anything."""
    from pipelines.ingest import dry_run

    paths = DataPaths.current()
    report = dry_run(folder or paths.landing_year(year), year, profile=profile)
    click.echo(report.render())
    sys.exit(0 if report.ok else 1)


@main.command("sign-off")
@click.argument("year", type=int)
@click.option("--by", "by", required=True, help="Who reviewed the year (name, role).")
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
    meeting_date: dt.datetime | None,
    body: str | None,
    overrules: tuple[str, ...],
) -> None:
    """Record the council's decisions on YEAR's data quality, and publish YEAR as reviewed.

    The items to decide are generated from YEAR's checks in the published snapshot
    (quality/<year>.html lists them): each withheld organisation is accepted as withheld
    unless overruled with --overrule CODE=REASON, which publishes its results; every other
    item is noted. The record goes to the append-only log <data root>/signoff/signoffs.jsonl
    (kept with the data, every event versioned); a new snapshot is published in which YEAR
    is no longer "preliminär" (after rebuilding the tables when a withholding was
    overruled). A later reload of YEAR that changes its data clears the sign-off again.
    """
    from pipelines.decisions import DecisionError, decision_items, resolve_decisions
    from pipelines.ingest.assets import INPUTS_FILE
    from pipelines.publish.snapshot import current_manifest
    from pipelines.reports.council import QUALITY_TEXTS
    from pipelines.reports.snapshot import SnapshotReader
    from pipelines.signoff import DEFAULT_BODY, SignoffError, record_signoff

    paths = DataPaths.current()
    manifest = current_manifest(paths.published)
    record_path = paths.raw_year(year) / INPUTS_FILE
    if manifest is None or str(year) not in manifest.get("years", {}) or not record_path.exists():
        raise click.ClickException(
            f"{year} is not published in {paths.published_latest}; load it first (mognad load {year})."
        )
    fingerprint = json.loads(record_path.read_text(encoding="utf-8"))["landing_fingerprint"]
    with SnapshotReader(paths.published_latest) as snapshot:
        checks = [r for r in snapshot.rows("quality_check_results") if r["survey_year"] == year]
    items = decision_items(checks, check_titles={k: t.title for k, t in QUALITY_TEXTS.items()})
    parsed: dict[str, str] = {}
    for text in overrules:
        code, sep, reason = text.partition("=")
        if not sep:
            raise click.ClickException(f"--overrule takes CODE=REASON, got {text!r}.")
        parsed[code.strip()] = reason.strip()
    try:
        decisions = resolve_decisions(items, parsed)
        event = record_signoff(
            paths.root, year, by, comment, fingerprint,
            decisions=decisions,
            meeting_date=meeting_date.date() if meeting_date else None,
            body=body or DEFAULT_BODY,
        )  # fmt: skip
    except (SignoffError, DecisionError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{year} signed off by {event['body']} at its meeting {event['meeting_date']} "
        f"(recorded by {event['by']} at {event['at']}, version {event['version']})."
    )
    for decision, item in zip(event["decisions"], items, strict=True):
        verdict = "OVERRULED, published" if decision["decision"] == "overrule" else "accepted"
        click.echo(f"    {item.title}: {verdict}")
    import dagster as dg

    instance, job = _instance_and_job(paths, [year])
    if parsed:
        from pipelines.definitions import defs

        _, keys = _stage_keys(defs)
        label = "transform and publish (overruled withholding)"
    else:
        keys = [dg.AssetKey("published_snapshot")]
        label = "publish"
    ok, _ = _run(job, instance, year, keys, label)
    if not ok:
        raise click.ClickException(
            "The sign-off is recorded, but publishing it failed; run `mognad sign-off` again "
            "or `mognad load --force` after fixing the error."
        )
    latest = current_manifest(paths.published) or {}
    click.echo(
        f"Published snapshot {latest.get('snapshot_id')}: {year} is "
        f"{latest.get('years', {}).get(str(year), {}).get('status')}."
    )


@main.command("actions")
def actions_command() -> None:
    """Read the council's handlingsplaner in <data root>/actions/ into the action register,
    rebuild the tables and publish a snapshot (docs/actions.md). A rejected file is named with
    row and column and quarantined; its earlier accepted version stays in force."""
    from pipelines.actions.register import last_load_summary

    paths = DataPaths.current()
    raw = paths.warehouse / "raw"
    years = sorted(int(p.name) for p in raw.iterdir() if p.name.isdigit()) if raw.is_dir() else []
    if not years:
        raise click.ClickException("No survey year is loaded yet: run `mognad load` first.")
    instance, job = _instance_and_job(paths, years)
    from pipelines.definitions import defs

    _, transform_keys = _stage_keys(defs)
    ok, _ = _run(job, instance, years[-1], transform_keys, "action register, transform and publish")
    click.echo(last_load_summary(paths))
    if not ok:
        sys.exit(1)


@main.command("sign-offs")
@click.argument("year", type=int, required=False)
def sign_offs(year: int | None) -> None:
    """List the council's sign-off history (every event, oldest first)."""
    from pipelines.signoff import signoff_history

    root = DataPaths.current().root
    events = signoff_history(root, year)
    if not events:
        click.echo(f"No sign-offs recorded in {root}.")
    for e in events:
        click.echo(
            f"{e['year']}  v{e['version']}  {e['event']:<10}  {e['at']}  {e['by']}"
            + (f"  — {e['comment']}" if e.get("comment") else "")
        )


@main.command()
def ui() -> None:
    """Start the Dagster UI (``dagster dev``) on this data root's instance."""
    from pipelines.transform.project import ensure_manifest

    paths = DataPaths.current()
    prepare_instance_home(paths)
    ensure_manifest()
    os.chdir(PROJECT_ROOT)
    os.execv(executable("dagster"), [executable("dagster"), "dev", "-w", "workspace.yaml"])


if __name__ == "__main__":
    main()
