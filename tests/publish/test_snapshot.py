"""Publication: snapshot files, Excel-safe CSV, atomic switch of latest, retention."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.publish.snapshot import (
    build_snapshot,
    excel_safe_text,
    format_csv_cell,
    list_snapshots,
    write_excel_csv_table,
)


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.maturity_by_organisation as select * from (values "
            "('0604', 'Aneby kommun', 2018, 41.25::double, 7), "
            "('0680', '=HYPERLINK(\"http://x\")', 2018, 55.5, 120)) "
            "t(organisation_code, organisation_name, survey_year, maturity_index, respondents)"
        )
    return db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+46 36 10 50 00", "'+46 36 10 50 00"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Jönköpings kommun", "Jönköpings kommun"),
        ("", ""),
    ],
)
def test_excel_safe_text_neutralises_formula_prefixes(text, expected):
    assert excel_safe_text(text) == expected


def test_csv_cells_use_decimal_comma_and_empty_null():
    assert format_csv_cell(41.25) == "41,25"
    assert format_csv_cell(-3.5) == "-3,5"  # a number, not text: no apostrophe
    assert format_csv_cell(7) == "7"
    assert format_csv_cell(None) == ""
    assert format_csv_cell(True) == "true"


def _csv_cell_by_cell(path: Path, columns: list[str], rows: list[tuple]) -> int:
    """The reference: every cell through format_csv_cell, one row at a time."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([format_csv_cell(v) for v in row] for row in rows)
    return len(rows)


def test_columnwise_csv_writer_gives_the_bytes_of_the_cell_rule(tmp_path: Path):
    """write_excel_csv_table (publication, a column at a time) writes the file the cell rule
    (format_csv_cell per cell) gives, for every column type the curated tables use."""
    import duckdb

    query = """
        select * from (values
            (1, 41.25::double, 'Jönköping', true, 1.25::decimal(5, 2), date '2020-01-02',
             -7::bigint, 'nan'::double, '=1+1'),
            (2, -3.5::double, null, false, null, null, null, 1e-05::double, '-2'),
            (3, null, 'a;b "c"', null, -0.5::decimal(5, 2), date '2021-12-31', 12, 100.0,
             '+46 36' || chr(9) || chr(13)),
            (5, 2.5, chr(9) || 'tab', false, null, null, null, null, chr(13) || 'cr'),
            (4, 0.1::double + 0.2::double, '@x', true, 0::decimal(5, 2), null, 0, -0.0, null)
        ) t(id, score, name, flag, amount, day, big, odd, text)
    """
    con = duckdb.connect()
    table = con.sql(query).to_arrow_table()
    cursor = con.execute(query)
    rows = cursor.fetchall()
    expected = tmp_path / "rows.csv"
    assert _csv_cell_by_cell(expected, [d[0] for d in cursor.description], rows) == 5
    for batch_rows in (1, 3, 65536):  # batches split anywhere
        actual = tmp_path / f"table-{batch_rows}.csv"
        assert write_excel_csv_table(actual, table, batch_rows=batch_rows) == 5
        assert actual.read_bytes() == expected.read_bytes()
    lines = expected.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[1] == "1;41,25;Jönköping;true;1,25;2020-01-02;-7;;'=1+1"
    assert lines[2] == "2;-3,5;;false;;;;1e-05;'-2"
    assert lines[4] == "5;2,5;'\ttab;false;;;;;\"'\rcr\""
    assert lines[5] == "4;0,30000000000000004;'@x;true;0,00;;0;0,0;"


