"""One load at a time per data root, and recovery from a load that was killed.

A load (``mognad load``, ``demo``, ``sign-off``, ``actions``) holds the data root's *load
lock* (``<data root>/.mognad-load.lock``, an OS file lock through ``filelock``, released by
the kernel when the process dies, however it dies) for as long as it runs, and describes
itself in ``.mognad-load.json`` beside it (process, command, years, since when; the
instance holds its runs, tagged with its token). A second load on the same data root refuses
with that description (:func:`another_load_message`), so there are never two writers; so
does a run started from the Dagster UI or the sensor while a ``mognad`` load runs
(:func:`refuse_if_another_load`, called by the steps that write; the sensor skips its tick),
and ``mognad load`` refuses while such a run is queued or running.

Every process of a load (the launcher, the step processes of its runs, their ``dbt``) carries
the load's token in its environment (:data:`LOAD_TOKEN_ENV`), and every run it starts is
tagged with it (:data:`LOAD_TOKEN_TAG`). When the launcher is killed, its step processes and
``dbt`` may live on (only the launcher was killed, e.g. by the OOM killer or ``kill -9
<pid>``), still writing the warehouse. The next load, holding the lock, finds the killed
load's runs still marked as in flight in the instance, stops the processes that carry its
token, marks the runs failed, frees their pool slots (:func:`recover_killed_loads`) and
removes the temporary folders a killed step leaves (:func:`remove_leftovers`); what it finds
is printed. Then the load itself finishes what the killed one left undone (the instance
says what is accepted and not yet published; ``pipelines.orchestration``).

Linux: processes are found through ``/proc``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipelines.settings import DataPaths

LOAD_TOKEN_ENV = "MOGNAD_LOAD_TOKEN"
"""Environment variable that every process of one load carries: the load's token."""

LAUNCHER_TAGS = ("mognad/launcher_host", "mognad/launcher_pid")
"""Tags of a run started by ``mognad``: the host and process that execute it."""

LOAD_TOKEN_TAG = "mognad/load_token"
"""Tag of a run started by ``mognad``: the token of the load it belongs to."""

LOCK_FILE = ".mognad-load.lock"
INFO_FILE = ".mognad-load.json"


class AnotherLoadError(Exception):
    """Another load writes this data root now; the message names it. ``holder``: the
    description of the ``mognad`` load that holds the lock (None for other reasons)."""

    def __init__(self, message: str, holder: dict | None = None):
        super().__init__(message)
        self.holder = holder


def another_load_message(paths: DataPaths, holder: dict | None, runs: list[str] = ()) -> str:
    """The refusal of a load while ``holder`` holds the data root's lock; ``runs``: its runs
    in flight as the instance describes them (e.g. ``run 1a2b… (year 2020)``)."""
    now = f"; its run now: {', '.join(runs)}" if runs else ""
    return (
        f"Another load is running on {paths.root}: {describe_load(holder)}{now}. Nothing was "
        "changed. Wait for it to finish (follow it in `mognad ui`) and run this again; there "
        "is never more than one load writing the warehouse."
    )


def _info_path(paths: DataPaths) -> Path:
    return paths.root / INFO_FILE


