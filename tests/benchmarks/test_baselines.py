"""The two hand-written baselines of the benchmark (issue 7) compute the same
``maturity_by_organisation`` values as the pipeline publishes, on the bundled sample.

The pipeline's values come from a real ``mognad demo`` run in a temporary data root; the
baselines read the same raw export files (all three years: 2018 cp1252 CSV, 2019 XLSX,
2020 UTF-8 CSV) with their own code. Neither shares code with the pipeline or with each
other, so agreement to 1e-9 checks all three. The e2e marker: the demo run takes 1-3 min.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "dbt_project" / "seeds"
SAMPLE = ROOT / "sample" / "landing"
BASELINES = ROOT / "benchmarks" / "baselines"

pytestmark = pytest.mark.e2e

COLUMNS = ("capability_index", "legacy_index", "maturity_index")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"baseline_{name}", BASELINES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(parquet: Path) -> dict[tuple[str, int], tuple]:
    rows = duckdb.sql(
        f"select organisation_code, survey_year, respondents, {', '.join(COLUMNS)} "
        f"from read_parquet('{parquet}')"
    ).fetchall()
    return {(r[0], int(r[1])): r[2:] for r in rows}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[tuple[str, int], tuple]:
    data = tmp_path_factory.mktemp("bench-demo")
    env = {**os.environ, "MOGNAD_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home")}
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    return _rows(data / "published" / "latest" / "parquet" / "maturity_by_organisation.parquet")


@pytest.fixture(scope="module")
def duckdb_result(tmp_path_factory) -> dict[tuple[str, int], tuple]:
    out = tmp_path_factory.mktemp("bench-duckdb") / "maturity.parquet"
    _load("duckdb_baseline").run(SAMPLE, SEEDS, out)
    return _rows(out)


@pytest.fixture(scope="module")
def pandas_result(tmp_path_factory) -> dict[tuple[str, int], tuple]:
    out = tmp_path_factory.mktemp("bench-pandas") / "maturity.parquet"
    _load("pandas_baseline").run(SAMPLE, SEEDS, out)
    return _rows(out)


def _assert_same(baseline: dict, published: dict) -> None:
    # 14 organisations x 3 years, every year of the sample including the XLSX one
    assert sorted(published) == sorted(baseline)
    assert len(published) == 42
    assert {year for _, year in published} == {2018, 2019, 2020}
    for key, (respondents, *indices) in published.items():
        b_respondents, *b_indices = baseline[key]
        assert b_respondents == respondents, key
        for column, p, b in zip(COLUMNS, indices, b_indices, strict=True):
            if p is None:
                assert b is None, (key, column)
            else:
                assert b == pytest.approx(p, abs=1e-9), (key, column)


def test_duckdb_baseline_equals_published(duckdb_result, published):
    _assert_same(duckdb_result, published)


def test_pandas_baseline_equals_published(pandas_result, published):
    _assert_same(pandas_result, published)


def test_every_published_index_is_a_number(published):
    # guards the comparison above against passing on all-null columns
    values = [v for row in published.values() for v in row[1:]]
    assert all(v is not None and 0 <= v <= 100 for v in values)


def test_duckdb_baseline_rejects_an_unknown_organisation(tmp_path):
    # a baseline that silently dropped unmatched rows would agree with nothing it cannot read
    import shutil

    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    path = landing / "2020" / "dimios_export_2020.csv"
    text = path.read_bytes().decode("utf-8-sig")
    header, first, rest = text.split("\n", 2)
    fields = first.split(",")
    fields[2] = "9999"
    path.write_bytes(("\ufeff" + "\n".join([header, ",".join(fields), rest])).encode("utf-8"))
    with pytest.raises(duckdb.Error, match="unmatched organisations"):
        _load("duckdb_baseline").run(landing, SEEDS, tmp_path / "out.parquet")
