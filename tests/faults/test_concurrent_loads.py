"""Two writers at once, never: a second `mognad load`, a run started through the Dagster
instance (as the UI or the daemon starts one) and the sensor, while a load runs; a `mognad
load` while a run from the UI is running; two dbt parses of the shared manifest."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from fault_support import ROOT, SAMPLE, correct_2020, mognad, mognad_env

from pipelines.landing import landing_fingerprint
from pipelines.load_guard import INFO_FILE, LOAD_TOKEN_ENV

pytestmark = pytest.mark.e2e

UI_RUN = """
import json, sys
import dagster as dg
from pipelines.definitions import defs, survey_load_job
from pipelines.orchestration import ingest_keys
instance = dg.DagsterInstance.get()
result = dg.execute_job(dg.reconstructable(survey_load_job), instance=instance,
                        tags={"dagster/partition": "2019"}, asset_selection=ingest_keys())
failures = [e.step_failure_data.user_failure_data.description for e in result.all_events
            if e.is_step_failure and e.step_failure_data.user_failure_data]
sensor = defs.get_sensor_def("landing_sensor")
skip = sensor(dg.build_sensor_context(instance=instance))
print(json.dumps({"success": result.success, "failures": failures,
                  "sensor": getattr(skip, "skip_message", None)}))