def test_columnwise_csv_writer_gives_repr_for_any_double_and_csv_quotes_for_any_text(
    tmp_path: Path,
):
    """Doubles of every magnitude (both sides of REPR_FIXED_RANGE's bounds, whole numbers,
    infinities, the smallest and largest), random bit patterns, and text with the characters
    csv.writer quotes, a line of one empty cell: the bytes of the cell rule (csv.writer and
    format_csv_cell, cell by cell)."""
    import random
    import struct

    rng = random.Random(15)
    edges = [1e-4, 9.999999999999999e-05, 1e15, 999999999999999.9, 1e16, 5e-324, -1e-4,
             1.7976931348623157e308, float("inf"), -float("inf"), 100.0, -0.0, 0.0, 1e-05,
             123456789012345.0, 0.00012345678901234]
    bits = [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(3000)]
    scaled = [rng.uniform(-1, 1) * 10.0 ** rng.randint(-12, 20) for _ in range(3000)]
    whole = [float(rng.randint(-10**6, 10**6)) for _ in range(500)]
    doubles = edges + bits + scaled + whole
    pieces = ["a", ";", '"', "\r", "\n", " ", "=", "-", "é", "'", ",", "\t", ""]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
             for _ in range(len(doubles))]
    table = pa.table({"d": pa.array(doubles, pa.float64()), "t": texts})
    expected = tmp_path / "rows.csv"
    _csv_cell_by_cell(expected, ["d", "t"], list(zip(doubles, texts, strict=True)))
    assert write_excel_csv_table(tmp_path / "table.csv", table) == len(doubles)
    assert (tmp_path / "table.csv").read_bytes() == expected.read_bytes()
    one = pa.table({"t": ["", "x", None, "a;b"]})
    _csv_cell_by_cell(expected, ["t"], [("",), ("x",), (None,), ("a;b",)])
    write_excel_csv_table(tmp_path / "one.csv", one)
    assert (tmp_path / "one.csv").read_bytes() == expected.read_bytes()
    assert expected.read_bytes().decode("utf-8-sig").split("\r\n")[1:] == [
        '""', "x", '""', '"a;b"', ""]


def test_snapshot_contents(warehouse: Path, tmp_path: Path):
    published = tmp_path / "published"
    snap = build_snapshot(
        warehouse,
        published,
        ["maturity_by_organisation"],
        descriptions={
            "maturity_by_organisation": {
                "description": "One row per organisation and year.",
                "columns": {"maturity_index": "Maturity index, 0–100."},
            }
        },
        inputs=[{"year": 2018, "files": [{"name": "x.csv", "sha256": "ab"}]}],
    )
    latest = published / "latest"
    assert latest.is_symlink() and os.readlink(latest) == snap.snapshot_id

    with duckdb.connect(str(latest / "mognad.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select organisation_code, maturity_index from maturity_by_organisation order by 1"
        ).fetchall()
        assert rows == [("0604", 41.25), ("0680", 55.5)]
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'maturity_by_organisation' "
            "and column_name = 'maturity_index'"
        ).fetchone()[0]
        assert comment == "Maturity index, 0–100."

    table = pq.read_table(latest / "parquet" / "maturity_by_organisation.parquet")
    assert table.num_rows == 2
    assert str(table.schema.field("organisation_code").type) == "string"

    raw = (latest / "csv" / "maturity_by_organisation.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # byte-order mark for Excel
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "organisation_code;organisation_name;survey_year;maturity_index;respondents"
    assert lines[1] == "0604;Aneby kommun;2018;41,25;7"
    # The hostile name is neutralised (leading apostrophe) and quoted by the CSV writer.
    assert lines[2] == "0680;\"'=HYPERLINK(\"\"http://x\"\")\";2018;55,5;120"

    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["snapshot_id"] == snap.snapshot_id
    assert manifest["tables"]["maturity_by_organisation"]["rows"] == 2
    assert manifest["tables"]["maturity_by_organisation"]["content_sha256"] == hashlib.sha256(raw).hexdigest()
    assert manifest["inputs"][0]["files"][0]["sha256"] == "ab"
    assert not [p for p in published.iterdir() if p.name.endswith(".partial")]


def test_failed_publication_leaves_latest_untouched(warehouse: Path, tmp_path: Path):
    published = tmp_path / "published"
    first = build_snapshot(warehouse, published, ["maturity_by_organisation"])
    _change_data(warehouse, 5.0)
    with pytest.raises(duckdb.CatalogException):
        build_snapshot(warehouse, published, ["no_such_table"])
    assert os.readlink(published / "latest") == first.snapshot_id
    assert list_snapshots(published) == [first.snapshot_id]
    assert not [p for p in published.iterdir() if p.name.endswith(".partial")]


def _change_data(warehouse: Path, value: float) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update marts.maturity_by_organisation set maturity_index = ? "
            "where organisation_code = '0604'",
            [value],
        )


