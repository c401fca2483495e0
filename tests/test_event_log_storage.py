"""The instance's event log (``dagster.yaml`` as ``mognad`` writes it) keeps its SQLite files
open between events, in every process that opens the instance, and loses no event."""

from __future__ import annotations

import uuid
from pathlib import Path

import dagster as dg
import pytest

from pipelines.event_log_storage import HELD_RUN_FILES, HeldOpenSqliteEventLogStorage

NUMBERS_JOB = """
import dagster as dg


@dg.asset
def first_number() -> int:
    return 1


@dg.asset
def second_number(first_number: int) -> int:
    return first_number + 1


def numbers_job():
    return dg.Definitions(
        assets=[first_number, second_number],
        jobs=[dg.define_asset_job("numbers", executor_def=dg.multiprocess_executor)],
    ).resolve_job_def("numbers")


if __name__ == "__main__":
    from numbers_job import numbers_job as importable

    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(dg.reconstructable(importable), instance=instance)
    print(result.run_id if result.success else "FAILED")
"""
"""A job of two assets, each step in a process of its own (Dagster's multiprocess executor),
executed against the instance at ``$DAGSTER_HOME`` by a process of its own."""


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An instance home with the ``dagster.yaml`` that ``mognad`` writes."""
    from pipelines.cli import prepare_instance_home
    from pipelines.settings import DataPaths

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / "data"))
    return prepare_instance_home(DataPaths.current())


def wal(storage, shard: str) -> Path:
    """The write-ahead log of an event log file (``<shard>.db-wal``)."""
    return Path(storage.path_for_shard(shard) + "-wal")


def test_every_process_opening_the_instance_gets_the_storage(home):
    """``mognad``'s instance, and the instance a run launcher or the multiprocess executor
    gives its processes (rebuilt from the instance's reference), use the storage, in
    Dagster's default folder for it."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.event_log_storage) is HeldOpenSqliteEventLogStorage
        assert Path(instance.event_log_storage.path_for_shard("index")) == (
            home / "history" / "runs" / "index.db")
        with dg.DagsterInstance.from_ref(instance.get_ref()) as launched:
            assert type(launched.event_log_storage) is HeldOpenSqliteEventLogStorage
            assert launched.event_log_storage.path_for_shard("x") == (
                instance.event_log_storage.path_for_shard("x"))


def test_files_stay_open_between_events_and_every_event_is_there_after(home, tmp_path):
    """With Dagster's own SQLite storage each event's connection closes the file and
    checkpoints: no write-ahead log is left between events. With the instance's storage the
    log stays and grows between events (no checkpoint per event); when the instance is
    disposed, the last close writes it into the files and every event is there."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        run = instance.add_run(dg.DagsterRun(job_name="survey_load", run_id=str(uuid.uuid4())))
        sizes = []
        for n in range(3):
            instance.report_engine_event(f"event {n}", run)
            instance.report_runless_asset_event(dg.AssetMaterialization(f"asset_{n}"))
            sizes.append((wal(storage, run.run_id).stat().st_size,
                          wal(storage, "index").stat().st_size))
        assert sizes[0][0] > 0 and sizes[0][1] > 0
        assert sizes[2][0] > sizes[0][0] and sizes[2][1] > sizes[0][1]
    assert not wal(storage, run.run_id).exists() and not wal(storage, "index").exists()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert [e.message for e in instance.all_logs(run.run_id)] == [
            "event 0", "event 1", "event 2"]
        for n in range(3):
            assert instance.fetch_materializations(dg.AssetKey(f"asset_{n}"), limit=1).records

    plain_home = tmp_path / "plain"
    plain_home.mkdir()
    (plain_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(str(plain_home)) as plain:
        assert type(plain.event_log_storage) is not HeldOpenSqliteEventLogStorage
        run = plain.add_run(dg.DagsterRun(job_name="survey_load", run_id=str(uuid.uuid4())))
        plain.report_engine_event("event", run)
        plain.report_runless_asset_event(dg.AssetMaterialization("asset"))
        storage = plain.event_log_storage
        assert not wal(storage, run.run_id).exists() and not wal(storage, "index").exists()


def test_dagsters_connections_sync_at_checkpoints_not_at_each_commit(home):
    """Each connection Dagster writes events through is in SQLite's ``synchronous=NORMAL``
    (1), not the default ``FULL`` (2) that syncs the disk at every commit; the files stay in
    write-ahead-log mode."""
    import sqlalchemy

    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        run = instance.add_run(dg.DagsterRun(job_name="survey_load", run_id=str(uuid.uuid4())))
        instance.report_engine_event("event", run)
        for connect in (lambda: storage.run_connection(run.run_id), storage.index_connection):
            with connect() as connection:
                assert connection.execute(sqlalchemy.text("PRAGMA synchronous")).scalar() == 1
                assert connection.execute(
                    sqlalchemy.text("PRAGMA journal_mode")).scalar() == "wal"
        held = storage.held_files[storage.path_for_shard(run.run_id)]
        assert held.execute("PRAGMA synchronous").fetchone() == (2,)  # SQLite's default


def test_the_ui_sees_a_runs_events_as_they_are_written(home):
    """The UI's live view of a run (another process's instance watching the run's events)
    gets each event while the writer holds the files open, though the run's database file
    itself does not change between events then (they are in its write-ahead log, which
    Dagster's own watcher does not look at)."""
    import os
    import time

    from dagster._core.event_api import EventLogCursor

    seen = []
    with dg.DagsterInstance.from_config(str(home)) as writer, \
            dg.DagsterInstance.from_config(str(home)) as webserver:
        run = writer.add_run(dg.DagsterRun(job_name="survey_load", run_id=str(uuid.uuid4())))
        writer.report_engine_event("event 0", run)
        database = Path(writer.event_log_storage.path_for_shard(run.run_id))
        changed = os.stat(database).st_mtime_ns
        webserver.watch_event_logs(run.run_id, None, lambda event, cursor: seen.append(
            (event.message, cursor)))
        for n in (1, 2):
            time.sleep(0.2)  # a change a file-system watcher reports on its own
            writer.report_engine_event(f"event {n}", run)
        deadline = time.monotonic() + 30
        while len(seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert os.stat(database).st_mtime_ns == changed
        assert [message for message, _ in seen] == ["event 0", "event 1", "event 2"]
        ids = [r.storage_id for r in writer.get_records_for_run(run.run_id).records]
        assert [cursor for _, cursor in seen] == [
            str(EventLogCursor.from_storage_id(i)) for i in ids]


def test_a_process_holds_few_run_files(home):
    """A webserver or daemon reads the events of many runs: it keeps the index and the
    :data:`HELD_RUN_FILES` runs it used last open, no more."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        runs = [instance.add_run(dg.DagsterRun(job_name="survey_load", run_id=str(uuid.uuid4())))
                for _ in range(HELD_RUN_FILES + 2)]
        for run in runs:
            instance.report_engine_event("event", run)
        held = set(storage.held_files)
        assert held == {storage.path_for_shard("index"),
                        *(storage.path_for_shard(r.run_id) for r in runs[-HELD_RUN_FILES:])}
        # the run files no longer held were checkpointed when their connection closed
        for run in runs[:2]:
            assert not wal(storage, run.run_id).exists()
        assert wal(storage, runs[-1].run_id).exists()


def test_a_run_in_step_processes_records_every_event(home, tmp_path):
    """A run executed the way the UI's run worker executes it (a process that opens the
    instance at ``$DAGSTER_HOME``; the multiprocess executor, each step in a process of its
    own that opens the instance from its reference and ends without closing it): every
    step's events are in the run's file and in the cross-run index, and no write-ahead log
    is left once the processes have ended."""
    import os
    import subprocess
    import sys

    (tmp_path / "numbers_job.py").write_text(NUMBERS_JOB)
    done = subprocess.run(
        [sys.executable, "numbers_job.py"], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(tmp_path)}, timeout=300)
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.strip().splitlines()[-1]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        assert not wal(storage, run_id).exists() and not wal(storage, "index").exists()
        events = [e.dagster_event.event_type_value for e in instance.all_logs(run_id)
                  if e.is_dagster_event]
        assert events.count("STEP_SUCCESS") == 2
        assert events.count("ASSET_MATERIALIZATION") == 2
        assert events[-1] == dg.DagsterEventType.RUN_SUCCESS.value
        for key in ("first_number", "second_number"):
            record = instance.fetch_materializations(dg.AssetKey(key), limit=1).records[0]
            assert record.run_id == run_id
