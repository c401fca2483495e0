"""When a dbt build may rebuild only the loaded years (incremental), and when it must not.

The heavy per-respondent intermediate models (``int_answers_scored``,
``int_respondent_category_scores``, ``int_respondent_factor_scores``,
``int_respondent_dimension_scores``) and the per-year marts
``dont_know_by_item``, ``dont_know_by_target_group`` and ``internal_consistency_by_category``
are dbt incremental models with
``incremental_strategy='delete+insert'`` and ``unique_key='survey_year'``: given the
environment variable ``MOGNAD_SURVEY_YEARS_TO_BUILD`` they delete and rebuild the rows of
exactly those years and keep the others, and the data tests on the raw and per-respondent
tables check only those years' rows. Every other model is a table rebuilt in full on every
build.

Keeping the other years' rows is correct only while everything they were computed from is
unchanged. After every successful build the Dagster dbt asset records, in
``warehouse/transform_state.json``:

- the *transform fingerprint*: the reference fingerprint (export profiles, seeds, quality
  thresholds; ``pipelines.landing.reference_fingerprint``) plus the content of every file of
  the dbt project that decides the tables (``dbt_project.yml``, ``profiles.yml``, models,
  macros, seeds) and the dbt-core, dbt-duckdb and DuckDB versions — a content hash rather
  than the git commit, so that it also holds in a working tree with uncommitted changes;
- per accepted year, the identity of its raw Parquet files (name, size, modification time
  in ns, inode): a promotion replaces the folder, so a reloaded year always differs.

:func:`plan_build` allows an incremental build of the requested years only when that record
exists and matches: same fingerprint, and every other accepted year's raw files exactly as
they were built. Otherwise — first build, a failed or interrupted build (the record is
removed before each build), changed reference data or models, a year added or removed
behind the pipeline's back — it asks for a full refresh (``dbt build --full-refresh``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR, DataPaths

YEARS_ENV_VAR = "MOGNAD_SURVEY_YEARS_TO_BUILD"
"""The environment variable naming the years an incremental build rebuilds."""

STATE_FILE = "transform_state.json"
"""Name of the build record under ``warehouse/``."""

DBT_PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds")
"""What in ``dbt_project/`` decides the built tables (tests and docs do not)."""


@dataclass(frozen=True)
class BuildPlan:
    """How to run the next ``dbt build``.

    ``survey_years``: the years to rebuild incrementally (sorted), or None for a full
    refresh of every year. ``reason``: one English sentence for the run log.
    """

    survey_years: tuple[int, ...] | None
    reason: str

    @property
    def incremental(self) -> bool:
        return self.survey_years is not None

    def dbt_args(self) -> list[str]:
        """Extra ``dbt build`` arguments: ``--full-refresh`` for a full build, none for an
        incremental one (its years go in :meth:`dbt_env`)."""
        return [] if self.incremental else ["--full-refresh"]

    def dbt_env(self) -> dict[str, str]:
        """Environment for the dbt process: ``{"MOGNAD_SURVEY_YEARS_TO_BUILD": "2020,2021"}``
        when incremental (read by ``dbt_project/macros/incremental_years.sql``), else ``{}``.
        An environment variable, not ``--vars``: changed vars make dbt parse the whole
        project again (about 3.5 s a load)."""
        if self.survey_years is None:
            return {}
        return {YEARS_ENV_VAR: ",".join(str(y) for y in self.survey_years)}


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def transform_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """SHA-256 (hex) over what decides the intermediate tables besides the raw data: the
    reference fingerprint, every file under ``DBT_PROJECT_INPUTS`` of ``project_dir`` (path
    and content) and the versions of dbt-core, dbt-duckdb and duckdb."""
    from pipelines.landing import reference_fingerprint

    digest = hashlib.sha256()
    digest.update(reference_fingerprint().encode("ascii") + b"\0")
    for name in ("dbt-core", "dbt-duckdb", "duckdb"):
        digest.update(f"{name}={_package_version(name)}\0".encode())
    for entry in DBT_PROJECT_INPUTS:
        root = project_dir / entry
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(project_dir)).encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def accepted_years(paths: DataPaths) -> list[int]:
    """Survey years with an accepted raw folder (``warehouse/raw/<year>/``), sorted."""
    raw = paths.warehouse / "raw"
    if not raw.is_dir():
        return []
    return sorted(int(p.name) for p in raw.iterdir() if p.is_dir() and p.name.isdigit())


def raw_year_identity(paths: DataPaths, year: int) -> dict[str, list[int]]:
    """``{file name: [size, mtime_ns, inode]}`` of the accepted raw files of ``year``."""
    folder = paths.raw_year(year)
    out: dict[str, list[int]] = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file():
            st = path.stat()
            out[path.name] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return out


def last_build(paths: DataPaths) -> dict | None:
    """The ``build`` entry of the record of the last successful build (see
    :func:`record_build`), or None when there is none."""
    try:
        return json.loads(state_path(paths).read_text(encoding="utf-8")).get("build")
    except (OSError, ValueError):
        return None


def state_path(paths: DataPaths) -> Path:
    return paths.warehouse / STATE_FILE


def forget_build(paths: DataPaths) -> None:
    """Remove the build record (called before every build: a build that fails or is
    interrupted leaves none, so the next build is a full refresh)."""
    state_path(paths).unlink(missing_ok=True)


def record_build(paths: DataPaths, plan: BuildPlan | None = None) -> dict:
    """Write the build record after a successful build; returns it. With the ``plan`` the
    build ran, the record also says how it was built (``build``: ``{"incremental": bool,
    "rebuilt_years": [...] or null for every year, "reason": str}``; ``mognad load`` prints
    it)."""
    state = {
        "transform_fingerprint": transform_fingerprint(),
        "years": {str(y): raw_year_identity(paths, y) for y in accepted_years(paths)},
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if plan is not None:
        state["build"] = {
            "incremental": plan.incremental,
            "rebuilt_years": list(plan.survey_years) if plan.incremental else None,
            "reason": plan.reason,
        }
    state_path(paths).write_text(json.dumps(state, indent=2), encoding="utf-8")
    return state


def plan_build(paths: DataPaths, requested: list[int] | tuple[int, ...] | None) -> BuildPlan:
    """The build for rebuilding ``requested`` years (None/empty: every year, full refresh).

    Incremental only when the warehouse exists, the build record matches the current
    transform fingerprint, every requested year has accepted raw data, and every other
    accepted year is recorded with the same raw files and no recorded year has disappeared.
    The years rebuilt are then the requested ones and every accepted year after the oldest
    of them (row order, see below). Never raises for a missing or unreadable record (that
    means a full refresh)."""
    years = tuple(sorted({int(y) for y in requested or ()}))
    if not years:
        return BuildPlan(None, "full refresh: no years named for an incremental build")
    if not paths.warehouse_db.exists():
        return BuildPlan(None, "full refresh: no warehouse yet")
    try:
        state = json.loads(state_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BuildPlan(None, "full refresh: no record of a complete previous build")
    if state.get("transform_fingerprint") != transform_fingerprint():
        return BuildPlan(
            None, "full refresh: reference data, dbt models or versions changed since the last build"
        )
    accepted = accepted_years(paths)
    missing = [y for y in years if y not in accepted]
    if missing:
        return BuildPlan(None, f"full refresh: no accepted raw data for {missing}")
    recorded = state.get("years", {})
    for year in accepted:
        if year in years:
            continue
        if recorded.get(str(year)) != raw_year_identity(paths, year):
            return BuildPlan(None, f"full refresh: {year}'s raw data changed since the last build")
    gone = sorted(int(y) for y in recorded if int(y) not in accepted)
    if gone:
        return BuildPlan(None, f"full refresh: {gone} no longer accepted")
    # Rebuild the requested years and every later one: delete+insert appends the rebuilt
    # rows at the end of the table, and only then is the tables' row order the full build's
    # (years ascending). The marts' floating-point sums follow that order, so this keeps
    # them bit-identical to a full build (tests/dbt/test_incremental.py); a new year, the
    # common case, is the newest and rebuilds alone.
    years = tuple(y for y in accepted if y >= years[0])
    return BuildPlan(years, f"incremental: rebuilding {', '.join(map(str, years))} only")
