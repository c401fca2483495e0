"""What is loaded, as the Dagster instance records it, and the runs a load consists of.

The instance is the one record of what each survey year was built from:

- the promotion of a year (asset ``raw/survey_answers``, partition ``<year>``) records the
  year's *input record* in its materialisation metadata (``input_record``: landing files'
  content hashes, profile, instrument version, the year's :func:`input_version`) and the
  input version as its data version;
- each ``published_snapshot`` materialisation records the *publication key* it was made for
  (:func:`publication_key`: every accepted year's input version, its sign-off state, the
  code version and the model settings) and the input versions of the years it holds.

Two rules decide, for the sensor, the schedule, the UI and ``mognad load`` alike:

- :func:`unchanged_reason`: a year needs no load when its landing folder, export profiles,
  reference data, dbt settings and code are those of its accepted and published load;
- :func:`build_reason`: the warehouse and the publication must be rebuilt when a year was
  promoted after the last publication, or the publication key changed (e.g. a sign-off).

A load of survey years is the same runs of the one job ``survey_load`` whatever starts it:
one run per year for the per-year assets (:data:`INGEST_SELECTION`: read, check, promote;
the checks are attributed to the year's partition), then one run of the unpartitioned assets
(:data:`BUILD_SELECTION`: every dbt model over all accepted years, then the publication) —
the shape of a backfill from the UI.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import dagster as dg

from pipelines.landing import landing_fingerprint, reference_fingerprint
from pipelines.partitions import survey_years
from pipelines.publish.snapshot import current_manifest
from pipelines.settings import RAW_TABLES, DataPaths, code_version

LOAD_JOB = "survey_load"
"""The one job: every asset; per-year assets run per partition, the rest once."""

SURVEY_EXPORT_KEY = dg.AssetKey("survey_export")
RAW_ANSWERS_KEY = dg.AssetKey(["raw", "survey_answers"])
PUBLISHED_KEY = dg.AssetKey("published_snapshot")

INGEST_SELECTION = dg.AssetSelection.assets(SURVEY_EXPORT_KEY) | dg.AssetSelection.key_prefixes(
    ["raw"]
)
"""The per-year assets: the survey export (with its checks) and the promotion to ``raw``."""

BUILD_SELECTION = dg.AssetSelection.all() - INGEST_SELECTION
"""The assets over all accepted years: reference seeds, every dbt model, the publication."""

INPUT_RECORD = "input_record"
"""Metadata key of a year's input record on its ``survey_export`` and ``raw/*``
materialisations."""

PUBLICATION_KEY = "publication_key"
"""Metadata key of the publication key on a ``published_snapshot`` materialisation."""


def input_version(paths: DataPaths, year: int) -> str:
    """What a year's load is computed from, as one SHA-256 (hex): the content of its landing
    files (names and bytes, not times or inodes), the export profiles, reference seeds and
    dbt settings (``reference_fingerprint``) and the code version."""
    parts = (
        landing_fingerprint(paths.landing_year(year)),
        reference_fingerprint(),
        code_version(),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _latest_materialization(
    instance: dg.DagsterInstance, key: dg.AssetKey, partition: str | None = None
) -> dg.EventLogRecord | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None),
        limit=1,
    ).records
    return records[0] if records else None


def _metadata_value(record: dg.EventLogRecord | None, name: str) -> Any:
    if record is None or record.asset_materialization is None:
        return None
    entry = record.asset_materialization.metadata.get(name)
    return None if entry is None else entry.value


def accepted_years(instance: dg.DagsterInstance) -> list[int]:
    """Survey years with a promoted (accepted) ``raw`` partition in the instance, ascending."""
    keys = instance.get_dynamic_partitions(survey_years.name)
    materialized = instance.get_materialized_partitions(RAW_ANSWERS_KEY)
    return sorted(int(k) for k in keys if k in materialized)


def accepted_record(instance: dg.DagsterInstance, year: int) -> dict[str, Any] | None:
    """The input record of a year's accepted load (its last promotion), or None."""
    return _metadata_value(_latest_materialization(instance, RAW_ANSWERS_KEY, str(year)), INPUT_RECORD)