def test_only_the_newest_snapshots_are_kept(warehouse: Path, tmp_path: Path):
    published = tmp_path / "published"
    ids = []
    for value in (1.0, 2.0, 3.0, 4.0):
        _change_data(warehouse, value)
        ids.append(build_snapshot(warehouse, published, ["maturity_by_organisation"], keep=2).snapshot_id)
    assert list_snapshots(published) == ids[-2:]
    assert os.readlink(published / "latest") == ids[-1]


def test_same_inputs_publish_nothing_new_whatever_the_bytes(warehouse: Path, tmp_path: Path):
    published = tmp_path / "published"
    first = build_snapshot(warehouse, published, ["maturity_by_organisation"], inputs_key="key-a")
    assert first.manifest["inputs_key"] == "key-a"
    # a rebuild that differs in the last bits (e.g. parallel sums) is the same snapshot
    _change_data(warehouse, 12.5)
    again = build_snapshot(warehouse, published, ["maturity_by_organisation"], inputs_key="key-a")
    assert again.unchanged and again.snapshot_id == first.snapshot_id
    assert list_snapshots(published) == [first.snapshot_id]
    changed = build_snapshot(warehouse, published, ["maturity_by_organisation"], inputs_key="key-b")
    assert not changed.unchanged and changed.snapshot_id != first.snapshot_id
    assert os.readlink(published / "latest") == changed.snapshot_id
    [value] = pq.read_table(
        published / "latest" / "parquet" / "maturity_by_organisation.parquet",
        filters=[("organisation_code", "=", "0604")],
    ).column("maturity_index").to_pylist()
    assert value == 12.5
    # without a key (no record of the inputs) every call publishes
    assert not build_snapshot(warehouse, published, ["maturity_by_organisation"]).unchanged


def test_finalise_runs_before_the_snapshot_is_visible(warehouse: Path, tmp_path: Path):
    published = tmp_path / "published"
    seen = []

    def finalise(folder: Path) -> None:
        seen.append((folder.name, (published / "latest").exists()))
        (folder / "reports").mkdir()
        (folder / "reports" / "index.html").write_text("<p>ok</p>", encoding="utf-8")

    snap = build_snapshot(warehouse, published, ["maturity_by_organisation"], finalise=finalise)
    assert seen == [(f".{snap.snapshot_id}.partial", False)]
    assert (published / "latest" / "reports" / "index.html").exists()


