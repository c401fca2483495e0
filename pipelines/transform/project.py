"""The dbt project handle and its manifest.

dagster-dbt reads ``dbt_project/target/manifest.json`` when ``pipelines.definitions`` is
imported, so the manifest must exist first. ``ensure_manifest`` runs ``dbt parse`` (no
database connection needed) and is called by the CLI before every run, by the test session
and by the definitions module itself when no manifest exists yet or when it is loaded by
``dg dev`` (``pipelines/definitions.py``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Collection
from pathlib import Path

from dagster_dbt import DbtProject
from filelock import FileLock

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
    dbt runs in one process (DuckDB has one writer process), two nodes at a time as threads
    of it (``threads: 2`` in profiles.yml).
    """
    return [
        executable("dbt"),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]


FINGERPRINT_FILE = "manifest.fingerprint"
"""Written beside ``target/manifest.json`` after each successful ``dbt parse``: the
:func:`parse_fingerprint` it was parsed with."""

PARSE_LOCK_FILE = ".parse.lock"
"""Lock file in ``target/``: one ``dbt parse`` at a time, whichever data root it is for."""

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
"""dbt's partial-parse state in a target folder: what a parse found, with the profile and
vars it was made with; dbt reuses it only when those are the same."""

PARSE_OUTPUTS = ("manifest.json", "semantic_manifest.json", PARTIAL_PARSE_FILE)
"""What ``dbt parse`` writes that others read; each is moved into ``target/`` whole (a
rename), so a reader never sees a half-written manifest."""

YEARS_TO_BUILD_ENV = "MOGNAD_SURVEY_YEARS_TO_BUILD"
"""Environment variable naming the survey years an incremental ``dbt build`` rebuilds
(``2021``, ``2019,2021``; unset or empty: every year), read by
``macros/incremental_years.sql`` only when dbt executes. Not a dbt var: dbt keeps the
``--vars`` of a parse in its partial-parse state and parses the whole project again when
they differ, so a var naming the years made every incremental build parse in full."""

RUN_TIME_ENV = frozenset({"MOGNAD_DATA_DIR", YEARS_TO_BUILD_ENV})
"""Environment variables the dbt project reads only when dbt runs against a warehouse, never
into the manifest: the data root, read by ``macros/data_root_source.sql`` (the sources'
files, which the sources' YAML declares relative to the data root; the profile names the
warehouse relative to dbt's working directory, the data root, and reads no variable for it),
and the years an incremental build rebuilds (:data:`YEARS_TO_BUILD_ENV`).
:func:`parse_fingerprint` leaves them out, so one parse serves every data root of a
checkout, and so does dbt's partial-parse state: the profile, which dbt keeps in that state,
is the same for every data root."""

_NOT_PARSED = {"target", "logs", ".user.yml"}
_ENV_VAR = re.compile(rb"""env_var\(\s*['"]([A-Za-z0-9_]+)['"]""")


