"""The dbt asset rebuilds only the survey years that changed, as the Dagster instance records
them, and its tables equal those of a full refresh (pipelines/transform/incremental.py).

On the bundled sample, through the job ``survey_load`` the way the UI runs it (one run per
year of the per-year assets, then a run of the dbt assets): 2018 and 2019 are loaded and
built, then 2020 arrives and is built alone; a change of the dbt code version then forces a
full refresh, whose tables must equal the incremental build's to 1e-9 (every marts table,
the published tables, and every incremental model); a reload of 2019 is built alone and
gives the same tables again; a build with nothing changed leaves the incremental models
alone. Each materialisation's metadata must say which kind of build made it and why.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import dagster as dg
import duckdb

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample" / "landing"


def _tables(db: Path, incremental: tuple[str, ...]) -> dict[str, list[tuple]]:
    """Every row of every marts table and of the incremental models, sorted; without the
    time a year's checks ran (``checked_at``: a reload checks the year again)."""
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "select table_schema, table_name, list(column_name) from information_schema.columns "
            "where table_schema in ('marts', 'intermediate') group by all order by all"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(
                f"select * {'exclude (checked_at)' if 'checked_at' in columns else ''} "
                f"from {s}.{t} order by all"
            ).fetchall()
            for s, t, columns in found
            if s == "marts" or t in incremental
        }


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _differences(full: dict[str, list[tuple]], other: dict[str, list[tuple]]) -> list[str]:
    out = (
        [f"tables {sorted(set(full) ^ set(other))} in one build only"]
        if set(full) != set(other)
        else []
    )
    for name, rows in full.items():
        if len(rows) != len(other.get(name, [])):
            out.append(
                f"{name}: {len(rows)} rows in the full build, {len(other.get(name, []))} else"
            )
            continue
        for r1, r2 in zip(rows, other[name], strict=True):
            if len(r1) != len(r2) or not all(_same(x, y) for x, y in zip(r1, r2, strict=True)):
                out.append(f"{name}: full {r1} != other {r2}")
                break
    return out


def _metadata(result: dg.ExecuteInProcessResult, model: str) -> dict[str, object] | None:
    """The metadata values of ``model``'s materialisation in the run (None: not built)."""
    found = [
        m for m in result.get_asset_materialization_events()
        if m.asset_key.path[-1] == model
    ]  # fmt: skip
    if not found:
        return None
    assert len(found) == 1
    return {
        k: v.value for k, v in found[0].step_materialization_data.materialization.metadata.items()
    }


def _years_in(db: Path, model: str) -> list[int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            r[0]
            for r in con.execute(
                f"select distinct survey_year from intermediate.{model} order by 1"
            ).fetchall()
        ]


def _reused_parse(run_id: str) -> list[tuple[str, bool]]:
    """Each dbt command of the run's dbt step, in order, with whether dbt reused the
    partial-parse state it found ("Nothing changed, skipping partial parsing" in the step's
    dbt.log) instead of parsing again. A command is named by dbt's closing line ("Command
    `dbt build` succeeded", "Command `cli docs generate` succeeded" when run in process)."""
    from pipelines.settings import DBT_PROJECT_DIR

    [folder] = (DBT_PROJECT_DIR / "target").glob(f"mognad_dbt_models-{run_id[:7]}-*")
    commands: list[tuple[str, bool]] = []
    reused = False
    for line in (folder / "dbt.log").read_text(encoding="utf-8").splitlines():
        if not line.startswith("{"):
            continue
        message = json.loads(line)["info"]["msg"]
        if message.startswith("running dbt with arguments"):
            reused = False
        elif message.startswith("Nothing changed, skipping partial parsing"):
            reused = True
        elif message.startswith("Command `") and " succeeded at " in message:
            commands.append((message.split("`")[1].split()[1], reused))
    return commands


