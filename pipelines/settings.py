"""Paths and settings shared by every stage.

Everything the pipeline reads or writes at run time lives under one data root, named by the
environment variable ``MOGNAD_DATA_DIR`` (default ``./data`` relative to the working
directory; made absolute on import so dbt and subprocesses see the same folder). The layout
of the data root is the contract in the architecture doc ("Data root"):

- ``landing/<year>/``      the year's export file(s), ``invitations.csv``, ``profile.txt``
- ``warehouse/``           the pipeline's own working DuckDB file and raw Parquet; nobody else opens it
- ``quarantine/<year>/``   rejected inputs, each with a readable reason file
- ``published/<id>/`` and ``published/latest``  what analysts, the council and reports consume
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
PROFILES_DIR = PROJECT_ROOT / "profiles"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SAMPLE_LANDING_DIR = PROJECT_ROOT / "sample" / "landing"
WORKSPACE_FILE = PROJECT_ROOT / "workspace.yaml"
"""The Dagster workspace: the one declaration of the code location (its name, module and
working directory). ``mognad ui`` serves it and ``mognad load`` records its runs as runs of
that code location, so the UI lists them under the location's jobs."""

RAW_TABLES = ("survey_answers", "respondents", "invitations", "quality_check_results")
"""The raw tables ingest hands to dbt (docs/data-contracts.md §3)."""

WAREHOUSE_POOL = "mognad_warehouse"
"""Dagster pool for every step that writes the warehouse: DuckDB allows one writer."""


def dbt_project_vars() -> dict:
    """The ``vars`` of ``dbt_project/dbt_project.yml``: the one declaration of the scoring and
    disclosure settings, e.g. ``min_cell_respondents`` (5: no published figure describes fewer
    respondents; also the failing level of the quality check ``min_respondents``),
    ``withholding_checks`` (the quality checks whose ``fel`` withholds an organisation-year)
    and ``quality_thresholds`` (the council's warning and failing levels).
    Python code that needs one of them reads it here instead of declaring its own copy."""
    import yaml

    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(project.get("vars") or {})


def data_dir() -> Path:
    """The data root as an absolute path; also exported back to ``MOGNAD_DATA_DIR``.

    dbt's profile reads ``env_var('MOGNAD_DATA_DIR')``, so the variable must hold the same
    absolute path the Python side uses.
    """
    root = Path(os.environ.get("MOGNAD_DATA_DIR") or "data").expanduser().resolve()
    os.environ["MOGNAD_DATA_DIR"] = str(root)
    return root


@dataclass(frozen=True)
class DataPaths:
    """Every run-time location under one data root."""

    root: Path

    @classmethod
    def current(cls) -> DataPaths:
        return cls(data_dir())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def landing_year(self, year: int | str) -> Path:
        return self.landing / str(year)

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def warehouse_db(self) -> Path:
        """The working DuckDB file that dbt builds (dbt_project/profiles.yml names the same)."""
        return self.warehouse / "mognad.duckdb"

    @property
    def dbt_docs(self) -> Path:
        """The dbt docs of the last build (one static page), copied into each snapshot."""
        return self.warehouse / "dbt_docs"

    def incoming_year(self, year: int | str) -> Path:
        """Candidate raw tables of a year, written by ingest, not yet validated."""
        return self.warehouse / "incoming" / str(year)

    def raw_year(self, year: int | str) -> Path:
        """Accepted raw tables of a year: what dbt's ``raw`` sources read."""
        return self.warehouse / "raw" / str(year)

    def validation_work(self, year: int | str) -> Path:
        """Run-time copy of the GX context and its Data Docs for a year."""
        return self.warehouse / "validation" / str(year)

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def published_latest(self) -> Path:
        return self.published / "latest"

    @property
    def secrets(self) -> Path:
        return self.root / "secrets"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"


def executable(name: str) -> str:
    """Path of a console script of this installation (e.g. ``dbt``, ``dagster``).

    Looks beside the running Python, then in the project's ``.venv/bin`` (tools such as
    ``dg`` may start the code location with another interpreter path), then on PATH; falls
    back to the bare name. dagster-dbt needs ``dbt`` even when the virtual environment is
    not activated.
    """
    for folder in (Path(sys.executable).parent, PROJECT_ROOT / ".venv" / "bin"):
        candidate = folder / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name) or name


def ensure_tools_on_path() -> None:
    """Put the folder holding this installation's ``dbt`` first on PATH.

    dagster-dbt's own preparation (``DbtProject.prepare_if_dev`` under ``dagster dev`` or
    ``dg``) runs a plain ``dbt``, so it must be found on PATH even when the virtual
    environment is not activated.
    """
    dbt = executable("dbt")
    if os.path.isabs(dbt):
        folder = str(Path(dbt).parent)
        parts = os.environ.get("PATH", "").split(os.pathsep)
        if folder not in parts:
            os.environ["PATH"] = os.pathsep.join([folder, *parts])


def code_version() -> str:
    """The git commit of the running code (``-dirty`` when modified), else the package version.

    Recorded in every snapshot manifest and in each accepted year's input record; a reload of
    unchanged files is skipped only when the code version is the same too.
    """
    try:
        rev = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        if rev.returncode == 0 and rev.stdout.strip():
            return rev.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return "mognad-" + version("mognad")
    except PackageNotFoundError:
        return "unknown"
