"""Incremental dbt builds per survey year give the tables of a full build.

The per-respondent intermediate models, the per-year aggregates of them and the per-year
marts are incremental
(delete+insert by survey_year) with the environment variable ``MOGNAD_SURVEY_YEARS_TO_BUILD``, which the
pipeline sets to the years that changed (tests/test_incremental_build.py runs that through
Dagster). On the bundled sample (three years, the 2019 XLSX
included, ingested by the ingest stage), this compares two warehouses built independently:

- A: every accepted year built from scratch (``--full-refresh``) after each change;
- B: the same years arriving one load at a time, each load built incrementally.

Every row of every mart table and of the incremental models must be equal, floats to
1e-9 — the reference is dbt's own full build, an independent path through the same SQL.
Then a reload of 2019 with changed answers, rebuilt alone, must replace 2019's rows (and
only them).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipelines.transform.project import YEARS_TO_BUILD_ENV

REPO = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("mognad-dbt")  # dbt in the data root (the profile)
SAMPLE = REPO / "sample" / "landing"
YEARS = (2018, 2019, 2020)
INCREMENTAL_MODELS = (
    "int_answers_scored",
    "int_respondent_category_scores",
    "int_respondent_factor_scores",
    "int_category_indices_aggregated",
    "int_factor_indices_aggregated",
    "int_group_indices_aggregated",
    "int_item_pair_sums",
)


def _ingest_sample(raw_store: Path) -> None:
    """The sample's three years as accepted raw tables (ingest stage) with a passed file check
    each, checked at a fixed time (the council's quality rows carry the year's check time)."""
    import datetime as dt

    from pipelines.ingest import ingest_year
    from pipelines.ingest.ingest import write_tables
    from pipelines.validation import CheckOutcome
    from pipelines.validation.results import write_check_results

    for year in YEARS:
        result = ingest_year(SAMPLE / str(year), year, secret=b"incremental-test-key-0123456789")
        folder = raw_store / str(year)
        write_tables(result, folder)
        write_check_results(
            folder / "quality_check_results.parquet", year=year,
            structural=[CheckOutcome("required_columns", True, "ERROR", "", {})],
            checked_at=dt.datetime(2026, 1, 15, 9, 0),
        )  # fmt: skip


def _put_year(raw_store: Path, data_dir: Path, year: int) -> None:
    target = data_dir / "warehouse" / "raw" / str(year)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(raw_store / str(year), target)


def _dbt_build(data_dir: Path, *args: str, years: tuple[int, ...] = (), tests: bool = False) -> str:
    """``dbt build`` (models and seeds; data tests only with ``tests``: they are not what is
    compared here) against ``data_dir``, incremental for ``years`` (the environment variable
    ``MOGNAD_SURVEY_YEARS_TO_BUILD``, empty without ``years``); returns the target path; fails the
    test on error."""
    target = data_dir / "target"
    env = {**os.environ, "MOGNAD_DATA_DIR": str(data_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           YEARS_TO_BUILD_ENV: ",".join(str(y) for y in years)}
    proc = subprocess.run(
        [
            str(DBT), "build", "--exclude-resource-type", "unit_test",
            *([] if tests else ["--exclude-resource-type", "test"]),
            "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(target), "--log-path", str(data_dir / "logs"), *args,
        ],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    return str(target)


def _compiled_tests_of(target: str, model: str) -> dict[str, str]:
    """``{file name: compiled SQL}`` of the data tests on ``model`` in a build's target."""
    found = {}
    for path in (Path(target) / "compiled" / "mognad" / "models").rglob("*.sql"):
        sql = path.read_text(encoding="utf-8")
        if path.parent.name.endswith(".yml") and f'"{model}"' in sql:
            found[path.name] = sql
    return found


def _tables(data_dir: Path) -> dict[str, list[tuple]]:
    """Every row of every marts table and of the incremental models, sorted."""
    with duckdb.connect(str(data_dir / "warehouse" / "mognad.duckdb"), read_only=True) as con:
        marts = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        out = {f"marts.{t}": con.execute(f"select * from marts.{t} order by all").fetchall() for t in marts}
        for t in INCREMENTAL_MODELS:
            out[f"intermediate.{t}"] = con.execute(
                f"select * from intermediate.{t} order by all"
            ).fetchall()
    return out


