"""What the landing area holds: survey years and a content fingerprint of each year's files.

Used by the landing sensor (start a load when a year's files appear or change) and by the
CLI (which years ``--all`` loads).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.settings import (
    DBT_PROJECT_DIR,
    PROFILES_DIR,
    PROJECT_ROOT,
    SEEDS_DIR,
    DataPaths,
)


def landing_years(paths: DataPaths) -> list[int]:
    """Four-digit year folders under ``landing/`` that hold at least one file; ascending."""
    if not paths.landing.is_dir():
        return []
    years = []
    for child in paths.landing.iterdir():
        if child.is_dir() and len(child.name) == 4 and child.name.isdigit():
            if any(p.is_file() for p in child.iterdir()):
                years.append(int(child.name))
    return sorted(years)


def landing_fingerprint(folder: Path) -> str:
    """SHA-256 over the sorted (file name, file content hash) pairs of a landing folder.

    Hidden files (starting with ``.``) are ignored. Returns 64 hex characters; the same files
    give the same fingerprint whatever their modification times.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def reference_fingerprint() -> str:
    """SHA-256 over what decides how a landing folder is read and judged besides the code:
    every export profile (``profiles/*.yaml``, committed or not), the reference seeds
    (``dbt_project/seeds/*.csv``) and ``dbt_project/dbt_project.yml`` (whose vars hold the
    council's quality thresholds and the withholding checks). A change to any of them makes
    a reload of unchanged files a real reload."""
    digest = hashlib.sha256()
    files = [*sorted(PROFILES_DIR.glob("*.yaml")), *sorted(SEEDS_DIR.glob("*.csv")),
             DBT_PROJECT_DIR / "dbt_project.yml"]  # fmt: skip
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
