"""dbt models, seeds and tests as Dagster assets, built once over every accepted year.

The dbt sources ``raw.survey_answers``, ``raw.respondents`` and ``raw.invitations`` have the
default dagster-dbt keys ``["raw", <table>]``: the same keys the validate stage's promotion
asset materialises (per survey year), so the lineage graph joins without key overrides.

The dbt assets are not partitioned: every model's table holds all accepted years, and the
marts compare years and rank organisations within a year, so a reload of one year can
change another year's change columns. Each run is one ``dbt build`` over all accepted
years, in which the models that are incremental per survey year rebuild only the years that
changed since they were built, as the Dagster instance records it
(``pipelines.transform.incremental``); dbt's data tests become Dagster asset checks.
"""


import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
    get_asset_key_for_model,
)

from pipelines.load_guard import refuse_if_another_load
from pipelines.settings import DBT_PROJECT_DIR, WAREHOUSE_POOL, DataPaths
from pipelines.transform.check_years import results_by_year, with_years
from pipelines.transform.dbt_launcher import dbt_working_dir
from pipelines.transform.incremental import incremental_model_names, plan_dbt_build
from pipelines.transform.project import (
    DBT_TARGET_PATH,
    PARTIAL_PARSE_FILE,
    keep_parse_state,
    mognad_dbt_project,
)
from pipelines.transform.warehouse import (
    damage_in,
    damaged_message,
    mark_build,
    warehouse_problem,
)

MARTS_SCHEMA = "marts"

COUNCIL_CHECKS_MODEL = "int_quality_checks_evaluated"
"""The model whose data tests are the council's quality checks (``docs/data-contracts.md``):
their results carry the survey year of each finding (``pipelines.transform.check_years``)."""


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

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """dagster-dbt's description (the node's, then its raw SQL under "#### Raw SQL"), or
        for a node without SQL (a seed: a CSV file) the node's description alone: dagster-dbt
        would end it with an empty "Raw SQL" block."""
        if dbt_resource_props.get("raw_code") or dbt_resource_props.get("raw_sql"):
            return super().get_description(dbt_resource_props)
        return dbt_resource_props.get("description") or (
            f"dbt {dbt_resource_props['resource_type']} {dbt_resource_props['name']}")

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any],
                             unique_id: str, project) -> dg.AssetCheckSpec | None:
        """dagster-dbt's check of a dbt data test, with a description: dagster-dbt reads only
        ``meta.description``, so the tests' own ``description`` (the council's checks) and
        every generic test (none has one) showed none in the UI. The description is the
        test's own, else :func:`data_test_description`."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        node = manifest["nodes"][unique_id]
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=node.get("description") or data_test_description(node),
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=spec.blocking,
        )


def data_test_description(node: Mapping[str, Any]) -> str:
    """One sentence saying what the dbt data test ``node`` (a manifest node) asserts, from
    its test name and arguments, e.g. ``not_null`` on ``survey_year`` → "survey_year is
    never null."; for a singular test, its file name."""
    meta = node.get("test_metadata") or {}
    args = meta.get("kwargs") or {}
    column = args.get("column_name")
    name = meta.get("name")
    if name == "not_null":
        return f"{column} is never null."
    if name == "unique":
        return f"{column} is unique."
    if name == "accepted_values":
        return f"{column} is one of: {', '.join(str(v) for v in args.get('values', []))}."
    if name == "relationships":
        to = str(args.get("to", "")).removeprefix("ref(").removesuffix(")").strip("'\"")
        return f"every {column} is a {args.get('field')} of {to}."
    if name == "unique_combination_of_columns":
        return f"({', '.join(args.get('combination_of_columns', []))}) is unique."
    if name == "expression_is_true":
        return f"every row satisfies: {' '.join(str(args.get('expression')).split())}."
    if name == "accepted_range":
        low, high = args.get("min_value"), args.get("max_value")
        bounds = " and ".join(
            b for b in (f"at least {low}" if low is not None else "",
                        f"at most {high}" if high is not None else "") if b)
        return f"{column} is {bounds}."
    if name:
        return f"dbt test {name}" + (f" on {column}." if column else ".")
    return f"dbt test {node.get('original_file_path') or node['name']}."


translator = MognadDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def dbt_build_args(*, with_unit_tests: bool = False) -> list[str]:
    """Arguments of the production ``dbt build``: models, seeds and data tests. dbt's unit
    tests check the SQL, not the year's data, so they run in the test suite (tests/dbt), not
    in every load."""
    args = ["build"]
    if not with_unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


