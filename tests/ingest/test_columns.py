"""Two columnar helpers of the year's read (pipelines/ingest/ingest.py): ``_columns``, each
requested column's cells in row order; ``_seconds``, the respondents' submission times as
``timestamp[s]``."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from pipelines.ingest.ingest import _columns, _seconds

ROWS = [["r1", "3", "", dt.datetime(2021, 1, 2)], ["r2", "99", "X", None], ["r3", "1", "", "4"]]


def test_several_columns_in_row_order():
    cols = _columns(ROWS, [1, 2, 3])
    assert {k: list(v) for k, v in cols.items()} == {
        1: ["3", "99", "1"], 2: ["", "X", ""], 3: [dt.datetime(2021, 1, 2), None, "4"]}


def test_one_column_is_a_column_not_its_cells():
    assert {k: list(v) for k, v in _columns(ROWS, [0]).items()} == {0: ["r1", "r2", "r3"]}


def test_no_rows_or_no_columns():
    assert {k: list(v) for k, v in _columns([], [1, 2]).items()} == {1: [], 2: []}
    assert _columns(ROWS, []) == {}


def test_seconds_equal_the_direct_conversion():
    """``_seconds`` against pyarrow's direct second-unit conversion and hand values: whole
    seconds, nulls, an aware time (its UTC instant), and fractions (before 1970 too), which
    take the direct path."""
    cet = dt.timezone(dt.timedelta(hours=1))
    whole = [dt.datetime(2021, 10, 4, 7, 0, 6), None, dt.datetime(2021, 3, 1, 9, 0, tzinfo=cet),
             dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59)]
    got = _seconds(whole)
    assert got.type == pa.timestamp("s")
    assert got.equals(pa.array(whole, pa.timestamp("s")))
    assert got.to_pylist() == [dt.datetime(2021, 10, 4, 7, 0, 6), None,
                               dt.datetime(2021, 3, 1, 8, 0), dt.datetime(1, 1, 1),
                               dt.datetime(9999, 12, 31, 23, 59, 59)]
    fractions = [dt.datetime(2021, 1, 1, 0, 0, 5, 999_999), dt.datetime(1969, 12, 31, 23, 59, 59,
                                                                       500_000), None]
    assert _seconds(fractions).equals(pa.array(fractions, pa.timestamp("s")))
