"""Fixtures for the report tests: the hand-made snapshot of report_snapshot.py, built once."""

from __future__ import annotations

import pytest
from report_snapshot import write_snapshot


@pytest.fixture(scope="session")
def built_snapshot(tmp_path_factory):
    """The hand-made snapshot with reports and slides built once per test module."""
    from pipelines.reports import build_reports

    snapshot = write_snapshot(tmp_path_factory.mktemp("snapshot") / "20260101T000000-000000Z")
    result = build_reports(snapshot)
    return snapshot, result