def _build_target(context: dg.AssetExecutionContext) -> Path:
    """A fresh target folder for this run's dbt build, holding a copy of the partial-parse
    file that ``ensure_manifest`` (``dbt parse``, run before every CLI load) left in
    ``dbt_project/target``: dbt then re-parses only what changed since instead of the whole
    project, in every data root (the profile names the warehouse relative to the data root,
    dbt's working directory, so it is the same for all of them). The years of
    an incremental build do not make it parse: they are an environment variable that dbt
    reads only when it executes (``YEARS_TO_BUILD_ENV``), not ``--vars``."""
    target = DBT_PROJECT_DIR / DBT_TARGET_PATH / f"mognad_dbt_models-{context.run_id[:7]}-{uuid.uuid4().hex[:7]}"
    target.mkdir(parents=True, exist_ok=True)
    parsed = DBT_PROJECT_DIR / DBT_TARGET_PATH / PARTIAL_PARSE_FILE
    if parsed.exists():
        shutil.copyfile(parsed, target / PARTIAL_PARSE_FILE)
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


INDIRECT_SELECTION = "buildable"
"""Which data tests dbt runs when a run builds only some of the models (a backfill from the UI
splits the models over runs by what they read, the models that read no survey year first; a
Materialize of a few models): a test runs when every model it reads is built in the run or upstream of one
that is (dbt's ``buildable`` indirect selection). dbt's default, ``eager``, also runs a
relationships test whose other model is not built, e.g. the test of
``maturity_by_department.organisation_code`` against ``mart_organisations`` in the run that
builds ``mart_organisations`` alone, which then fails on a missing table or checks a stale
one. A build of every model runs every test either way. ``DBT_INDIRECT_SELECTION`` set in
the environment wins; dagster-dbt sets ``empty`` itself when it names the tests one by one
(a subset of a model's checks)."""


@contextlib.contextmanager
def _default_indirect_selection():
    """``DBT_INDIRECT_SELECTION`` = :data:`INDIRECT_SELECTION` while dagster-dbt starts dbt
    (it reads the variable and passes the environment on), unless it is set already."""
    if "DBT_INDIRECT_SELECTION" in os.environ:
        yield
        return
    os.environ["DBT_INDIRECT_SELECTION"] = INDIRECT_SELECTION
    try:
        yield
    finally:
        os.environ.pop("DBT_INDIRECT_SELECTION", None)


@contextlib.contextmanager
def _environment(values: Mapping[str, str]):
    """``values`` set in the environment while dagster-dbt starts dbt (it passes the
    environment on), each variable restored as it was afterwards."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dbt_assets(
    manifest=mognad_dbt_project.manifest_path,
    project=mognad_dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def mognad_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Builds seeds, staging, intermediate and marts with one ``dbt build`` over every
    accepted year, running dbt's data tests as it goes. The incremental models rebuild the
    years :func:`~pipelines.transform.incremental.plan_dbt_build` names (every year on a
    full refresh), and each of their materialisations records what it was built from and
    why it was full or incremental. Then writes the dbt docs as
    one self-contained page (``dbt docs generate --static``) to
    ``warehouse/dbt_docs/index.html`` for the publication and removes all but the newest
    build target folders. A damaged warehouse file stops the step with what to do
    (:func:`~pipelines.transform.warehouse.warehouse_problem`)."""
    paths = DataPaths.current()
    refuse_if_another_load(paths)
    damaged = warehouse_problem(paths.warehouse_db, paths.warehouse / "raw")
    if damaged:
        raise dg.Failure(description=damaged)
    incremental = _selected_incremental_models(context)
    plan = plan_dbt_build(context.instance, paths, incremental)
    context.log.info(f"dbt build: {plan.reason}")
    mark_build(paths, finished=False)
    with _default_indirect_selection(), _environment(plan.dbt_env()):
        build = dbt.cli(
            [*dbt_build_args(), *plan.dbt_args()], context=context,
            target_path=_build_target(context),
        )
    incremental_keys = set(incremental.values())
    council = get_asset_key_for_model([mognad_dbt_models], COUNCIL_CHECKS_MODEL)
    council_results = []  # held until dbt has released the warehouse, to add the years
    try:
        for event in build.stream():
            if (isinstance(event, dg.Output)
                    and context.asset_key_for_output(event.output_name) in incremental_keys):
                event = event.with_metadata({**event.metadata, **plan.metadata()})
            if isinstance(event, dg.AssetCheckResult) and event.asset_key == council:
                council_results.append(event)
                continue
            yield event
    except Exception as exc:  # a block found damaged during the build
        yield from _with_years(context, paths, council_results)
        if damage_in(str(exc)):
            raise dg.Failure(description=damaged_message(
                paths.warehouse_db, paths.warehouse / "raw", str(exc))) from exc
        raise
    yield from _with_years(context, paths, council_results)
    _publishable_docs(build.target_path)
    keep_parse_state(build.target_path)  # the next build skips parsing
    mark_build(paths, finished=True)
    _prune_build_targets(build.target_path)


