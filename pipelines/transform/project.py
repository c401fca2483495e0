"""The dbt project handle and its manifest.

dagster-dbt reads ``dbt_project/target/manifest.json`` when ``pipelines.definitions`` is
imported, so the manifest must exist first. ``ensure_manifest`` runs ``dbt parse`` (no
database connection needed) and is called by the CLI before every run, by the test session
and, when no manifest exists yet, by the definitions module itself; ``dagster dev`` re-parses
on load through ``DbtProject.prepare_if_dev``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR, data_dir, executable

DBT_TARGET_PATH = Path("target")

mognad_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=DBT_TARGET_PATH,
)


def dbt_command(*args: str) -> list[str]:
    """The full argument list for one dbt CLI call against this project.

    Returns e.g. ``[".../dbt", "parse", "--project-dir", ..., "--profiles-dir", ...]``;
    dbt runs on one thread (``threads: 1`` in profiles.yml) because DuckDB has one writer.
    """
    return [
        executable("dbt"),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]


def ensure_manifest(force: bool = True) -> Path:
    """Write ``dbt_project/target/manifest.json`` with ``dbt parse`` and return its path.

    With ``force=False`` an existing manifest is kept. Raises ``RuntimeError`` with dbt's
    output when parsing fails (e.g. a broken model file).
    """
    manifest = mognad_dbt_project.manifest_path
    if manifest.exists() and not force:
        return manifest
    data_dir()  # exports MOGNAD_DATA_DIR as an absolute path for profiles.yml
    proc = subprocess.run(
        dbt_command("parse", "--quiet", "--target-path", str(DBT_TARGET_PATH)),
        capture_output=True,
        text=True,
        cwd=DBT_PROJECT_DIR,
    )
    if proc.returncode != 0 or not manifest.exists():
        raise RuntimeError(
            "dbt parse failed; the dbt project cannot be loaded:\n" + proc.stdout + proc.stderr
        )
    return manifest