def accepted_records(instance: dg.DagsterInstance) -> list[dict[str, Any]]:
    """The input record of every accepted year, sorted by year. Raises ``RuntimeError``
    when a promoted year has no record (promoted by an older version of the pipeline)."""
    records = []
    for year in accepted_years(instance):
        record = accepted_record(instance, year)
        if record is None:
            raise RuntimeError(
                f"The Dagster instance has no input record for {year}'s accepted data; "
                f"load {year} again (mognad load {year} --force)."
            )
        records.append(record)
    return records


def publication_key(instance: dg.DagsterInstance, paths: DataPaths) -> str:
    """SHA-256 (hex) of what a publication is made from: every accepted year's input
    version and sign-off state, the code version, the model settings (``dbt_project.yml``
    vars) and the council's action register in force. Equal keys mean equal snapshots, whatever bytes a rebuild
    would write."""
    from pipelines.publish.assets import model_settings
    from pipelines.signoff import signoff_status

    years = {}
    for record in accepted_records(instance):
        signed = signoff_status(paths.root, record["year"])
        years[str(record["year"])] = {
            "input_version": record["input_version"],
            "signoff_version": signed["version"] if signed else None,
        }
    text = json.dumps(
        {
            "years": years,
            "code_version": code_version(),
            "settings": model_settings(),
            "actions": _action_register_version(paths),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _action_register_version(paths: DataPaths) -> str | None:
    """SHA-256 (hex) of the action register in force (its two Parquet files under
    ``warehouse/actions/``), or None when there is none yet."""
    from pipelines.actions.register import HISTORY_FILE, REGISTER_FILE

    folder = paths.warehouse / "actions"
    files = [folder / REGISTER_FILE, folder / HISTORY_FILE]
    if not any(f.exists() for f in files):
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"-")
    return digest.hexdigest()


def published_input_versions(instance: dg.DagsterInstance) -> dict[str, str]:
    """``{year: input version}`` of the years in the latest publication (empty if none)."""
    return _metadata_value(_latest_materialization(instance, PUBLISHED_KEY), "input_versions") or {}


def publication_summary(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """What run ``run_id`` published, in one line: the new snapshot it made, or that its
    inputs were those of the latest snapshot, which stays (its ``published_snapshot``
    materialisation's ``snapshot_id`` and ``unchanged``); None when it did not
    materialise ``published_snapshot``."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = record.asset_materialization
        if materialization is None or materialization.asset_key != PUBLISHED_KEY:
            continue
        snapshot = _metadata_value(record, "snapshot_id")
        if snapshot is None:
            return None
        if _metadata_value(record, "unchanged"):
            return (f"no new snapshot: the inputs are those of snapshot {snapshot}, which "
                    "published/latest still shows")
        return f"new snapshot {snapshot}, now published/latest"
    return None


def latest_attempt_failed(instance: dg.DagsterInstance, year: int) -> bool:
    """Whether the year's partition of a per-year asset (:data:`INGEST_SELECTION`) shows
    "Failed" in the UI: its latest planned materialisation belongs to a run that failed
    before materialising it (a rejected or interrupted load), whatever was accepted before.
    Read with Dagster's ``get_status_by_partition``, the status the UI's partition views
    show, for two of the five assets (:data:`FAILURE_WITNESSES`), which give the same answer."""
    for key in FAILURE_WITNESSES:
        status = instance.get_status_by_partition(key, [str(year)], survey_years) or {}
        if status.get(str(year)) == dg.AssetPartitionStatus.FAILED:
            return True
    return False


FAILURE_WITNESSES = (SURVEY_EXPORT_KEY, dg.AssetKey(["raw", RAW_TABLES[-1]]))
"""The per-year assets whose partition status :func:`latest_attempt_failed` reads: one per
step of a year's ingest run. The four ``raw`` tables are one multi-asset step that cannot be
subset and yields them in the order of ``RAW_TABLES``; a run that plans them and fails leaves
the last one unmaterialised, so "Failed" whenever any of the four is (before any yield, all
four; between two yields, the later ones). ``survey_export`` is read as well: the UI can
materialise it alone, and a failure of such a run shows on it only."""


def accepted_load_in_force(instance: dg.DagsterInstance, paths: DataPaths, year: int) -> str:
    """One sentence for the failure of a rejected load of ``year``: which accepted load of the
    year stays in force (promotion time in Stockholm, landing fingerprint) and whether
    ``published/latest`` (snapshot id) still shows it; or that no load of the year was
    accepted, so the year is neither in the warehouse nor published."""
    import datetime as dt

    from pipelines.reports.formatting import format_local_time

    promoted = _latest_materialization(instance, RAW_ANSWERS_KEY, str(year))
    record = _metadata_value(promoted, INPUT_RECORD)
    if promoted is None or record is None:
        return (f"No earlier load of {year} was accepted: {year} is neither in the warehouse nor "
                "published until files that pass are loaded.")
    at = format_local_time(dt.datetime.fromtimestamp(promoted.timestamp, dt.UTC))
    manifest = current_manifest(paths.published) or {}
    if published_input_versions(instance).get(str(year)) == record.get("input_version") and (
            str(year) in manifest.get("years", {})):
        shown = (f"and published: published/latest (snapshot {manifest['snapshot_id']}) "
                 "is unchanged")
    else:
        shown = "but is not published yet (the next build publishes it)"
    return (f"The earlier accepted load of {year} (promoted {at}, landing fingerprint "
            f"{record['landing_fingerprint'][:12]}) stays in force {shown}. In the UI the "
            f"{year} partition shows this rejected run as Failed until files that pass are "
            "loaded; loading the accepted files again also clears it.")


def unchanged_reason(instance: dg.DagsterInstance, paths: DataPaths, year: int) -> str | None:
    """Why loading ``year`` again would change nothing, or None when it must be loaded.

    Unchanged: the year's accepted load and the latest publication were made from the same
    :func:`input_version` as the landing folder has now, ``published/latest`` is complete
    and holds the year, and the year's latest load attempt did not fail
    (:func:`latest_attempt_failed`: after a rejected reload, loading the accepted files
    again materialises the partition anew, so that it no longer shows the failure). A
    working tree with uncommitted changes (code version ``-dirty``) always loads."""
    version = code_version()
    if version.endswith("-dirty"):
        return None
    if latest_attempt_failed(instance, year):
        return None
    record = accepted_record(instance, year)
    current = input_version(paths, year)
    if record is None or record.get("input_version") != current:
        return None
    if published_input_versions(instance).get(str(year)) != current:
        return None
    if str(year) not in (current_manifest(paths.published) or {}).get("years", {}):
        return None  # published/latest deleted or damaged by hand: publish again
    return (
        f"unchanged: the files in landing/{year} are identical to the loaded ones "
        f"(fingerprint {record['landing_fingerprint'][:12]}), and the code, profiles and "
        f"reference data are the same ({version}); nothing to do (--force reloads anyway)"
    )


def unpublished_reason(instance: dg.DagsterInstance, paths: DataPaths, year: int) -> str | None:
    """Why ``year`` needs no ingest but its publication is due, or None: its landing folder
    is what its accepted load was made from (same :func:`input_version`), but the latest
    publication does not hold that version (an earlier load was stopped after the promotion
    and before the publication). The build then publishes it. None as well when the year's
    latest load attempt failed (:func:`latest_attempt_failed`): the year is loaded again."""
    version = code_version()
    if version.endswith("-dirty") or latest_attempt_failed(instance, year):
        return None
    record = accepted_record(instance, year)
    if record is None or record.get("input_version") != input_version(paths, year):
        return None
    if published_input_versions(instance).get(str(year)) == record["input_version"] and str(
            year) in (current_manifest(paths.published) or {}).get("years", {}):
        return None
    return (
        f"the files in landing/{year} were accepted already (fingerprint "
        f"{record['landing_fingerprint'][:12]}) by a load that stopped before publishing "
        "them: building and publishing them now"
    )


def build_reason(instance: dg.DagsterInstance, paths: DataPaths) -> str | None:
    """Why the warehouse and the publication must be built now, or None when they are up to
    date: nothing published yet, the last warehouse build did not finish (failed or
    killed), ``published/latest`` missing or incomplete, a year promoted after the last
    publication with other inputs than those published, or a changed
    :func:`publication_key` (a sign-off, code or settings).

    A year promoted again from the inputs the publication holds (the accepted files loaded
    again after a rejected reload: same :func:`input_version`: the same answers in ``raw``
    and the same data version) needs no build: the dbt models and the snapshot would be made from
    what they were made from. With uncommitted code changes (``-dirty``) the input version
    does not tell one working tree from another, so any promotion rebuilds."""
    from pipelines.transform.warehouse import warehouse_build_unfinished

    published = _latest_materialization(instance, PUBLISHED_KEY)
    promoted = _latest_materialization(instance, RAW_ANSWERS_KEY)
    if promoted is None:
        return None  # nothing accepted: nothing to build
    if published is None:
        return "nothing published yet"
    if warehouse_build_unfinished(paths):
        return "the last build of the warehouse did not finish (it failed or was killed)"
    if current_manifest(paths.published) is None:
        return "the published snapshot is missing or incomplete"
    if promoted.storage_id > published.storage_id and (
            code_version().endswith("-dirty") or published_input_versions(instance) != {
                str(r["year"]): r["input_version"] for r in accepted_records(instance)}):
        return "a survey year was promoted after the last publication"
    if _metadata_value(published, PUBLICATION_KEY) != publication_key(instance, paths):
        return "the sign-off state, code or settings changed since the last publication"
    return None


def accepted_files_again(instance: dg.DagsterInstance, paths: DataPaths, year: int) -> bool:
    """Whether the year's latest load attempt failed (:func:`latest_attempt_failed`) and its
    landing folder holds the files of its accepted load again (same :func:`input_version`):
    a load of the year then only clears the failure, the build has nothing new to build
    (:func:`build_reason`)."""
    record = accepted_record(instance, year) or {}
    return (record.get("input_version") == input_version(paths, year)
            and latest_attempt_failed(instance, year))


def ingest_request(instance: dg.DagsterInstance, paths: DataPaths, year: int) -> dg.RunRequest:
    """The run that reads, checks and promotes one year; its run key names the year's input
    version, so the same files never start two runs from a sensor. When the accepted files
    are back after a failed attempt (:func:`accepted_files_again`), the key also names that
    accepted promotion (its event's storage id): those files were loaded by an earlier run
    of the same key, and are loaded once more to clear the failure; a new key only after the
    next accepted load, so a reload that fails again is not retried at every tick."""
    run_key = f"ingest-{year}-{input_version(paths, year)[:16]}"
    if accepted_files_again(instance, paths, year):
        promoted = _latest_materialization(instance, RAW_ANSWERS_KEY, str(year))
        run_key += f"-after-failure-{promoted.storage_id}"
    return dg.RunRequest(
        partition_key=str(year),
        asset_selection=ingest_keys(),
        run_key=run_key,
        tags={"mognad/load": "ingest"},
    )


def build_request(run_key: str | None = None) -> dg.RunRequest:
    """The run that builds every dbt model over all accepted years and publishes."""
    return dg.RunRequest(
        asset_selection=build_keys(),
        run_key=run_key,
        tags={"mognad/load": "build"},
    )


def _selected_keys(selection: dg.AssetSelection) -> list[dg.AssetKey]:
    from pipelines.definitions import defs

    return sorted(selection.resolve(defs.resolve_asset_graph()), key=lambda k: k.to_user_string())


def ingest_keys() -> list[dg.AssetKey]:
    """The asset keys of :data:`INGEST_SELECTION`."""
    return _selected_keys(INGEST_SELECTION)


def build_keys() -> list[dg.AssetKey]:
    """The asset keys of :data:`BUILD_SELECTION`."""
    return _selected_keys(BUILD_SELECTION)


IN_FLIGHT = (
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
)


def loads_in_flight(instance: dg.DagsterInstance) -> bool:
    """Whether a run of the load job is queued or running."""
    return bool(
        instance.get_run_records(dg.RunsFilter(job_name=LOAD_JOB, statuses=list(IN_FLIGHT)), limit=1)
    )


def build_run_key(instance: dg.DagsterInstance, paths: DataPaths) -> str:
    """Run key of a rebuild: the last promotion and the publication key it is for, so a
    sensor asks for each rebuild once (a failed one waits for a change)."""
    promoted = _latest_materialization(instance, RAW_ANSWERS_KEY)
    return f"build-{promoted.storage_id if promoted else 0}-{publication_key(instance, paths)[:16]}"