def test_new_year_and_reload_are_built_alone_and_equal_a_full_refresh(
    tmp_path, monkeypatch, dbt_manifest
):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / "landing")
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(data))
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY", "incremental-build-test-key-0123456789")
    from pipelines.definitions import defs
    from pipelines.orchestration import PUBLISHED_KEY, build_keys, ingest_keys
    from pipelines.settings import DataPaths
    from pipelines.transform import incremental
    from pipelines.transform.incremental import (
        BUILD_MODE,
        BUILD_REASON,
        BUILD_RECORD,
        BUILD_YEARS,
        incremental_model_names,
        run_build_summary,
    )

    models = incremental_model_names()
    assert {
        "int_answers_scored",
        "int_respondent_category_scores",
        "dont_know_by_item",
        "internal_consistency_by_category",
    } <= set(models)
    db = DataPaths.current().warehouse_db
    job = defs.resolve_job_def("survey_load")
    dbt_keys = [k for k in build_keys() if k != PUBLISHED_KEY]

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("survey_year", ["2018", "2019", "2020"])

        def ingest(year: str) -> None:
            assert job.execute_in_process(
                instance=instance, partition_key=year, asset_selection=ingest_keys()
            ).success

        def build() -> dg.ExecuteInProcessResult:
            result = job.execute_in_process(instance=instance, asset_selection=dbt_keys)
            assert result.success
            return result

        ingest("2018")
        ingest("2019")
        first = build()
        # the checkout's parse (the test session's, made for another data root) serves this
        # data root's first build: the profile names the warehouse relative to the data root
        assert _reused_parse(first.run_id) == [("build", True), ("docs", True)]
        meta = _metadata(first, "int_answers_scored")
        assert meta[BUILD_MODE] == "full refresh"
        assert meta[BUILD_YEARS] == [2018, 2019]
        assert sorted(meta[BUILD_RECORD]["years"]) == ["2018", "2019"]

        ingest("2020")
        second = build()
        for model in models:
            meta = _metadata(second, model)
            assert meta[BUILD_MODE] == "incremental", (model, meta)
            assert meta[BUILD_YEARS] == [2020]
            assert "new 2020" in meta[BUILD_REASON]
            assert sorted(meta[BUILD_RECORD]["years"]) == ["2018", "2019", "2020"]
        assert run_build_summary(instance, second.run_id) == (
            "incremental: only 2020 changed (new 2020); the other years are kept as built"
        )  # what `mognad load` prints under the run's line
        assert _years_in(db, "int_answers_scored") == [2018, 2019, 2020]
        # the years are an environment variable dbt reads only when it executes, not --vars:
        # the incremental build reuses the parse too
        assert _reused_parse(second.run_id) == [("build", True), ("docs", True)]
        built_incrementally = _tables(db, models)
        assert len([t for t in built_incrementally if t.startswith("marts.")]) >= 12

        # a change of the dbt project (its code version): every year is rebuilt
        monkeypatch.setattr(incremental, "dbt_code_version", lambda: "0" * 64)
        third = build()
        for model in models:
            meta = _metadata(third, model)
            assert meta[BUILD_MODE] == "full refresh", (model, meta)
            assert "the dbt project changed" in meta[BUILD_REASON]
            assert meta[BUILD_YEARS] == [2018, 2019, 2020]
            assert meta[BUILD_RECORD]["code_version"] == "0" * 64
        # a full build after a change of the code version reuses the kept parse too
        assert _reused_parse(third.run_id) == [("build", True), ("docs", True)]
        built_in_full = _tables(db, models)
        assert _differences(built_in_full, built_incrementally) == []

        # 2019 promoted again (same files, a new promotion): only 2019 is rebuilt
        ingest("2019")
        fourth = build()
        meta = _metadata(fourth, "int_answers_scored")
        assert meta[BUILD_MODE] == "incremental" and meta[BUILD_YEARS] == [2019]
        assert "promoted again 2019" in meta[BUILD_REASON]
        assert _differences(built_in_full, _tables(db, models)) == []

        # 2019 signed off (its withholding overrules come from its current sign-off): only
        # 2019 is rebuilt, and the record holds the sign-off's version
        monkeypatch.setattr(incremental, "signoff_versions",
                            lambda paths, years: {y: (3 if y == "2019" else None) for y in years})
        signed = build()
        meta = _metadata(signed, "internal_consistency_by_organisation")
        assert meta[BUILD_MODE] == "incremental" and meta[BUILD_YEARS] == [2019]
        assert "the council's sign-off changed 2019" in meta[BUILD_REASON]
        assert meta[BUILD_RECORD]["signoffs"] == {"2018": None, "2019": 3, "2020": None}
        assert _differences(built_in_full, _tables(db, models)) == []

        # nothing changed (e.g. a rerun of the publication): every model is built, as a full refresh (a model
        # left out would make Dagster skip the publication downstream of it)
        fifth = build()
        meta = _metadata(fifth, "int_answers_scored")
        assert meta[BUILD_MODE] == "full refresh" and "no accepted year changed" in meta[BUILD_REASON]
        assert run_build_summary(instance, fifth.run_id).startswith("full refresh: no accepted")
        assert _metadata(fifth, "maturity_by_organisation") is not None
        assert _differences(built_in_full, _tables(db, models)) == []


def test_the_dbt_code_version_follows_the_project_files_not_the_environment(
    dbt_manifest, monkeypatch
):
    from pipelines.transform.incremental import dbt_code_version

    before = dbt_code_version()
    monkeypatch.setenv("MOGNAD_DATA_DIR", "/elsewhere")
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    assert dbt_code_version() == before
    assert len(before) == 64 and int(before, 16) >= 0