def test_reader_of_previous_snapshot_neither_blocks_nor_breaks(warehouse: Path, tmp_path: Path):
    """An analyst holds the previous mognad.duckdb open read-only in another process while a
    new publication runs: the publication succeeds and the reader keeps reading."""
    published = tmp_path / "published"
    first = build_snapshot(warehouse, published, ["maturity_by_organisation"])
    _change_data(warehouse, 99.0)
    reader_script = textwrap.dedent(
        f"""
        import duckdb, sys, time
        con = duckdb.connect({str(first.path / 'mognad.duckdb')!r}, read_only=True)
        print("open", flush=True)
        sys.stdin.readline()
        print(con.execute("select count(*) from maturity_by_organisation").fetchone()[0], flush=True)
        """
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", reader_script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        started = time.monotonic()
        second = build_snapshot(warehouse, published, ["maturity_by_organisation"])
        assert time.monotonic() - started < 60
        assert os.readlink(published / "latest") == second.snapshot_id
        out, _ = reader.communicate("go\n", timeout=60)
        assert out.strip() == "2"
    finally:
        reader.kill()


def test_csv_files_written_in_two_processes_equal_one(tmp_path: Path, monkeypatch):
    """write_csv_files: the worker processes give the bytes of the in-process path, with one
    half in this process or, with work beside, every file in the worker."""
    from pipelines.publish import snapshot

    jobs = []
    for n, rows in enumerate((5000, 20, 1200, 3)):
        table = pa.table({
            "organisation_code": [f"{i % 97:04d}" for i in range(rows)],
            "score": [i / 7 if i % 5 else None for i in range(rows)],
            "n": pa.array(range(rows), pa.int32()),
            "label": ["=x" if i % 3 == 0 else "Jönköping" for i in range(rows)],
        })
        parquet = tmp_path / f"t{n}.parquet"
        pq.write_table(table, parquet)
        jobs.append(parquet)
    serial = snapshot.write_csv_files([(p, p.with_suffix(".serial.csv")) for p in jobs])
    monkeypatch.setattr(snapshot, "PARALLEL_CSV_MIN_CELLS", 0)
    parallel = snapshot.write_csv_files([(p, p.with_suffix(".parallel.csv")) for p in jobs])
    ran = []  # with work beside: every file in one worker process
    beside = snapshot.write_csv_files([(p, p.with_suffix(".beside.csv")) for p in jobs],
                                      beside=lambda: ran.append(True))
    assert ran == [True]
    assert (sorted(serial.values()) == sorted(parallel.values()) == sorted(beside.values())
            == [3, 20, 1200, 5000])
    for p in jobs:
        assert p.with_suffix(".parallel.csv").read_bytes() == p.with_suffix(".serial.csv").read_bytes()
        assert p.with_suffix(".beside.csv").read_bytes() == p.with_suffix(".serial.csv").read_bytes()
    assert parallel[jobs[0].with_suffix(".parallel.csv")] == 5000


def test_csv_worker_failure_is_raised(tmp_path: Path, monkeypatch):
    from pipelines.publish import snapshot

    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.table({"n": list(range(10))}), parquet)
    monkeypatch.setattr(snapshot, "PARALLEL_CSV_MIN_CELLS", 0)
    # the larger job goes to the worker; its folder does not exist
    big = tmp_path / "big.parquet"
    pq.write_table(pa.table({"n": list(range(100))}), big)
    with pytest.raises(RuntimeError, match="CSV worker process failed"):
        snapshot.write_csv_files([(big, tmp_path / "missing" / "big.csv"),
                                  (parquet, tmp_path / "t.csv")])


