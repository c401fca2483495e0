"""dbt models, seeds and tests as Dagster assets, partitioned by survey year.

The dbt sources ``raw.survey_answers``, ``raw.respondents`` and ``raw.invitations`` have the
default dagster-dbt keys ``["raw", <table>]``: the same keys the validate stage's promotion
asset materialises, so the lineage graph joins without key overrides.

A partition's run rebuilds every model over all accepted years (the marts compare years and
rank organisations within a year, so a reload of one year can change another year's change
columns). dbt's data tests become Dagster asset checks. The heavy per-respondent intermediate
models are incremental per survey year: a run whose config names the loaded years rebuilds
only those years' rows there, when ``pipelines.transform.incremental.plan_build`` finds the
other years still valid; by default (e.g. a run started from the UI) it is a full refresh.
"""


import contextlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from functools import cache, cached_property
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from packaging import version as packaging_version

from pipelines.partitions import survey_years
from pipelines.settings import DBT_PROJECT_DIR, WAREHOUSE_POOL, DataPaths
from pipelines.transform.incremental import (
    YEARS_ENV_VAR,
    forget_build,
    plan_build,
    record_build,
    transform_fingerprint,
)
from pipelines.transform.project import DBT_TARGET_PATH, mognad_dbt_project, parse_fingerprint
from pipelines.transform.warehouse import damage_in, damaged_message, warehouse_problem

MARTS_SCHEMA = "marts"


class MognadDbtTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by layer: ``transform_staging``, ``transform_intermediate``,
    ``transform_marts`` (seeds: ``transform_reference``)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return "transform_reference"
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) > 2 and fqn[1] in {"staging", "intermediate", "marts"}:
            return f"transform_{fqn[1]}"
        return "transform"


translator = MognadDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class MognadDbtCliResource(DbtCliResource):
    """dagster-dbt's ``DbtCliResource`` without two costs of every ``cli()`` call that this
    project does not use (docs/benchmarks.md, round 5):

    - ``_cli_version``: dagster-dbt 0.29 asks the dbt executable for its version with a
      ``dbt --version`` child process (about 2.2 s) once per resource, i.e. once per run.
      ``dbt_executable`` is the ``dbt`` of this environment (``pipelines.settings.executable``),
      so its version is the installed dbt-core package's (tests/test_transform_assets.py
      checks that both agree).
    - ``_initialize_dbt_core_adapter``: a dbt adapter set up in this process (about 1.2 s the
      first time, 0.4 s after), used only by ``fetch_row_counts()`` and
      ``fetch_column_metadata()``, which the assets here do not call. Returning None is
      dagster-dbt's own fallback when the adapter cannot be created.
    """

    @cached_property
    def _cli_version(self) -> packaging_version.Version:
        return packaging_version.parse(package_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None


def dbt_build_args(*, with_unit_tests: bool = False) -> list[str]:
    """Arguments of the production ``dbt build``: models, seeds and data tests. dbt's unit
    tests check the SQL, not the year's data, so they run in the test suite (tests/dbt), not
    in every load (about 7 s a load)."""
    args = ["build"]
    if not with_unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


def _build_target(context: dg.AssetExecutionContext) -> Path:
    """A fresh target folder for this run's dbt build, holding a copy of the partial-parse
    file that ``ensure_manifest`` (``dbt parse``, run before every CLI load) left in
    ``dbt_project/target``: dbt then re-parses only what changed since (nothing, unless vars
    or the profile differ, when dbt parses in full by itself), about 2.5 s CPU a load."""
    target = DBT_PROJECT_DIR / DBT_TARGET_PATH / f"mognad_dbt_models-{context.run_id[:7]}-{uuid.uuid4().hex[:7]}"
    target.mkdir(parents=True, exist_ok=True)
    parsed = DBT_PROJECT_DIR / DBT_TARGET_PATH / "partial_parse.msgpack"
    if parsed.exists():
        shutil.copyfile(parsed, target / "partial_parse.msgpack")
    return target


KEEP_BUILD_TARGETS = 3
"""How many of the newest ``target/mognad_dbt_models-*`` folders a build keeps (each holds
one build's compiled SQL, run results and docs, up to about 20 MB at national scale)."""


def _prune_build_targets(current: Path, keep: int = KEEP_BUILD_TARGETS) -> list[Path]:
    """Remove all but the ``keep`` newest build target folders (never ``current``); returns
    the removed folders."""
    folders = sorted(
        (p for p in current.parent.glob("mognad_dbt_models-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
    )
    removed = []
    for folder in folders[:-keep] if keep > 0 else folders:
        if folder.resolve() != current.resolve():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def _dbt_environment(extra: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` with ``extra`` for the dbt processes started inside (dagster-dbt passes
    this process's environment on); a ``MOGNAD_SURVEY_YEARS_TO_BUILD`` inherited from the
    shell is removed, so a full build is never filtered by a stale value. Restored after."""
    names = {YEARS_ENV_VAR, *extra}
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop(YEARS_ENV_VAR, None)
    os.environ.update(extra)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


DOCS_KEY_FILE = "dbt_docs.fingerprint"
"""Beside the folder ``warehouse/dbt_docs/`` (not in it: the folder is published as it is):
what its page was generated from."""


DOCS_IGNORED_ENV = (YEARS_ENV_VAR, "MOGNAD_DUCKDB_MEMORY_LIMIT")
"""Environment the dbt project reads that does not change the docs page: the years of an
incremental build (the page is never compiled with them, :func:`_publishable_docs`) and
DuckDB's memory cap (profiles.yml)."""


def docs_fingerprint() -> str:
    """SHA-256 (hex) of what the dbt docs page shows: the parsed project
    (``parse_fingerprint``: every dbt project file, the environment it reads except
    ``DOCS_IGNORED_ENV``, dbt versions) and the built tables' definitions
    (``transform_fingerprint``: also the reference data). The catalog's columns and types
    follow from these; DuckDB's catalog has no row counts."""
    parsed = parse_fingerprint(ignore_env=DOCS_IGNORED_ENV)
    return hashlib.sha256(f"{parsed}\0{transform_fingerprint()}".encode()).hexdigest()


class DbtBuildConfig(dg.Config):
    """Run config of ``mognad_dbt_models``.

    ``survey_years_to_build``: the survey years loaded in this run, whose rows the
    incremental intermediate models rebuild; empty (the default, e.g. a run from the UI):
    a full refresh of every year. ``mognad load`` passes the years it promoted."""

    survey_years_to_build: list[int] = []


@dbt_assets(
    manifest=mognad_dbt_project.manifest_path,
    project=mognad_dbt_project,
    partitions_def=survey_years,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def mognad_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
):
    """Builds seeds, staging, intermediate and marts with ``dbt build`` over every accepted
    year, running dbt's data tests as it goes; then writes the dbt docs as one
    self-contained page (``dbt docs generate --static``) to ``warehouse/dbt_docs/index.html``
    for the publication (kept when the project is unchanged) and removes all but the newest
    build target folders.

    With ``config.survey_years_to_build`` the incremental intermediate models rebuild only
    those years, if ``plan_build`` allows it (else, and by default, ``--full-refresh``). The
    build record (``warehouse/transform_state.json``) is removed before the build and
    written again only after it succeeded. A damaged warehouse file stops the step with
    what to do (:func:`~pipelines.transform.warehouse.warehouse_problem`)."""
    paths = DataPaths.current()
    damaged = warehouse_problem(paths.warehouse_db, paths.warehouse / "raw")
    if damaged:
        raise dg.Failure(description=damaged)
    plan = plan_build(paths, config.survey_years_to_build)
    context.log.info(f"dbt build: {plan.reason}")
    forget_build(paths)
    docs_key = docs_fingerprint()
    with _dbt_environment(plan.dbt_env()):
        build = dbt.cli(
            dbt_build_args() + plan.dbt_args(), context=context, target_path=_build_target(context)
        )
        try:
            yield from build.stream()
        except Exception as exc:  # a block found damaged during the build
            if damage_in(str(exc)):
                raise dg.Failure(description=damaged_message(
                    paths.warehouse_db, paths.warehouse / "raw", str(exc))) from exc
            raise
        record_build(paths, plan)
    with _dbt_environment({}):  # the docs show every year's SQL, whatever this build rebuilt
        _publishable_docs(
            dbt, build.target_path, docs_key, context.log, compiled=not plan.incremental
        )
    _prune_build_targets(build.target_path)


def _publishable_docs(
    dbt: DbtCliResource, target_path: Path, key: str, log, *, compiled: bool = True
) -> None:
    """Write the dbt docs page to ``warehouse/dbt_docs/index.html`` unless the one there was
    generated from the same project and table definitions (:func:`docs_fingerprint`; saves a
    dbt process, about 3-4 s a load). Generated from the build's own target folder; after a
    full build (``compiled``) its manifest already holds the compiled SQL, so
    ``--no-compile`` skips a compile (about 5 s CPU); after an incremental build the SQL is
    compiled again without the years, so the page never shows one year's filter."""
    target = DataPaths.current().dbt_docs
    recorded = target.with_name(DOCS_KEY_FILE)
    page = target / "index.html"
    if page.exists() and recorded.exists() and recorded.read_text(encoding="utf-8") == key:
        log.info("dbt docs: unchanged project and table definitions, the page is kept")
        return
    recorded.unlink(missing_ok=True)
    docs = dbt.cli(
        ["docs", "generate", "--static", *(["--no-compile"] if compiled else [])],
        manifest=mognad_dbt_project.manifest_path,
        target_path=target_path,
    )
    docs.wait()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(docs.target_path / "static_index.html", page)
    recorded.write_text(key, encoding="utf-8")


@cache
def _manifest() -> dict[str, Any]:
    return json.loads(mognad_dbt_project.manifest_path.read_text(encoding="utf-8"))


def _mart_nodes() -> list[dict[str, Any]]:
    return sorted(
        (
            node
            for node in _manifest()["nodes"].values()
            if node["resource_type"] == "model" and node.get("schema") == MARTS_SCHEMA
        ),
        key=lambda node: node["name"],
    )


def mart_model_names() -> tuple[str, ...]:
    """dbt model names of the curated tables (models in the ``marts`` schema), sorted.

    Read from the prepared manifest; raises FileNotFoundError if it has not been prepared
    (see ``pipelines.transform.project.ensure_manifest``).
    """
    return tuple(node["name"] for node in _mart_nodes())


def mart_relations() -> dict[str, str]:
    """``{published table name: dbt model name}`` for the curated tables.

    The published name is the model's relation name in the warehouse (its ``alias``, e.g.
    model ``mart_organisations`` is published as ``organisations``).
    """
    return {node.get("alias") or node["name"]: node["name"] for node in _mart_nodes()}


def mart_descriptions() -> dict[str, dict[str, Any]]:
    """Table and column descriptions of the curated tables from the dbt docs.

    Returns ``{published table name: {"description": str, "label_sv": str | None,
    "columns": {column: description}, "column_meta": {column: meta}}}``: ``label_sv`` is the
    model's Swedish name (``config.meta.label_sv``) and ``column_meta`` each column's
    ``meta`` (its Swedish name ``label_sv``, display hints, which columns a flag hides),
    declared once in the marts' YAML for the docs and the Excel workbook alike.
    """
    return {
        node.get("alias") or node["name"]: {
            "description": node.get("description", ""),
            "label_sv": (node.get("meta") or {}).get("label_sv"),
            "columns": {
                name: col.get("description", "") for name, col in node.get("columns", {}).items()
            },
            "column_meta": {
                name: dict(col.get("meta") or {}) for name, col in node.get("columns", {}).items()
            },
        }
        for node in _mart_nodes()
    }
