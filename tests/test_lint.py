"""Code style is part of the build: ruff on Python, sqlfluff on the dbt models (lowercase,
layout), with the settings in pyproject.toml and dbt_project/.sqlfluff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_ruff_is_clean():
    proc = subprocess.run(
        [str(BIN / "ruff"), "check", "pipelines", "sample", "tests", "benchmarks"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_sqlfluff_is_clean_on_dbt_models():
    proc = subprocess.run(
        [str(BIN / "sqlfluff"), "lint", "dbt_project/models", "--disable-progress-bar"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