"""
"""A run of the load job for 2019 executed through the instance without ``mognad`` (as the
daemon's run worker executes a run the UI or the sensor submitted), then one evaluation of
the landing sensor."""



def stockholm(utc: str | dt.datetime) -> str:
    """A UTC time ("2026-12-06 00:30:00" or an aware datetime) as the CLI shows it to the
    data engineer: Stockholm time with the zone's name (computed here with zoneinfo)."""
    when = utc if isinstance(utc, dt.datetime) else dt.datetime.strptime(
        utc, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    return f"{when.astimezone(ZoneInfo('Europe/Stockholm')):%Y-%m-%d %H:%M} (Europe/Stockholm)"

def test_second_load_ui_run_and_sensor_refuse_while_a_load_runs(data):
    correct_2020(data)
    log = data.parent / "first-load.log"
    with log.open("w") as out:
        first = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "load", "2020"],
                                 cwd=ROOT, env=mognad_env(data), stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    info_file = data / INFO_FILE
    run_log = data / "logs" / f".run-{first.pid}.log"  # its first run starts: checks done
    while not (info_file.exists() and run_log.exists()):
        assert first.poll() is None, log.read_text()
        time.sleep(0.05)
    info = json.loads(info_file.read_text("utf-8"))
    raw_2019 = sorted((data / "warehouse" / "raw" / "2019").iterdir())

    second = mognad(data, "load", "2019", "--force")
    assert second.returncode == 1
    assert (f"Another load is running on {data}: `mognad load 2020` (process {first.pid} on "
            f"{socket.gethostname()}, since {stockholm(info['since'])})") in second.stderr
    assert "Nothing was changed." in second.stderr and "Traceback" not in second.stderr

    env = {k: v for k, v in mognad_env(data).items() if k != LOAD_TOKEN_ENV}
    ui = subprocess.run([sys.executable, "-c", UI_RUN], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=900)
    assert ui.returncode == 0, ui.stderr[-3000:]
    outcome = json.loads(ui.stdout.strip().splitlines()[-1])
    if first.poll() is None:  # the first load still runs (it takes minutes)
        assert outcome["success"] is False
        assert outcome["failures"] == [
            f"A mognad load is writing {data} now: `mognad load 2020` (process {first.pid} on "
            f"{socket.gethostname()}, since {stockholm(info['since'])}). This run changed nothing; "
            "launch it again when that load has finished."]
        assert outcome["sensor"].startswith(f"A mognad load is writing {data} now: `mognad "
                                            "load 2020`")
    assert sorted((data / "warehouse" / "raw" / "2019").iterdir()) == raw_2019

    assert first.wait(timeout=1500) == 0, log.read_text()[-4000:]
    manifest = json.loads((data / "published" / "latest" / "manifest.json").read_text("utf-8"))
    [entry] = [r for r in manifest["inputs"] if r["year"] == 2020]
    assert entry["landing_fingerprint"] == landing_fingerprint(data / "landing" / "2020")
    assert not info_file.exists()


def test_load_refuses_while_a_run_from_the_ui_is_running(tmp_path):
    """A run the daemon started (no mognad launcher tags) is running on the instance."""
    data = tmp_path / "data"
    (data / "landing").mkdir(parents=True)
    os.symlink(SAMPLE / "2020", data / "landing" / "2020")
    home = data / "dagster_home"
    home.mkdir()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        running = instance.add_run(dg.DagsterRun(
            job_name="survey_load", run_id="started-from-the-ui",
            status=dg.DagsterRunStatus.NOT_STARTED, tags={"dagster/partition": "2019"}))
        instance.handle_run_event(running.run_id, dg.DagsterEvent(
            event_type_value=dg.DagsterEventType.RUN_START.value, job_name="survey_load"))
        when = dt.datetime.fromtimestamp(
            instance.get_run_record_by_id(running.run_id).start_time, dt.UTC)
    done = mognad(data, "load", "2020")
    assert done.returncode == 1
    assert ("A run of the Dagster job survey_load is running: run started-from-the-ui (year "
            f"2019, since {stockholm(when)}), started from the Dagster UI, the "
            "sensor or the schedule. Nothing was changed.") in done.stderr
    assert not (data / "warehouse" / "raw").exists() and not (data / "published").exists()
    assert not (data / INFO_FILE).exists()


def test_dbt_parse_replaces_the_shared_manifest_whole(tmp_path):
    """Two loads for different data roots parse the project at once while a third process
    reads the manifest: every read parses, and the manifest is replaced by a rename (a new
    inode), never rewritten in place."""
    from pipelines.transform.project import ensure_manifest, mognad_dbt_project

    manifest = mognad_dbt_project.manifest_path
    ensure_manifest(skip_if_unchanged=True)
    inode = manifest.stat().st_ino
    errors: list[BaseException] = []

    def parse(root: Path) -> None:
        try:
            subprocess.run([sys.executable, "-c", "from pipelines.transform.project import "
                            "ensure_manifest; ensure_manifest()"], cwd=ROOT, check=True,
                           env={**os.environ, "MOGNAD_DATA_DIR": str(root)}, timeout=600)
        except BaseException as exc:  # reported below
            errors.append(exc)

    parsers = [threading.Thread(target=parse, args=(tmp_path / name,)) for name in "ab"]
    for t in parsers:
        t.start()
    reads = 0
    while any(t.is_alive() for t in parsers):
        json.loads(manifest.read_bytes())  # a half-written manifest raises here
        reads += 1
    assert not errors and reads > 0
    assert manifest.stat().st_ino != inode
    assert not list(manifest.parent.glob(".parse-*"))
    ensure_manifest()  # a parse by this process again (the same manifest for every data root)
    assert json.loads(manifest.read_bytes())["metadata"]["project_name"]


def test_refusal_names_the_running_load_and_its_run(tmp_path, monkeypatch):
    """A load holds the lock (this test process) and its run for 2020 is in flight."""
    from pipelines.cli import prepare_instance_home
    from pipelines.load_guard import LAUNCHER_TAGS, LOAD_TOKEN_TAG, load_lock
    from pipelines.settings import DataPaths

    data = tmp_path / "data"
    (data / "landing").mkdir(parents=True)
    os.symlink(SAMPLE / "2020", data / "landing" / "2020")
    env = mognad_env(data)
    for name in ("MOGNAD_DATA_DIR", "DAGSTER_HOME"):
        monkeypatch.setenv(name, env[name])
    paths = DataPaths(data)
    prepare_instance_home(paths)
    with load_lock(paths, "mognad load 2020", [2020]) as holder:
        monkeypatch.delenv(LOAD_TOKEN_ENV)  # the second load is another process
        with dg.DagsterInstance.get() as instance:
            instance.add_run(dg.DagsterRun(
                job_name="survey_load", run_id="run-of-the-first-load",
                status=dg.DagsterRunStatus.STARTED,
                tags={LOAD_TOKEN_TAG: holder["token"], "dagster/partition": "2020",
                      LAUNCHER_TAGS[0]: socket.gethostname(), LAUNCHER_TAGS[1]: str(os.getpid())}))
        done = mognad(data, "load", "2020")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Error: Another load is running on {data}: `mognad load 2020` (process {os.getpid()} "
        f"on {socket.gethostname()}, since {stockholm(holder['since'])}); its run now: run "
        "run-of-the-first-load (year 2020). Nothing was changed. Wait for it to finish (follow "
        "it in `mognad ui`) and run this again; there is never more than one load writing the "
        "warehouse.")
    assert not (data / "warehouse").exists()