def _same(a, b) -> bool:
    """Equality, floats to 1e-9 (DuckDB adds in parallel, in a varying order), NaN equal
    to NaN."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _differences(full: dict[str, list[tuple]], incremental: dict[str, list[tuple]]) -> list[str]:
    out = []
    assert set(full) == set(incremental)
    for name, rows in full.items():
        other = incremental[name]
        if len(rows) != len(other):
            out.append(f"{name}: {len(rows)} rows in the full build, {len(other)} incremental")
            continue
        for r1, r2 in zip(rows, other, strict=True):
            if len(r1) != len(r2) or not all(_same(x, y) for x, y in zip(r1, r2, strict=True)):
                out.append(f"{name}: full {r1} != incremental {r2}")
                break
    return out


def _indices(data_dir: Path) -> dict[tuple[int, str], tuple]:
    """``{(survey_year, organisation_code): (capability, legacy, maturity index)}``."""
    with duckdb.connect(str(data_dir / "warehouse" / "mognad.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select survey_year, organisation_code, capability_index, legacy_index, "
            "maturity_index from marts.maturity_by_organisation"
        ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def _change_2019_answers(raw_store: Path) -> int:
    """Answers of 2019 with value 3 become 5 (in place); returns how many changed."""
    path = raw_store / "2019" / "survey_answers.parquet"
    table = pq.read_table(path)
    values = table.column("answer_value")
    hit = pc.fill_null(pc.equal(values, 3), False)
    changed = int(pc.sum(hit).as_py())
    new_values = pc.if_else(hit, pa.scalar(5, values.type), values)
    raw = table.column("answer_raw")
    new_raw = pc.if_else(hit, pa.scalar("5", raw.type), raw)
    table = table.set_column(table.schema.get_field_index("answer_value"), "answer_value", new_values)
    table = table.set_column(table.schema.get_field_index("answer_raw"), "answer_raw", new_raw)
    pq.write_table(table, path)
    return changed


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    """Warehouses A (full builds) and B (incremental loads), tables after each step.

    The incremental builds rebuild exactly the loaded year (a reload of 2019 rebuilds 2019
    alone), named in the environment variable ``MOGNAD_SURVEY_YEARS_TO_BUILD``."""
    base = tmp_path_factory.mktemp("incremental")
    raw_store = base / "raw"
    _ingest_sample(raw_store)
    full, inc = base / "full", base / "incremental"
    for year in YEARS:
        _put_year(raw_store, full, year)
    _dbt_build(full, "--full-refresh")
    # B: 2018 and 2019 first (full), then 2020 alone, incrementally
    for year in (2018, 2019):
        _put_year(raw_store, inc, year)
    full_target = _dbt_build(inc, "--full-refresh", tests=True)
    full_tests = _compiled_tests_of(full_target, "int_answers_scored")
    _put_year(raw_store, inc, 2020)
    target = _dbt_build(inc, years=(2020,), tests=True)
    model = Path("mognad") / "models" / "intermediate" / "int_answers_scored.sql"
    compiled = (Path(target) / "compiled" / model).read_text(encoding="utf-8")
    compiled += (Path(target) / "run" / model).read_text(encoding="utf-8")
    step1 = {"full": _tables(full), "incremental": _tables(inc), "compiled": compiled,
             "indices": _indices(inc), "full_tests": full_tests,
             "incremental_tests": _compiled_tests_of(target, "int_answers_scored")}
    # reload 2019 with changed answers: A from scratch, B incrementally
    changed = _change_2019_answers(raw_store)
    _put_year(raw_store, full, 2019)
    _put_year(raw_store, inc, 2019)
    _dbt_build(full, "--full-refresh")
    _dbt_build(inc, years=(2019,))
    step2 = {"full": _tables(full), "incremental": _tables(inc), "changed": changed,
             "indices": _indices(inc)}
    with duckdb.connect(str(inc / "warehouse" / "mognad.duckdb"), read_only=True) as con:
        step2["answers_2019"] = con.execute(
            "select count(*), count(*) filter (where answer_value = 3) "
            "from intermediate.int_answers_scored where survey_year = 2019"
        ).fetchone()
    raw_2019 = pq.read_table(raw_store / "2019" / "survey_answers.parquet").num_rows
    return {"step1": step1, "step2": step2, "raw_2019_rows": raw_2019}


def test_new_year_loaded_incrementally_equals_full_build(builds):
    step = builds["step1"]
    # the incremental build did rebuild 2020 alone (the is_incremental() filter was applied)
    assert "where survey_year in (2020)" in step["compiled"]
    assert "delete from" in step["compiled"]
    assert _differences(step["full"], step["incremental"]) == []
    # and the comparison is not vacuous: every year is there, every mart has rows
    years = {row[0] for row in step["full"]["intermediate.int_answers_scored"]}
    assert years == set(YEARS)
    empty = {name for name, rows in step["full"].items() if not rows}
    # the fixture has no handlingsplan files (dbt computes the quality checks of every year),
    # and the project's optional peer groups and national reference seeds are header-only
    assert empty == {"marts.decided_actions", "marts.action_follow_up",
                     "marts.action_status_changes", "marts.peer_group_references",
                     "marts.national_reference_values"}


def test_data_tests_check_only_the_rebuilt_years(builds):
    """The tests on the scored answers (5) check the rebuilt years only in an incremental
    build, every row in a full build (macros/incremental_years.sql, get_where_subquery)."""
    full, incremental = builds["step1"]["full_tests"], builds["step1"]["incremental_tests"]
    assert len(full) == len(incremental) == 5
    for sql in full.values():
        assert "where true) dbt_subquery" in sql and "survey_year in (" not in sql
    for sql in incremental.values():
        assert "where survey_year in (2020)) dbt_subquery" in sql


def test_reload_with_changed_answers_replaces_the_year(builds):
    before, after = builds["step1"]["full"], builds["step2"]
    assert after["changed"] > 100  # the sample has many answers of 3 in 2019
    assert _differences(after["full"], after["incremental"]) == []
    # 2019's rows were replaced, not added to: as many answers as the raw table, none of 3
    assert after["answers_2019"] == (builds["raw_2019_rows"], 0)
    # 2019's indices changed (3 -> 5 raises non-reversed scores); 2018 and 2020 did not
    # (beyond 1e-9: the marts are rebuilt, and DuckDB sums in parallel)
    old, new = builds["step1"]["indices"], after["indices"]
    assert old.keys() == new.keys()
    changed = {
        key for key in old if not all(_same(a, b) for a, b in zip(old[key], new[key], strict=True))
    }
    published_2019 = {key for key in old if key[0] == 2019 and old[key][2] is not None}
    assert published_2019 and published_2019 <= changed
    assert not any(key[0] in (2018, 2020) for key in changed)
    scored_before = before["intermediate.int_answers_scored"]
    scored_after = after["incremental"]["intermediate.int_answers_scored"]
    for year in (2018, 2020):
        assert [r for r in scored_before if r[0] == year] == [r for r in scored_after if r[0] == year]