def _read_info(paths: DataPaths) -> dict | None:
    try:
        return json.loads(_info_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def describe_load(info: dict | None) -> str:
    """One line naming a running load from its ``.mognad-load.json``."""
    if not info:
        return "another mognad load (no description written yet)"
    from pipelines.reports.formatting import format_local_time

    return (f"`{info.get('command', 'mognad')}` (process {info.get('pid')} on "
            f"{info.get('host')}, since {format_local_time(info.get('since'))})")


@contextmanager
def load_lock(paths: DataPaths, command: str, years: list[int]) -> Iterator[dict]:
    """Hold the data root's load lock for the block and describe this load beside it; yields
    the description (a dict). Raises :class:`AnotherLoadError`
    at once when another load holds the lock. Sets this process's load token
    (:data:`LOAD_TOKEN_ENV`), which the processes it starts inherit."""
    paths.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(paths.root / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _read_info(paths)
        raise AnotherLoadError(another_load_message(paths, holder), holder) from None
    token = uuid.uuid4().hex
    os.environ[LOAD_TOKEN_ENV] = token
    info = {
        "token": token, "pid": os.getpid(), "host": socket.gethostname(), "command": command,
        "years": years, "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    _write_info(paths, info)
    try:
        yield info
    finally:
        _info_path(paths).unlink(missing_ok=True)
        os.environ.pop(LOAD_TOKEN_ENV, None)
        lock.release()


def _write_info(paths: DataPaths, info: dict) -> None:
    tmp = _info_path(paths).with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(info, indent=1), encoding="utf-8")
    os.replace(tmp, _info_path(paths))


def another_load(paths: DataPaths) -> str | None:
    """A description of the ``mognad`` load that holds the data root's lock, when it is not
    the one this process belongs to (by the load token in its environment); else None."""
    info = _read_info(paths)
    if info and info.get("token") == os.environ.get(LOAD_TOKEN_ENV):
        return None
    lock = FileLock(paths.root / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return describe_load(info)
    lock.release()
    return None


def refuse_if_another_load(paths: DataPaths | None = None) -> None:
    """For a step that writes: raise ``dagster.Failure`` naming the ``mognad`` load that
    writes this data root now, when the step belongs to another run (one started from the
    UI, the sensor or the schedule). Nothing has been written when it raises."""
    import dagster as dg

    paths = paths or DataPaths.current()
    other = another_load(paths)
    if other:
        raise dg.Failure(description=(
            f"A mognad load is writing {paths.root} now: {other}. This run changed nothing; "
            "launch it again when that load has finished."))


def _environ_token(pid: int) -> str | None:
    """The load token in process ``pid``'s environment (None when it has none, has ended
    or cannot be read)."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    prefix = f"{LOAD_TOKEN_ENV}=".encode()
    for item in raw.split(b"\0"):
        if item.startswith(prefix):
            return item[len(prefix):].decode()
    return None


def processes_of_load(token: str) -> dict[int, str]:
    """``{pid: command line}`` of the live processes that carry load token ``token``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        if _environ_token(int(entry.name)) == token:
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                continue
            if cmd:  # a zombie has no command line: it has ended
                found[int(entry.name)] = cmd
    return found


def _dbt_command(cmd: str) -> str | None:
    """``dbt <command>`` when the command line runs dbt, else None."""
    words = cmd.split()
    for i, word in enumerate(words[:-1]):
        if word.endswith("/dbt") or word == "dbt":
            return f"dbt {words[i + 1]}"
    return None


def _launcher_alive(run) -> bool:
    pid = int(run.tags.get(LAUNCHER_TAGS[1], "0"))
    token = run.tags.get(LOAD_TOKEN_TAG)
    if token:
        return _environ_token(pid) == token
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_processes(pids: list[int], wait_seconds: float = 20.0) -> None:
    """SIGKILL ``pids`` and wait until they are gone (their file locks, e.g. DuckDB's on
    the warehouse, are released then)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}/cmdline").exists()
                 and Path(f"/proc/{p}/cmdline").read_bytes()]
        if not alive:
            return
        time.sleep(0.1)


def recover_killed_loads(instance) -> dict[str, str]:
    """Find the runs of ``mognad`` loads on this host that the instance holds as queued or
    running while their launcher is gone (killed); stop the processes they left running
    (step processes, ``dbt``), mark the runs failed and free their pool slots. Returns
    ``{run id: what was found and done}``. Call it holding the load lock."""
    import dagster as dg

    from pipelines.orchestration import IN_FLIGHT
    from pipelines.reports.formatting import format_local_time

    found = {}
    for record in instance.get_run_records(dg.RunsFilter(
            statuses=list(IN_FLIGHT), tags={LAUNCHER_TAGS[0]: socket.gethostname()})):
        run = record.dagster_run
        if _launcher_alive(run):
            continue
        pid = run.tags.get(LAUNCHER_TAGS[1])
        token = run.tags.get(LOAD_TOKEN_TAG)
        left = processes_of_load(token) if token else {}
        stop_processes(list(left))
        instance.report_run_failed(
            run, message=f"The mognad process {pid} that ran it is gone (killed).")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        what = run.tags.get("dagster/partition")
        started = dt.datetime.fromtimestamp(record.create_timestamp.timestamp(), dt.UTC)
        line = (f"run {run.run_id} ({f'year {what}' if what else 'build and publish'}, "
                f"started {format_local_time(started)}) was killed with its mognad "
                f"process {pid}: marked failed, its warehouse slot freed")
        if left:
            dbt = sorted({d for d in map(_dbt_command, left.values()) if d})
            line += (f"; stopped the {len(left)} processes it left running ("
                     + (f"{', '.join(dbt)}, which held the warehouse, and " if dbt else "")
                     + "the run's step processes)")
        found[run.run_id] = line
    return found


LEFTOVER_PATTERNS = (
    ("published", ".*.partial"),  # a snapshot being written (pipelines.publish.snapshot)
    ("published", ".latest-*"),  # the new latest link before its rename
    ("warehouse/raw", ".*-old-*"),  # the replaced accepted year during a promotion
    ("warehouse/incoming", ".*-*"),  # a year's candidate tables being written
)
"""Where a killed step leaves temporary files: ``(folder under the data root, glob)``."""


def remove_leftovers(paths: DataPaths) -> list[Path]:
    """Remove what a killed load left half-written (:data:`LEFTOVER_PATTERNS`); returns the
    removed paths. None of them is ever read: each is the temporary side of a rename. Call
    it holding the load lock."""
    removed = []
    for folder, pattern in LEFTOVER_PATTERNS:
        for path in sorted((paths.root / folder).glob(pattern)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed
