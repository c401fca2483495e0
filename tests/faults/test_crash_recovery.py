"""A load killed with SIGKILL at each stage boundary, and the next load that recovers.

Each case delivers a corrected 2020 export to a copy of a loaded data root, starts `mognad
load 2020` in a session of its own, watches the data root for the state that marks the
boundary (no hook in the pipeline: the test polls what the load writes) and kills then —
the whole process group, as `kill -9 -PGID` does, or only the launcher (as the OOM killer or
`kill -9 <pid>` does, which leaves its step processes and dbt running). Then it asserts what
a data engineer needs: `published/latest` is the old complete snapshot or a new complete
one; the next `mognad load 2020` exits 0, says what it found, stops what the killed load
left running, frees its pool slot and marks its run failed in the instance, publishes the
corrected 2020 (never "unchanged" while the snapshot is older than the accepted files),
leaves no temporary folder and a usable warehouse; the other years' accepted data are
untouched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from fault_support import ROOT, accepted, correct_2020, mognad, mognad_env, published, tree_digest

from pipelines.landing import landing_fingerprint
from pipelines.load_guard import INFO_FILE, LEFTOVER_PATTERNS
from pipelines.orchestration import IN_FLIGHT
from pipelines.publish.health import snapshot_problems
from pipelines.settings import WAREHOUSE_POOL
from pipelines.transform.warehouse import BUILD_UNFINISHED_FILE

pytestmark = pytest.mark.e2e

BUILD_TARGETS = ROOT / "dbt_project" / "target"


def group_processes(pgid: int) -> dict[int, str]:
    """``{pid: command line}`` of the live processes in process group ``pgid``."""
    out = subprocess.run(["ps", "-eo", "pid=,pgid=,stat=,args="], capture_output=True,
                         text=True).stdout
    found = {}
    for line in out.splitlines():
        pid, group, stat, *args = line.split(None, 3)
        if int(group) == pgid and not stat.startswith("Z"):
            found[int(pid)] = " ".join(args)
    return found


def _promoted(data: Path, before: dict) -> bool:
    raw = data / "warehouse" / "raw" / "2020"
    return raw.exists() and raw.stat().st_ino != before["raw_inode"]


def _dbt_started(data: Path, before: dict) -> bool:
    return (data / "warehouse" / BUILD_UNFINISHED_FILE).exists()


def _dbt_half_way(data: Path, before: dict) -> bool:
    """At least three models built by this load's dbt (its compiled SQL under run/)."""
    if not _dbt_started(data, before):
        return False
    for folder in BUILD_TARGETS.glob("mognad_dbt_models-*"):
        if folder.stat().st_mtime >= before["t0"] and len(list(folder.glob("run/**/*.sql"))) >= 3:
            return True
    return False


def _publishing(data: Path, before: dict) -> bool:
    return any((data / "published").glob(".*.partial/parquet/*.parquet"))


def _published(data: Path, before: dict) -> bool:
    return os.readlink(data / "published" / "latest") != before["latest"]


KILL_POINTS: dict[str, Callable[[Path, dict], bool]] = {
    "after_promotion": _promoted,
    "before_dbt": _dbt_started,
    "middle_of_dbt": _dbt_half_way,
    "middle_of_publication": _publishing,
    "after_publication": _published,
}


def kill_load_at(data: Path, point: str, *, whole_group: bool) -> tuple[int, str]:
    """Start `mognad load 2020` and SIGKILL it when ``KILL_POINTS[point]`` holds; returns
    the launcher's pid (= its process group) and its output."""
    before = {"t0": time.time(), "latest": os.readlink(data / "published" / "latest"),
              "raw_inode": (data / "warehouse" / "raw" / "2020").stat().st_ino}
    log = data.parent / "killed-load.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "load", "2020"],
                                cwd=ROOT, env=mognad_env(data), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 1500
    while not KILL_POINTS[point](data, before):
        assert proc.poll() is None, f"the load ended before {point}:\n{log.read_text()}"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    if whole_group:
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return proc.pid, log.read_text()


