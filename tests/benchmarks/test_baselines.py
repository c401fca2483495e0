"""The two hand-written baselines of the benchmark (issue 7) compute the same
``maturity_by_organisation`` values as the pipeline publishes, on the bundled sample.
Where the pipeline publishes null on purpose (results withheld by the council's checks, or
suppressed by disclosure control) the test checks that the row says so; everything else
is compared.

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
def published_parquet(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("bench-demo")
    env = {**os.environ, "MOGNAD_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home")}
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    return data / "published" / "latest" / "parquet" / "maturity_by_organisation.parquet"


@pytest.fixture(scope="module")
def published(published_parquet) -> dict[tuple[str, int], tuple]:
    return _rows(published_parquet)


@pytest.fixture(scope="module")
def not_disclosed(published_parquet) -> set[tuple[str, int, str]]:
    """(organisation, year, index column) the pipeline publishes as null on purpose:
    results withheld by the council's checks or suppressed by disclosure control (domain
    doc, Privacy). The baselines compute every index; they are compared where published."""
    columns = {r[0] for r in duckdb.sql(
        f"describe select * from read_parquet('{published_parquet}')").fetchall()}
    out = set()
    for column in COLUMNS:
        flags = [f for f in ("results_withheld", column.replace("_index", "_index_suppressed"))
                 if f in columns]
        if not flags:
            continue
        rows = duckdb.sql(
            f"select organisation_code, survey_year from read_parquet('{published_parquet}') "
            f"where {' or '.join(flags)}").fetchall()
        out |= {(code, int(year), column) for code, year in rows}
    return out


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


def _assert_same(baseline: dict, published: dict, not_disclosed: set) -> None:
    # 14 organisations x 3 years, every year of the sample including the XLSX one
    assert sorted(published) == sorted(baseline)
    assert len(published) == 42
    assert {year for _, year in published} == {2018, 2019, 2020}
    compared = 0
    for key, (respondents, *indices) in published.items():
        b_respondents, *b_indices = baseline[key]
        assert b_respondents == respondents, key
        for column, p, b in zip(COLUMNS, indices, b_indices, strict=True):
            if p is None:  # only where the pipeline says why
                assert (*key, column) in not_disclosed, (key, column)
                assert b is not None and 0 <= b <= 100, (key, column)
            else:
                assert b == pytest.approx(p, abs=1e-9), (key, column)
                compared += 1
    # nearly every value is compared: the sample withholds Mullsjö 2019 only
    assert compared >= 3 * 40


def test_duckdb_baseline_equals_published(duckdb_result, published, not_disclosed):
    _assert_same(duckdb_result, published, not_disclosed)


def test_pandas_baseline_equals_published(pandas_result, published, not_disclosed):
    _assert_same(pandas_result, published, not_disclosed)


def test_the_two_baselines_agree_everywhere(duckdb_result, pandas_result):
    # including the organisation-years the pipeline does not publish
    assert sorted(duckdb_result) == sorted(pandas_result)
    for key, (n, *indices) in duckdb_result.items():
        p_n, *p_indices = pandas_result[key]
        assert n == p_n
        assert p_indices == pytest.approx(indices, abs=1e-9), key
        assert all(v is not None and 0 <= v <= 100 for v in indices), key


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
