"""The Dagster instance's event log: Dagster's SQLite storage, with its files held open.

``dagster.yaml`` (written by ``mognad``, :data:`pipelines.cli.DAGSTER_YAML`) names
:class:`HeldOpenSqliteEventLogStorage` as the instance's ``event_log_storage``, so every
process that opens the instance uses it: ``mognad``, the step processes, the webserver and
daemon of ``mognad ui``, and the run workers they launch for the UI's runs, the sensor's,
the schedule's and backfills (the run launcher passes the instance's configuration on).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sqlite3
import threading
import weakref
from collections import OrderedDict

import dagster as dg
import sqlalchemy
from dagster._core.event_api import EventLogCursor
from dagster._core.storage.event_log import SqliteEventLogStorage
from watchdog.events import PatternMatchingEventHandler
from watchdog.observers import Observer

HELD_RUN_FILES = 4
"""How many runs' event log files one process keeps a connection open to at a time (the
most recently used; the cross-run index is held besides). A run writes into one file; the
rest serve a webserver or daemon that reads the events of several runs in turn."""

SYNCHRONOUS = sqlalchemy.text("PRAGMA synchronous=NORMAL")
"""Set on each of Dagster's connections before it writes: in write-ahead-log mode SQLite then
syncs the disk at each checkpoint instead of at each commit (SQLite's default, ``FULL``,
syncs the log at every commit: one event is two or three commits). The files stay
consistent whatever happens; a power cut (not a crash of a process) may lose the last
events before it, as it may lose the work of the step that wrote them: a load then sees
that year or publication as not done and does it again. Set before Dagster's statements,
outside a transaction, as SQLite requires."""


class HeldOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log storage (one file per run under ``base_dir`` and the
    cross-run index ``index.db``), storing and reading exactly as Dagster's does, that keeps
    one idle connection open to each file it used last (the index and the
    :data:`HELD_RUN_FILES` most recent runs' files) until the storage is disposed or the
    process ends.

    Why: Dagster's storage opens and closes a connection for every event it writes, and
    SQLite, in the write-ahead-log mode Dagster sets, checkpoints the log into the database
    file (two more disk syncs) whenever the *last* connection to a file closes. A run of the
    build writes a "planned" event per asset and per asset check before its first step, and
    its steps several events per asset: without a connection held, each of them paid a
    checkpoint. With one held, closing the others does not checkpoint; SQLite checkpoints by
    itself every 1,000 pages, and the last close (of the held connection) writes the rest
    into the database file. The held connections only read the schema once (no transaction
    is left open), so they hold no lock and never delay a writer or a checkpoint. A process
    that ends without closing them (a step process ends with ``os._exit``) leaves its
    committed events in the write-ahead log, which SQLite reads and checkpoints with the
    file's next connection: nothing is lost.

    Configured in ``dagster.yaml`` like Dagster's own (``event_log_storage`` with
    ``module: pipelines.event_log_storage``, ``class: HeldOpenSqliteEventLogStorage``,
    ``config: {base_dir: ...}``). It is a subclass because Dagster's SQLite storage offers
    no setting for this (its configuration is ``base_dir`` alone); it overrides only public
    methods (``from_config_value``, ``run_connection``, ``index_connection``, ``watch``,
    ``end_watch``, ``dispose``) and calls Dagster's for the work. ``watch`` (the UI's live
    view of a run's events) is its own: Dagster's watches the run's database file, which a
    held-open file changes only at checkpoints; this one watches its write-ahead log too
    (:class:`RunEventsWatcher`). Each of Dagster's connections is also set to sync the
    disk at checkpoints rather than at every commit (:data:`SYNCHRONOUS`)."""

    def __init__(self, base_dir: str, inst_data=None):
        self.held_files: OrderedDict[str, sqlite3.Connection] = OrderedDict()
        self.held_files_lock = threading.Lock()
        self.observer = None
        self.watchers: dict[tuple[str, object], tuple] = {}
        self.watchers_lock = threading.Lock()
        super().__init__(base_dir, inst_data=inst_data)
        storage = weakref.ref(self)
        atexit.register(lambda: storage() is not None and storage().release_held_files())

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> HeldOpenSqliteEventLogStorage:
        """The storage for the ``config`` of ``dagster.yaml``'s ``event_log_storage``."""
        return cls(inst_data=inst_data, **config_value)

    @contextlib.contextmanager
    def run_connection(self, run_id: str | None = None):
        """Dagster's connection to the file of run ``run_id`` (created with its schema on
        first use), with that file held open from then on."""
        with super().run_connection(run_id) as connection:
            if run_id:
                self.hold(self.path_for_shard(run_id), limit=True)
            connection.execute(SYNCHRONOUS)
            yield connection

    @contextlib.contextmanager
    def index_connection(self):
        """Dagster's connection to the cross-run index, with the index held open."""
        with super().index_connection() as connection:
            self.hold(self.path_for_shard("index"), limit=False)
            connection.execute(SYNCHRONOUS)
            yield connection

    def hold(self, path: str, *, limit: bool) -> None:
        """Open an idle connection to the SQLite file ``path`` unless one is held already;
        with ``limit``, close the least recently used run file's beyond
        :data:`HELD_RUN_FILES`. Called while Dagster's own connection to ``path`` is open,
        so the file exists with its schema and write-ahead-log mode."""
        with self.held_files_lock:
            if path in self.held_files:
                self.held_files.move_to_end(path)
                return
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.execute("select count(*) from sqlite_master").fetchone()
            self.held_files[path] = connection
            if limit:
                index = self.path_for_shard("index")
                runs = [p for p in self.held_files if p != index]
                for stale in runs[:-HELD_RUN_FILES]:
                    self.held_files.pop(stale).close()

    def release_held_files(self) -> None:
        """Close every held connection (the last close of a file checkpoints its log)."""
        with self.held_files_lock:
            while self.held_files:
                self.held_files.popitem(last=False)[1].close()

    def watch(self, run_id: str, cursor: str | None, callback) -> None:
        """Call ``callback(event, cursor)`` for each event of run ``run_id`` after ``cursor``
        as it is stored, by any process, until the run ends (what the UI's run page shows
        live): on every change of the run's file or of its write-ahead log."""
        with self.watchers_lock:
            if self.observer is None:
                self.observer = Observer()
                self.observer.daemon = True
                self.observer.start()
            observer = self.observer
        watcher = RunEventsWatcher(self, run_id, callback, cursor)
        # the observer's own lock is held while it hands on a change: none of ours is held
        # when calling it, so that a watcher that reads events (and holds a file) never waits
        watch = observer.schedule(watcher, os.path.dirname(self.path_for_shard(run_id)))
        with self.watchers_lock:
            self.watchers[(run_id, callback)] = (observer, watcher, watch)

    def end_watch(self, run_id: str, handler) -> None:
        """Stop calling ``handler`` for the events of run ``run_id``."""
        with self.watchers_lock:
            watched = self.watchers.pop((run_id, handler), None)
        if watched is not None:
            observer, watcher, watch = watched
            observer.remove_handler_for_watch(watcher, watch)

    def dispose(self) -> None:
        """Stop watching, close the held connections, then dispose of Dagster's storage."""
        with self.watchers_lock:
            observer, self.observer = self.observer, None
            self.watchers.clear()
        if observer is not None:
            observer.stop()
            observer.join(timeout=15)
        self.release_held_files()
        super().dispose()


class RunEventsWatcher(PatternMatchingEventHandler):
    """Hands the new events of one run to a callback whenever the run's event log file or its
    write-ahead log (``<run id>.db-wal``) is created or modified, reading them through the
    storage's public ``get_records_for_run`` from the last cursor handed on; stops watching
    when the callback says the run has ended (its status success, failure or canceled), as
    Dagster's own watcher of a SQLite event log does."""

    def __init__(self, storage: HeldOpenSqliteEventLogStorage, run_id: str, callback,
                 cursor: str | None):
        path = storage.path_for_shard(run_id)
        super().__init__(patterns=[path, f"{path}-wal"], ignore_directories=True)
        self.storage, self.run_id, self.callback, self.cursor = storage, run_id, callback, cursor
        self.lock = threading.Lock()

    def on_created(self, event) -> None:
        self.hand_on_new_events()

    def on_modified(self, event) -> None:
        self.hand_on_new_events()

    def hand_on_new_events(self) -> None:
        with self.lock:
            result = self.storage.get_records_for_run(self.run_id, self.cursor)
            if result.cursor:
                self.cursor = result.cursor
            for record in result.records:
                status = None
                try:
                    status = self.callback(
                        record.event_log_entry,
                        str(EventLogCursor.from_storage_id(record.storage_id)))
                except Exception:
                    logging.exception("Exception in callback for event watch on run %s.",
                                      self.run_id)
                if status in RUN_ENDED:
                    self.storage.end_watch(self.run_id, self.callback)


RUN_ENDED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
             dg.DagsterRunStatus.CANCELED)
"""The statuses after which a run has no more events to watch."""
