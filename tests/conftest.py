"""Shared fixtures: an isolated data root and a prepared dbt manifest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Nothing a test does may touch a developer's ./data: the default data root for the whole
# test session is a temporary folder (tests that need their own set MOGNAD_DATA_DIR).
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


@pytest.fixture(scope="session", autouse=True)
def _session_data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mognad-data")
    os.environ["MOGNAD_DATA_DIR"] = str(root)
    os.environ["DAGSTER_HOME"] = str(root / "dagster_home")
    (root / "dagster_home").mkdir()
    return root


@pytest.fixture(scope="session")
def dbt_manifest(_session_data_dir) -> Path:
    """``dbt parse`` once per session, as dagster-dbt needs the manifest at import."""
    from pipelines.transform.project import ensure_manifest

    return ensure_manifest()
