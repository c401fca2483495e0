"""Submission times: the direct reading of zero-padded text gives exactly what
``datetime.strptime`` gives (pipelines/ingest/ingest.py, ``_parse_time``)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from pipelines.ingest.ingest import _fixed_width_time, _parse_time

PROFILE_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]  # profiles/*.yaml


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2021-03-04 09:05", "%Y-%m-%d %H:%M", dt.datetime(2021, 3, 4, 9, 5)),
        ("2021-03-04T09:05:59", "%Y-%m-%dT%H:%M:%S", dt.datetime(2021, 3, 4, 9, 5, 59)),
        ("  2021-03-04 09:05 ", "%Y-%m-%d %H:%M", dt.datetime(2021, 3, 4, 9, 5)),
        ("2021-3-4 9:05", "%Y-%m-%d %H:%M", dt.datetime(2021, 3, 4, 9, 5)),  # strptime path
        ("2021-03-04  09:05", "%Y-%m-%d %H:%M", dt.datetime(2021, 3, 4, 9, 5)),  # idem
        ("04/03/2021 09:05", "%d/%m/%Y %H:%M", dt.datetime(2021, 3, 4, 9, 5)),
        ("2020-02-29 23:59", "%Y-%m-%d %H:%M", dt.datetime(2020, 2, 29, 23, 59)),
        ("", "%Y-%m-%d %H:%M", None),
    ],
)
def test_times_read(text, fmt, expected):
    assert _parse_time(text, fmt) == expected


@pytest.mark.parametrize(
    "text",
    ["2021-02-29 10:00", "2021-13-01 10:00", "2021-01-01 24:00", "2021-01-01 10:60",
     "2021-01-01T10:00", "2021-01-01 10:00:00", "igår", "0000-01-01 10:00"],
)
def test_times_rejected(text):
    with pytest.raises(ValueError):
        _parse_time(text, "%Y-%m-%d %H:%M")


def test_xlsx_datetimes_round_to_the_second():
    cell = dt.datetime(2019, 5, 6, 7, 8, 9, 600_000)
    assert _parse_time(cell, "%Y-%m-%d %H:%M") == dt.datetime(2019, 5, 6, 7, 8, 10)


def test_only_plain_numeric_formats_are_read_directly():
    assert _fixed_width_time("%Y-%m-%d %H:%M") is not None
    assert _fixed_width_time("%d/%m/%Y") is not None
    for fmt in ("%y-%m-%d", "%Y-%m-%d %I:%M %p", "%Y-%b-%d", "%H:%M", "%Y-%m-%d %%", "%Y-%Y-%d"):
        assert _fixed_width_time(fmt) is None, fmt


def test_same_result_as_strptime_on_random_text():
    """Against the independent reference: 40,000 random texts, valid and invalid."""
    rng = random.Random(7)
    formats = [*PROFILE_FORMATS, "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"]
    checked = 0
    for _ in range(2_000):
        y, m, d = rng.choice([2019, 2021, 999]), rng.randint(0, 13), rng.randint(0, 32)
        h, mi, s = rng.randint(0, 25), rng.randint(0, 61), rng.randint(0, 62)
        sep = rng.choice([" ", "T", "  "])
        texts = [f"{y:04d}-{m:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}",
                 f"{y:04d}-{m:02d}-{d:02d}{sep}{h:02d}:{mi:02d}", f"{y}-{m}-{d} {h}:{mi}",
                 f"{d:02d}/{m:02d}/{y:04d} {h:02d}:{mi:02d}", f"{y:04d}-{m:02d}-{d:02d} {h:02d}"]
        for fmt in formats:
            for text in texts:
                try:
                    expected = dt.datetime.strptime(text, fmt)
                except ValueError:
                    expected = ValueError
                try:
                    actual = _parse_time(text, fmt)
                except ValueError:
                    actual = ValueError
                assert actual == expected, (text, fmt)
                checked += 1
    assert checked == 40_000
