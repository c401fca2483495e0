"""A rejected export is quarantined with a reason; what was loaded before stays intact."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_2018 = ROOT / "sample" / "landing" / "2018"

pytestmark = pytest.mark.e2e


def _mognad(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "MOGNAD_DATA_DIR": str(data),
        "DAGSTER_HOME": str(data / "dagster_home"),
        "MOGNAD_PSEUDONYM_KEY": "test-key-not-secret",
    }
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_export_failing_a_blocking_check_is_quarantined_and_changes_nothing(tmp_path: Path):
    data = tmp_path / "data"
    landing = data / "landing" / "2018"
    shutil.copytree(SAMPLE_2018, landing)
    no_key = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "load", "2018"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MOGNAD_DATA_DIR": str(data), "MOGNAD_PSEUDONYM_KEY": ""},
    )
    assert no_key.returncode == 1 and "No pseudonymisation key" in no_key.stderr
    assert "Traceback" not in no_key.stderr and not (data / "warehouse").exists()

    first = _mognad(data, "load", "2018")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    raw_before = _digest(data / "warehouse" / "raw" / "2018")
    latest_before = json.loads((data / "published" / "latest" / "manifest.json").read_text("utf-8"))

    # A "corrected" export in which Aneby (0604) is missing: the file itself is well-formed,
    # so ingest reads it, and the blocking GX check expected_organisations_present fails.
    export = landing / "dimios_export_2018.csv"
    with export.open(encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, body = rows[0], rows[1:]
    org = header.index("Organisation")
    kept = [r for r in body if r[org].strip().casefold() not in {"aneby kommun", "aneby"}]
    assert 0 < len(kept) < len(body)
    with export.open("w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows([header, *kept])

    second = _mognad(data, "load", "2018")
    assert second.returncode == 1
    assert "expected_organisations_present" in second.stdout + second.stderr
    assert "FAILED" in second.stdout

    # Quarantined with a reason a data engineer can act on.
    [quarantined] = list((data / "quarantine" / "2018").iterdir())
    reason = (quarantined / "reason.txt").read_text(encoding="utf-8")
    assert "expected_organisations_present" in reason and "0604" in reason
    assert (quarantined / "dimios_export_2018.csv").read_bytes() == export.read_bytes()

    # What was loaded and published before is untouched.
    assert _digest(data / "warehouse" / "raw" / "2018") == raw_before
    latest_after = json.loads((data / "published" / "latest" / "manifest.json").read_text("utf-8"))
    assert latest_after["snapshot_id"] == latest_before["snapshot_id"]
