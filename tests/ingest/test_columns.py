"""The answer mapping's column transposition (pipelines/ingest/ingest.py, ``_columns``):
each requested column's cells in row order, for several, one and no columns, and no rows."""

from __future__ import annotations

import datetime as dt

from pipelines.ingest.ingest import _columns

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