def test_csvs_beside_the_finalise_are_recorded_in_the_manifest(warehouse: Path, tmp_path: Path,
                                                               monkeypatch):
    """Above the threshold the CSVs are written by worker processes while the finalise runs:
    the finalise sees a manifest with the table names and no rows or hashes; the published
    manifest's rows and hashes are those of the files (sha256 and CRLF lines counted here)."""
    from pipelines.publish import snapshot

    monkeypatch.setattr(snapshot, "PARALLEL_CSV_MIN_CELLS", 0)
    published = tmp_path / "published"
    seen = []

    def finalise(folder: Path) -> None:
        seen.append(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["tables"])

    snap = build_snapshot(warehouse, published, ["maturity_by_organisation"],
                          extra_manifest={"years": {"2018": {"status": "preliminary"}}},
                          finalise=finalise)
    assert seen == [{"maturity_by_organisation": {}, "survey_years": {}}]
    manifest = json.loads((snap.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == snap.manifest
    for table, rows in (("maturity_by_organisation", 2), ("survey_years", 1)):
        data = (snap.path / "csv" / f"{table}.csv").read_bytes()
        assert data.count(b"\r\n") == rows + 1  # the header and the rows, no line breaks in cells
        assert manifest["tables"][table] == {
            "rows": rows, "content_sha256": hashlib.sha256(data).hexdigest()}


def _fake_csv_worker(tmp_path: Path, body: str) -> Path:
    """An executable that stands in for the CSV worker's Python: reads the jobs from its
    standard input, writes its process id to ``worker.pid``, then runs ``body`` (sh)."""
    script = tmp_path / "fake-python"
    script.write_text(f"#!/bin/sh\ncat >/dev/null\necho $$ >> {tmp_path / 'worker.pid'}\n{body}\n",
                      encoding="utf-8")
    script.chmod(0o755)
    return script


def test_a_failed_csv_worker_beside_the_finalise_leaves_no_snapshot(
    warehouse: Path, tmp_path: Path, monkeypatch
):
    from pipelines.publish import snapshot

    monkeypatch.setattr(snapshot, "PARALLEL_CSV_MIN_CELLS", 0)
    monkeypatch.setattr(sys, "executable", str(_fake_csv_worker(
        tmp_path, "echo 'MemoryError: the worker ran out' >&2\nexit 3")))
    published = tmp_path / "published"
    finalised = []
    with pytest.raises(RuntimeError, match="(?s)CSV worker process failed.*the worker ran out"):
        build_snapshot(warehouse, published, ["maturity_by_organisation"],
                       finalise=lambda folder: finalised.append(folder.name))
    assert len(finalised) == 1  # the finalise ran beside the workers, then they were waited for
    assert list(published.iterdir()) == []  # no partial folder, no snapshot, no latest


def test_a_failed_finalise_stops_the_csv_workers(warehouse: Path, tmp_path: Path, monkeypatch):
    """The finalise's own error reaches the caller; the workers still writing are killed and
    waited for, and no snapshot is left."""
    from pipelines.publish import snapshot

    monkeypatch.setattr(snapshot, "PARALLEL_CSV_MIN_CELLS", 0)
    monkeypatch.setattr(sys, "executable", str(_fake_csv_worker(
        tmp_path, f"sleep 30 >/dev/null 2>&1\ntouch {tmp_path / 'worker.done'}")))
    published = tmp_path / "published"

    pids = tmp_path / "worker.pid"

    def finalise(folder: Path) -> None:
        while not pids.exists() or not pids.read_text().split():
            time.sleep(0.01)  # until the worker runs
        raise ValueError("the workbook failed")

    with pytest.raises(ValueError, match="the workbook failed"):
        build_snapshot(warehouse, published, ["maturity_by_organisation"], finalise=finalise)
    assert list(published.iterdir()) == []
    assert not (tmp_path / "worker.done").exists()  # killed, not waited for to the end
    assert len(pids.read_text().split()) == 1  # beside the finalise, one worker writes them all
    for pid in pids.read_text().split():
        with pytest.raises(ProcessLookupError):  # and reaped
            os.kill(int(pid), 0)


def test_published_doubles_do_not_depend_on_the_order_of_addition(tmp_path: Path):
    """Two warehouses whose means differ only in the last bits (DuckDB's parallel sums add in
    a varying order: 55.35 or 55.349999999999994) publish the same values and the same CSV
    bytes; integers, text and the column order and types are published as they are."""
    from pipelines.publish.snapshot import PUBLISHED_DECIMALS

    assert 55.349999999999994 != 55.35  # noqa: PLR2004 - the two sums the issue saw
    outputs = []
    for name, value in (("a", 55.35), ("b", 55.349999999999994), ("c", 55.34999999999998)):
        db = tmp_path / f"{name}.duckdb"
        with duckdb.connect(str(db)) as con:
            con.execute("create schema marts")
            con.execute(
                "create table marts.maturity_by_category as select * from (values "
                f"('0685', 2020, {value!r}::double, 1.0 / 3, 14)) "
                "t(organisation_code, survey_year, category_index, share, respondents)")
        snap = build_snapshot(db, tmp_path / f"published-{name}", ["maturity_by_category"])
        with duckdb.connect(str(snap.path / "mognad.duckdb"), read_only=True) as con:
            rows = con.execute("select * from maturity_by_category").fetchall()
            types = con.execute("select column_name, data_type from information_schema.columns "
                                "where table_name = 'maturity_by_category'").fetchall()
        outputs.append((rows, (snap.path / "csv" / "maturity_by_category.csv").read_bytes()))
    assert PUBLISHED_DECIMALS == 10
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][0] == [("0685", 2020, 55.35, 0.3333333333, 14)]
    assert types == [("organisation_code", "VARCHAR"), ("survey_year", "INTEGER"),
                     ("category_index", "DOUBLE"), ("share", "DOUBLE"),
                     ("respondents", "INTEGER")]