def _latest_is_complete(data: Path, old: tuple[str, dict]) -> None:
    """``published/latest`` is the old snapshot, byte for byte, or a complete new one."""
    assert snapshot_problems(data / "published") == []
    snapshot_id, files = published(data)
    if snapshot_id == old[0]:
        assert files == old[1]
    else:
        assert snapshot_id in os.listdir(data / "published")


def _published_2020_fingerprint(data: Path) -> str:
    manifest = json.loads((data / "published" / "latest" / "manifest.json").read_text("utf-8"))
    [entry] = [r for r in manifest["inputs"] if r["year"] == 2020]
    return entry["landing_fingerprint"]


def _leftovers(data: Path) -> list[Path]:
    found = [p for folder, pattern in LEFTOVER_PATTERNS for p in (data / folder).glob(pattern)]
    return found + [p for p in (data / "warehouse" / BUILD_UNFINISHED_FILE, data / INFO_FILE)
                    if p.exists()]


@pytest.mark.parametrize(("point", "whole_group"), [
    ("after_promotion", True),
    ("before_dbt", True),
    ("middle_of_dbt", True),
    ("middle_of_dbt", False),
    ("middle_of_publication", True),
    ("after_publication", True),
])
def test_killed_load_leaves_a_complete_snapshot_and_the_next_load_recovers(
        data, point, whole_group):
    correct_2020(data)
    new_fingerprint = landing_fingerprint(data / "landing" / "2020")
    old = published(data)
    others = {k: v for k, v in accepted(data).items() if not k.startswith("2020/")}

    pgid, killed_output = kill_load_at(data, point, whole_group=whole_group)
    time.sleep(1)
    left_running = group_processes(pgid)
    if whole_group:
        assert left_running == {}, left_running
    else:  # the launcher alone: its step process (and dbt) live on, holding the warehouse
        assert left_running
    _latest_is_complete(data, old)
    published_then = published(data)

    done = mognad(data, "load", "2020")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert "Traceback" not in out
    recovered = [ln for ln in done.stdout.splitlines()
                 if ln.startswith("==> recovered an earlier load: run ")]
    for line in recovered:
        assert f"was killed with its mognad process {pgid}: marked failed, its warehouse slot " \
               "freed" in line
    if not whole_group:
        assert len(recovered) == 1 and "stopped the " in recovered[0]
        if any("/dbt build" in cmd for cmd in left_running.values()):
            assert "(dbt build, which held the warehouse, and the run's step processes)" in (
                recovered[0])
    if point != "after_promotion":  # a kill there may fall between the two runs
        assert recovered, out[-4000:]
    if "unchanged" in done.stdout:  # only when the killed load had published the new files
        assert published_then[0] != old[0]
    assert group_processes(pgid) == {}

    # the corrected 2020 is published, completely; nothing temporary is left
    _latest_is_complete(data, old)
    assert _published_2020_fingerprint(data) == new_fingerprint
    assert published(data)[0] != old[0]
    assert _leftovers(data) == []
    assert {k: v for k, v in accepted(data).items() if not k.startswith("2020/")} == others
    with duckdb.connect(str(data / "warehouse" / "mognad.duckdb"), read_only=True) as con:
        years = con.execute("select distinct survey_year from marts.maturity_by_organisation "
                            "order by 1").fetchall()
    assert years == [(2018,), (2019,), (2020,)]

    # the instance: no run left in flight, the killed ones failed, the pool slot free
    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        assert not instance.get_run_records(dg.RunsFilter(statuses=list(IN_FLIGHT)))
        for line in recovered:
            run_id = line.split()[6]
            assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
        info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
        assert info.active_slot_count == 0 and info.pending_step_count == 0
    assert tree_digest(data / "published" / "latest")  # readable, not empty