def parse_fingerprint(ignore_env: Collection[str] = ()) -> str:
    """SHA-256 (hex) over everything the manifest that ``dbt parse`` writes depends on: every
    file of the dbt project (path and content, the vendored ``dbt_packages/`` included; not
    ``target/``, ``logs/``), the environment variables the project reads with ``env_var()``
    (e.g. ``MOGNAD_DUCKDB_MEMORY_LIMIT``) and dbt's own ``DBT_*``, except those named in
    ``ignore_env`` and the run-time-only :data:`RUN_TIME_ENV` (the data root), and the
    dbt-core and dbt-duckdb versions."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    used: set[str] = set()
    files = []
    for folder, dirs, names in os.walk(DBT_PROJECT_DIR):
        top = Path(folder) == DBT_PROJECT_DIR
        dirs[:] = [d for d in dirs if d != "__pycache__" and not (top and d in _NOT_PARSED)]
        files += [Path(folder, n) for n in names if not (top and n in _NOT_PARSED)]
    for path in sorted(files):
        rel = path.relative_to(DBT_PROJECT_DIR)
        content = path.read_bytes()
        digest.update(str(rel).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(content).digest())
        used.update(m.decode() for m in _ENV_VAR.findall(content))
    for key in sorted(
        k for k in os.environ
        if (k in used or k.startswith("DBT_")) and k not in ignore_env and k not in RUN_TIME_ENV
    ):
        digest.update(f"{key}={os.environ[key]}\0".encode())
    for package in ("dbt-core", "dbt-duckdb"):
        digest.update(f"{package}={version(package)}\0".encode())
    return digest.hexdigest()


def ensure_manifest(force: bool = True, *, skip_if_unchanged: bool = False) -> Path:
    """Write ``dbt_project/target/manifest.json`` with ``dbt parse`` and return its path.

    With ``force=False`` an existing manifest is kept. With ``skip_if_unchanged`` the parse
    is skipped when the manifest was written by a parse with the same
    :func:`parse_fingerprint` (same project files, environment and dbt version), so an
    unchanged checkout is not parsed again at every ``mognad load``, whichever data root
    it loads (the manifest names none: :data:`RUN_TIME_ENV`). The parse writes to a
    scratch folder, holding a lock (:data:`PARSE_LOCK_FILE`), and its outputs replace those
    in ``target/`` by renames: two loads (or a load and ``dg dev``) never read a manifest the
    other is writing. Raises ``RuntimeError`` with dbt's output when parsing fails (e.g. a
    broken model file).
    """
    manifest = mognad_dbt_project.manifest_path
    if manifest.exists() and not force:
        return manifest
    data_dir()  # exports MOGNAD_DATA_DIR as an absolute path (read when dbt runs)
    recorded = manifest.with_name(FINGERPRINT_FILE)
    fingerprint = parse_fingerprint()
    if skip_if_unchanged and manifest.exists() and recorded.exists():
        if recorded.read_text(encoding="utf-8").strip() == fingerprint:
            return manifest
    target = manifest.parent
    target.mkdir(parents=True, exist_ok=True)
    with FileLock(target / PARSE_LOCK_FILE):
        if skip_if_unchanged and manifest.exists() and recorded.exists():
            if recorded.read_text(encoding="utf-8").strip() == fingerprint:
                return manifest  # parsed by another load while this one waited
        scratch = Path(tempfile.mkdtemp(prefix=".parse-", dir=target))
        try:
            proc = subprocess.run(
                dbt_command("parse", "--quiet", "--target-path", str(scratch)),
                capture_output=True,
                text=True,
                cwd=DBT_PROJECT_DIR,
            )
            if proc.returncode != 0 or not (scratch / manifest.name).exists():
                raise RuntimeError(
                    "dbt parse failed; the dbt project cannot be loaded:\n"
                    + proc.stdout + proc.stderr
                )
            recorded.unlink(missing_ok=True)
            for name in PARSE_OUTPUTS:
                if (scratch / name).exists():
                    os.replace(scratch / name, target / name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        recorded.write_text(fingerprint, encoding="utf-8")
    return manifest


def keep_parse_state(build_target: Path) -> bool:
    """Make the partial-parse state that a ``dbt build`` (made without ``--vars``) left in its
    ``build_target`` the one the next build starts from (``target/``'s
    :data:`PARTIAL_PARSE_FILE`, which the dbt step copies into its own target folder).

    A build re-parses the files that changed since the state it started from (a checkout
    edited since :func:`ensure_manifest` last parsed, e.g. under ``dg dev``); keeping its
    state lets the next build, in any data root (the profile is the same for all), skip
    those too. dbt compares the files' hashes itself, so a state older than the project
    files only costs a partial re-parse. Replaced by a rename, under the parse lock.
    Returns whether a state was kept (False: the build wrote none).
    """
    built = build_target / PARTIAL_PARSE_FILE
    if not built.exists():
        return False
    target = mognad_dbt_project.manifest_path.parent
    with FileLock(target / PARSE_LOCK_FILE):
        scratch = Path(tempfile.mkdtemp(prefix=".parse-", dir=target))
        try:
            shutil.copyfile(built, scratch / PARTIAL_PARSE_FILE)
            os.replace(scratch / PARTIAL_PARSE_FILE, target / PARTIAL_PARSE_FILE)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return True
