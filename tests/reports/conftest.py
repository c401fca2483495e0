"""Fixtures for the report tests.

``tiny_built``: the tiny snapshot of a real dbt build (tests/tiny_build.py) with its reports,
slides and PDFs, what the HTML, slide and PDF tests read.
"""

from __future__ import annotations

import pytest
from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot


@pytest.fixture(scope="session")
def tiny_built(tiny_snapshot, tmp_path_factory):
    """A copy of the tiny snapshot with its reports and slides built once per session."""
    from pipelines.reports import build_reports

    snapshot = copy_snapshot(tiny_snapshot, tmp_path_factory.mktemp("reports") / tiny_snapshot.name)
    result = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    return snapshot, result
