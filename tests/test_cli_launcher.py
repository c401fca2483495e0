"""A run whose ``mognad`` process was killed cannot hold the warehouse pool for ever."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import dagster as dg


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_killed_runs_are_marked_failed_and_free_their_slots(tmp_path):
    from pipelines.load_guard import LAUNCHER_TAGS, recover_killed_loads
    from pipelines.settings import WAREHOUSE_POOL

    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
        here = socket.gethostname()
        killed = instance.add_run(dg.DagsterRun(
            job_name="survey_load", run_id="killed-run", status=dg.DagsterRunStatus.STARTED,
            tags={LAUNCHER_TAGS[0]: here, LAUNCHER_TAGS[1]: str(_dead_pid())},
        ))
        alive = instance.add_run(dg.DagsterRun(
            job_name="survey_load", run_id="live-run", status=dg.DagsterRunStatus.STARTED,
            tags={LAUNCHER_TAGS[0]: here, LAUNCHER_TAGS[1]: str(os.getpid())},
        ))
        assert storage.claim_concurrency_slot(WAREHOUSE_POOL, killed.run_id, "dbt").is_claimed
        # the slot is taken: a later load's step would wait for it
        assert not storage.claim_concurrency_slot(WAREHOUSE_POOL, "later-run", "dbt").is_claimed
        storage.free_concurrency_slots_for_run("later-run")  # withdraw the pending claim

        assert list(recover_killed_loads(instance)) == ["killed-run"]
        assert instance.get_run_by_id("killed-run").status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
        assert storage.get_concurrency_info(WAREHOUSE_POOL).active_slot_count == 0
        assert storage.claim_concurrency_slot(WAREHOUSE_POOL, "later-run", "dbt").is_claimed


def test_the_instance_mognad_writes_serialises_runs_and_shows_no_newsletter_popup(tmp_path, monkeypatch):
    """The instance read back through Dagster: one run at a time, telemetry off, and the
    UI's sign-up pop-up (``nux``) off — on a fresh instance it covers every page."""
    from pipelines.cli import prepare_instance_home
    from pipelines.settings import DataPaths

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / "data"))
    home = prepare_instance_home(DataPaths.current())
    assert home.is_relative_to((tmp_path / "data").resolve())
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.nux_enabled is False
        assert instance.telemetry_enabled is False
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


STEP_OUTPUT_SCRIPT = r"""
import multiprocessing, os, sys
from pathlib import Path
import pipelines.step_processes as step_processes
from pipelines.cli import _output_to

step_processes.STEP_PRELOAD_MODULES = ()  # the server's imports are not what is tested here
logs = Path(sys.argv[1])
os.environ["SET_BEFORE"] = "b"
steps = step_processes.start_step_server(logs / ".steps.log")
os.environ["SET_AFTER"] = "a"
context = multiprocessing.get_context("forkserver")
for run in ("run-1", "run-2"):
    with _output_to(logs / f"{run}.log", steps):
        print(f"launcher of {run}", flush=True)
        step = context.Process(target=os.system,
                               args=(f"echo step of {run}: [$SET_BEFORE][$SET_AFTER]",))
        step.start()
        step.join()
print("launcher done", flush=True)
"""


def test_each_run_log_holds_its_own_steps_output_and_the_terminal_none(tmp_path):
    """The step processes are forked from a server started once, with the server's output
    and environment: what a step of run 2 prints goes to run 2's log, not to the log of
    the run during which the server started, nor to the terminal; the steps see the
    variables set before the server started, not those set after."""
    from pipelines.settings import PROJECT_ROOT

    done = subprocess.run([sys.executable, "-c", STEP_OUTPUT_SCRIPT, str(tmp_path)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "launcher done\n"
    assert (tmp_path / "run-1.log").read_text() == "launcher of run-1\nstep of run-1: [b][]\n"
    assert (tmp_path / "run-2.log").read_text() == "launcher of run-2\nstep of run-2: [b][]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-1.log", "run-2.log"]


FROZEN_AT_EXIT_SCRIPT = r"""
import atexit, gc, sys
# registered before mognad's own exit handlers, so it runs after them
atexit.register(lambda: print(f"frozen at exit: {gc.get_freeze_count() > 0}", flush=True))
from pipelines.cli import main
print(f"frozen before: {gc.get_freeze_count() > 0}", flush=True)
main(["sign-offs"])
"""


def test_mognad_leaves_its_objects_out_of_the_collections_at_exit(tmp_path):
    """Every ``mognad`` command ends with its objects frozen (``gc.freeze``), so the
    interpreter's last collections at exit do not walk them; before the command ends they
    are not."""
    from pipelines.settings import PROJECT_ROOT

    done = subprocess.run([sys.executable, "-c", FROZEN_AT_EXIT_SCRIPT], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MOGNAD_DATA_DIR": str(tmp_path / "data")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "frozen before: False"
    assert done.stdout.splitlines()[-1] == "frozen at exit: True"


def test_load_of_a_year_without_landing_folder_names_the_folder_to_create(tmp_path):
    """``mognad load 2017 2019`` in a data root that has no landing/2017/ nor landing/2019/:
    a usage error (exit 2) that names each folder to put the export files in, written out,
    and changes nothing in the data root."""
    data = tmp_path / "data"
    (data / "landing").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "load", "2017", "2019"],
                          env={**os.environ, "MOGNAD_DATA_DIR": str(data)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert (f"No landing folder for 2017, 2019: put the export files in {data}/landing/2017/ "
            f"and {data}/landing/2019/ first.") in " ".join(done.stderr.split())
    assert sorted(p.name for p in data.iterdir()) == ["landing"]


def test_help_lists_every_command_with_a_whole_summary():
    """``mognad --help`` on an 80-column terminal gives each command a whole sentence: click
    cuts a docstring's first sentence at the column's width with "...", which left the
    summaries of seven commands unfinished."""
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "--help"],
                          env={**os.environ, "COLUMNS": "80"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    commands = done.stdout.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in commands if line.strip()]
    assert names == ["actions", "demo", "dry-run", "handlingsplan", "load", "pdf", "sign-off",
                     "sign-offs", "ui"]
    for line in commands:
        assert line.rstrip().endswith(".") and not line.rstrip().endswith("..."), line
