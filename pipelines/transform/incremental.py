"""Which survey years a dbt build rebuilds, decided from the Dagster instance.

The dbt models whose rows of a year depend on that year's inputs alone are incremental per
``survey_year`` (``materialized='incremental'``, ``macros/incremental_years.sql``): with the
environment variable :data:`~pipelines.transform.project.YEARS_TO_BUILD_ENV` naming years, the
rows of exactly those years are deleted and rebuilt.
Every other model is a table and is rebuilt whole by every build that selects it.

Each materialisation of an incremental model records in its metadata (:data:`BUILD_RECORD`)
what its table now holds: the dbt code version (:func:`dbt_code_version`) and, per accepted
survey year, the version of the year's promotion (:func:`accepted_year_versions`) and of its
council sign-off (:func:`signoff_versions`: the overrules of a withholding are read from a
year's current sign-off, and incremental models such as
``internal_consistency_by_organisation`` apply them). Before a
build, :func:`plan_dbt_build` compares the current state with the latest record of every
incremental model the run builds:

- a full refresh (``--full-refresh``) when there is no warehouse yet, the last build did not
  finish, a model has no record, the dbt code version differs, or a year it holds is no
  longer accepted;
- otherwise only the years that are new, promoted again or signed off anew (or cleared)
  since (``MOGNAD_SURVEY_YEARS_TO_BUILD=2021``); when no year changed, a full refresh
  too (a model left
  out of the build is not materialised, and Dagster skips what is downstream of it).

The rule is read by the dbt asset itself, so a run from the UI, a backfill, the sensor, the
schedule and ``mognad load`` all build the same way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import dagster as dg

from pipelines.settings import DataPaths
from pipelines.transform.project import YEARS_TO_BUILD_ENV, mognad_dbt_project, parse_fingerprint
from pipelines.transform.warehouse import warehouse_build_unfinished

BUILD_RECORD = "dbt_build_record"
"""Metadata key, on each materialisation of an incremental model, of what its table holds:
``{"code_version": str, "years": {year: promotion version}}``."""

BUILD_MODE = "dbt_build"
"""Metadata key of how the build made the table: ``full refresh`` or ``incremental``."""

BUILD_REASON = "dbt_build_reason"
"""Metadata key of why the build was full or incremental (and which years it rebuilt)."""

BUILD_YEARS = "dbt_build_years"
"""Metadata key of the survey years the build rebuilt (every accepted year on a full
refresh)."""


@cache
def incremental_model_names() -> tuple[str, ...]:
    """dbt model names materialised ``incremental`` in the prepared manifest, sorted."""
    manifest = json.loads(mognad_dbt_project.manifest_path.read_text(encoding="utf-8"))
    return tuple(sorted(
        node["name"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and (node.get("config") or {}).get("materialized") == "incremental"
    ))  # fmt: skip


def dbt_code_version() -> str:
    """SHA-256 (hex) of what decides the SQL a build runs: every file of the dbt project
    (models, macros, seeds, ``dbt_project.yml`` with its vars, ``profiles.yml``, the vendored
    packages) and the dbt-core and dbt-duckdb versions; not the environment (the data
    root's location or dbt's logging settings change no table)."""
    return parse_fingerprint(ignore_env=set(os.environ))


def accepted_year_versions(instance: dg.DagsterInstance) -> dict[str, str]:
    """``{year: version}`` of every accepted survey year: the input version of its latest
    promotion (``raw/survey_answers``) and that promotion's run id, so a year promoted again
    with unchanged files (e.g. under another pseudonymisation key) counts as changed too."""
    from pipelines.orchestration import INPUT_RECORD, RAW_ANSWERS_KEY, accepted_years

    versions = {}
    for year in accepted_years(instance):
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=RAW_ANSWERS_KEY, asset_partitions=[str(year)]),
            limit=1,
        ).records
        materialization = records[0].asset_materialization
        entry = materialization.metadata.get(INPUT_RECORD) if materialization else None
        input_version = (entry.value or {}).get("input_version") if entry else None
        versions[str(year)] = f"{input_version or '-'}@{records[0].run_id}"
    return versions


def signoff_versions(paths: DataPaths, years) -> dict[str, int | None]:
    """``{year: version}`` of each of ``years``' current council sign-off (``None`` when the
    year was never signed off or its sign-off was cleared): what the withholding overrules
    a build reads for the year come from (``stg_council__withholding_overrules``)."""
    from pipelines.signoff import signoff_status

    versions = {}
    for year in years:
        signed = signoff_status(paths.root, year)
        versions[str(year)] = signed["version"] if signed else None
    return versions


def _latest_record(instance: dg.DagsterInstance, key: dg.AssetKey) -> dict[str, Any] | None:
    records = instance.fetch_materializations(key, limit=1).records
    if not records or records[0].asset_materialization is None:
        return None
    entry = records[0].asset_materialization.metadata.get(BUILD_RECORD)
    return None if entry is None else entry.value


@dataclass(frozen=True)
class BuildPlan:
    """How one dbt build treats the incremental models it builds.

    ``full_refresh``: rebuild every year (``--full-refresh``). Otherwise ``years`` are the
    survey years rebuilt.
    ``models``: the incremental models the run builds.
    ``record`` is what the tables hold after the build (:data:`BUILD_RECORD`)."""

    full_refresh: bool
    years: tuple[int, ...]
    reason: str
    record: dict[str, Any]
    models: tuple[str, ...] = field(default=())

    def dbt_args(self) -> list[str]:
        """The ``dbt build`` arguments of the plan, after ``dbt_build_args``: ``--full-refresh``
        unless the build is incremental. A run without incremental models is built with
        ``--full-refresh`` too: it changes nothing for a table, and a seed whose columns
        changed can only be loaded that way."""
        return [] if self.incremental_years() else ["--full-refresh"]

    def incremental_years(self) -> tuple[int, ...]:
        """The survey years an incremental build rebuilds; none for a full refresh."""
        if self.full_refresh or not self.models:
            return ()
        return self.years

    def dbt_env(self) -> dict[str, str]:
        """The environment of the plan's ``dbt build``: :data:`YEARS_TO_BUILD_ENV` names the
        years to rebuild, and is empty on a full refresh (so that a value set by hand in the
        environment never limits the pipeline's build or its tests to some years)."""
        return {YEARS_TO_BUILD_ENV: ",".join(str(y) for y in self.incremental_years())}

    def metadata(self) -> dict[str, Any]:
        """Materialisation metadata of an incremental model built by this plan."""
        return {
            BUILD_MODE: "full refresh" if self.full_refresh else "incremental",
            BUILD_REASON: self.reason,
            BUILD_YEARS: dg.MetadataValue.json(
                sorted(int(y) for y in self.record["years"])
                if self.full_refresh
                else list(self.years)
            ),
            BUILD_RECORD: dg.MetadataValue.json(self.record),
        }


def _years_text(years) -> str:
    return ", ".join(str(y) for y in sorted(years, key=int))


def plan_dbt_build(
    instance: dg.DagsterInstance, paths: DataPaths, model_keys: Mapping[str, dg.AssetKey]
) -> BuildPlan:
    """The plan for a build of the incremental models ``{model name: asset key}`` (those the
    run selects), from the current state and each model's latest :data:`BUILD_RECORD`."""
    years_now = accepted_year_versions(instance)
    current = {"code_version": dbt_code_version(), "years": years_now,
               "signoffs": signoff_versions(paths, years_now)}
    models = tuple(sorted(model_keys))

    def full(reason: str) -> BuildPlan:
        return BuildPlan(True, (), f"full refresh: {reason}", current, models)

    if not models:
        return BuildPlan(
            True, (), "full refresh: the run builds no incremental model (tables and seeds are "
            "rebuilt whole)", current, models,
        )  # fmt: skip
    if not paths.warehouse_db.exists():
        return full("there is no warehouse yet")
    if warehouse_build_unfinished(paths):
        return full("the last build of the warehouse did not finish")
    changed: set[str] = set()
    new: set[str] = set()
    signed: set[str] = set()
    for name in models:
        record = _latest_record(instance, model_keys[name])
        if not record or "code_version" not in record or "years" not in record:
            return full(f"no record of what {name} was built from")
        if record["code_version"] != current["code_version"]:
            return full(
                f"the dbt project changed since {name} was built (code version "
                f"{record['code_version'][:12]} → {current['code_version'][:12]})"
            )
        gone = set(record["years"]) - set(current["years"])
        if gone:
            return full(f"{_years_text(gone)} no longer accepted but held by {name}")
        for year, version in current["years"].items():
            if year not in record["years"]:
                new.add(year)
            elif record["years"][year] != version:
                changed.add(year)
            elif record.get("signoffs", {}).get(year) != current["signoffs"][year]:
                signed.add(year)
    years = tuple(sorted(int(y) for y in changed | new | signed))
    if not years:
        return full(
            "no accepted year changed since the incremental models were built, but every "
            "model the run selects must be materialised (left out of the build, Dagster would "
            "skip the assets downstream of them, the publication among them)"
        )
    parts = []
    if new:
        parts.append(f"new {_years_text(new)}")
    if changed:
        parts.append(f"promoted again {_years_text(changed)}")
    if signed:
        parts.append(f"the council's sign-off changed {_years_text(signed)}")
    return BuildPlan(
        False, years, f"incremental: only {_years_text(changed | new | signed)} changed "
        f"({'; '.join(parts)}); the other years are kept as built", current, models,
    )  # fmt: skip


def run_build_summary(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """How run ``run_id`` built the incremental models (:data:`BUILD_REASON` of their
    materialisations in the run, one line), or None when it built none."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = record.asset_materialization
        entry = materialization.metadata.get(BUILD_REASON) if materialization else None
        if entry is not None:
            return entry.value
    return None