def _with_years(context: dg.AssetExecutionContext, paths: DataPaths,
                results: list[dg.AssetCheckResult]) -> list[dg.AssetCheckResult]:
    """The council's check ``results`` of this build, each with the survey year of its rows
    (:func:`~pipelines.transform.check_years.with_years`); without years or council status
    (dbt's status renamed alone), with a warning in the run's log, when the checked model
    cannot be read (a build that failed before it)."""
    if not results:
        return []
    import duckdb

    node = next(node for node in _manifest()["nodes"].values()
                if node["resource_type"] == "model" and node["name"] == COUNCIL_CHECKS_MODEL)
    relation = f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'
    try:
        by_check = results_by_year(paths.warehouse_db, relation)
    except duckdb.Error as error:
        context.log.warning(f"The council's check results carry no years: {error}")
        by_check = {}
    return [with_years(result, by_check) for result in results]


def _selected_incremental_models(context: dg.AssetExecutionContext) -> dict[str, dg.AssetKey]:
    """``{model name: asset key}`` of the incremental models this run builds."""
    keys = {
        name: get_asset_key_for_model([mognad_dbt_models], name)
        for name in incremental_model_names()
    }
    return {name: key for name, key in keys.items() if key in context.selected_asset_keys}


def _publishable_docs(target_path: Path) -> None:
    """Write the dbt docs page of the build in ``target_path`` to
    ``warehouse/dbt_docs/index.html``, with the catalog of the warehouse as built.

    ``dbt docs generate`` runs in this process through dbt's programmatic entry point
    (``dbtRunner``): the step has imported dbt already (dagster-dbt's adapter for the build),
    so no second dbt process starts and imports it again; the build's process has exited,
    so the warehouse is free. The build's manifest already holds the compiled SQL, so
    ``--no-compile`` skips a second compile; the build's target folder lets dbt reuse the
    build's parse instead of parsing the project again. dbt runs with the data root as the
    working directory, as the build did (:func:`~pipelines.transform.dbt_launcher.
    dbt_working_dir`: the profile names the warehouse relative to it), and this process's
    own working directory is restored afterwards. dbt's log is appended to the build's
    ``dbt.log`` (JSON lines, as the build's); the warehouse is closed again before
    returning (:func:`_close_dbt_warehouse`). Raises ``dagster.Failure`` with dbt's error
    when the docs cannot be generated."""
    from dbt.cli.main import dbtRunner

    try:
        with contextlib.chdir(dbt_working_dir()):
            result = dbtRunner().invoke([
                "docs", "generate", "--static", "--no-compile",
                "--project-dir", str(mognad_dbt_project.project_dir),
                "--profiles-dir", str(mognad_dbt_project.profiles_dir),
                "--target-path", str(target_path), "--log-path", str(target_path),
                "--log-format-file", "json", "--quiet",
            ])  # fmt: skip
    finally:
        _close_dbt_warehouse()
    if not result.success:
        raise dg.Failure(description=(
            f"dbt docs generate failed: {result.exception or 'see the log'} "
            f"(dbt's log: {target_path / 'dbt.log'})"))
    target = DataPaths.current().dbt_docs
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target_path / "static_index.html", target / "index.html")


def _close_dbt_warehouse() -> None:
    """Close the warehouse file that a dbt command run in this process opened.

    dbt-duckdb keeps one DuckDB database per process open after a command (its environment,
    profile setting ``keep_open``, true by default), and DuckDB lets one process write a
    file: left open, it would hold the lock until this process ends, and the next build's
    dbt process (or, when the job runs in process, the next run) could not open the
    warehouse. Nothing to close when dbt never connected."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    current, close_all = DuckDBConnectionManager.env, DuckDBConnectionManager.close_all_connections
    try:
        environment = current()
    except Exception:  # dbt-duckdb's "environment requested before creation": never opened
        return
    environment.close()
    close_all()


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
    "description_sv": str | None, "columns": {column: description}, "column_meta":
    {column: meta}}}``: ``label_sv`` and ``description_sv`` are the model's Swedish name and
    description for readers of the workbook (``config.meta``), ``description`` the English
    one of the dbt docs, and ``column_meta`` each column's ``meta`` (its Swedish name
    ``label_sv`` and description ``description_sv``, display hints, which columns a flag
    hides), declared once in the marts' YAML for the docs and the Excel workbook alike.
    """
    return {
        node.get("alias") or node["name"]: {
            "description": node.get("description", ""),
            "label_sv": (node.get("meta") or {}).get("label_sv"),
            "description_sv": (node.get("meta") or {}).get("description_sv"),
            "columns": {
                name: col.get("description", "") for name, col in node.get("columns", {}).items()
            },
            "column_meta": {
                name: dict(col.get("meta") or {}) for name, col in node.get("columns", {}).items()
            },
        }
        for node in _mart_nodes()
    }
