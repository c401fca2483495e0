"""Helpers of the fault suite: a data root loaded from the sample (built once per test
session, copied for each case), the ``mognad`` command, a small disk (tmpfs), content hashes
of folders."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample" / "landing"
EXPORT_2020 = "dimios_export_2020.csv"
KEY = "fault-suite-key-not-secret-0123456789"


def mognad_env(data: Path) -> dict[str, str]:
    """The environment of a data engineer's shell for the data root ``data``."""
    return {**os.environ, "MOGNAD_DATA_DIR": str(data),
            "DAGSTER_HOME": str(data / "dagster_home"), "MOGNAD_PSEUDONYM_KEY": KEY}


def mognad(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT,
                          env=mognad_env(data), capture_output=True, text=True, timeout=1500)


def accepted(data: Path) -> dict[str, str]:
    """Hashes of the accepted raw data: every file under warehouse/raw except the check
    results, whose rows carry the time the checks ran."""
    return {k: v for k, v in tree_digest(data / "warehouse" / "raw").items()
            if not k.endswith("quality_check_results.parquet")}


def published(data: Path) -> tuple[str, dict[str, str]]:
    """The snapshot id ``published/latest`` points at and the hashes of its files."""
    latest = data / "published" / "latest"
    return os.readlink(latest), tree_digest(latest)


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> Path:
    """A data root with the three sample years loaded and published."""
    data = tmp_path_factory.mktemp("fault-base") / "data"
    shutil.copytree(SAMPLE, data / "landing")
    done = mognad(data, "load", "--all")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return data


@pytest.fixture()
def data(base: Path, tmp_path: Path) -> Path:
    """A copy of the loaded data root for one fault."""
    copy = tmp_path / "data"
    shutil.copytree(base, copy, symlinks=True)
    return copy


def correct_2020(data: Path) -> None:
    """Deliver a corrected 2020 export (one respondent less): a new snapshot is due."""
    path = data / "landing" / "2020" / EXPORT_2020
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    del lines[3]
    path.write_text("\n".join(lines), encoding="utf-8-sig")


@contextlib.contextmanager
def small_disk(path: Path, size_kb: int) -> Iterator[Path]:
    """Mount a tmpfs of ``size_kb`` KiB at ``path`` for the block (root only; the test is
    skipped where mounting is not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a small disk needs root (mount -t tmpfs)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill_disk(folder: Path, leave_bytes: int) -> Path:
    """Write a ballast file in ``folder`` so that about ``leave_bytes`` stay free."""
    import shutil

    free = shutil.disk_usage(folder).free
    ballast = folder / ".ballast"
    with ballast.open("wb") as fh:
        left = max(0, free - leave_bytes)
        chunk = b"\0" * (1 << 20)
        while left > 0:
            fh.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
    return ballast


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (symlinks followed)."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
