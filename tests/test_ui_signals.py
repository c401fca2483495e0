"""``mognad ui`` stops on SIGTERM, also when started as a background job of a script (whose
shell starts it with SIGINT ignored: ``dagster dev`` handles SIGTERM as SIGINT)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ui_started_with_sigint_ignored_exits_on_sigterm(tmp_path, dbt_manifest):
    data = tmp_path / "data"
    env = {**os.environ, "MOGNAD_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home")}
    port = _free_port()
    log = (tmp_path / "ui.log").open("wb")

    def as_a_background_job() -> None:  # what `sh -c 'mognad ui &'` does to the job
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    ui = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ui", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=as_a_background_job,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not _listening(port):
            assert ui.poll() is None, (tmp_path / "ui.log").read_text()[-4000:]
            assert time.monotonic() < deadline, (tmp_path / "ui.log").read_text()[-4000:]
            time.sleep(2)
        ui.send_signal(signal.SIGTERM)
        ui.wait(timeout=120)  # raises TimeoutExpired when SIGTERM is ignored
        deadline = time.monotonic() + 60
        while _group_alive(ui.pid) and time.monotonic() < deadline:
            time.sleep(1)  # the webserver, daemon and code server stop after it
        assert not _group_alive(ui.pid), "processes of `mognad ui` left running after SIGTERM"
        assert not _listening(port)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(ui.pid, signal.SIGKILL)
        ui.wait()
        log.close()
