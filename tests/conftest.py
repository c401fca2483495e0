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


def _signed_off(**signoff) -> dict:
    """A manifest ``years`` entry of the tiny codebook's version, signed off by "Anna <Berg>"
    on 2026-03-02 09:15 UTC (``signoff``: further keys of the sign-off)."""
    return {
        "instrument_version": "vtest",
        "status": "signed_off",
        "signoff": {"by": "Anna <Berg>", "at": "2026-03-02T09:15:00Z", "version": 1, **signoff},
    }


PRELIMINARY = {"instrument_version": "vtest", "status": "preliminary"}


@pytest.fixture(scope="session")
def tiny_snapshot(tmp_path_factory, dbt_manifest) -> Path:
    """A snapshot published from a real ``dbt build`` of the tiny fixture (tests/tiny_build.py)
    with ``min_cell_respondents`` 3 and Gnosjö renamed to ``HOSTILE_NAME``/``HOSTILE_SHORT``
    in the register; 2024 signed off by "Anna <Berg>", 2025 preliminary. Built once per
    session; tests copy it before writing into it (:func:`copy_snapshot`)."""
    from tiny_build import (
        HOSTILE_NAME,
        HOSTILE_SHORT,
        build_tiny_snapshot,
        edit_register,
        write_tiny_raw,
    )

    tmp = tmp_path_factory.mktemp("tiny-snapshot")
    project, data_dir = write_tiny_raw(tmp)
    edit_register(project, rename={"0617": (HOSTILE_NAME, HOSTILE_SHORT)})
    return build_tiny_snapshot(
        tmp, project, data_dir, {"2024": _signed_off(), "2025": PRELIMINARY}
    )


@pytest.fixture(scope="session")
def council_tiny_snapshot(tmp_path_factory, dbt_manifest) -> Path:
    """A snapshot published from a real ``dbt build`` of the council's tiny fixture
    (:func:`tiny_build.write_council_raw`: six organisations, 2018 all published, 2019 with
    every status of the council's checks) with ``min_cell_respondents`` 3 and the project's
    own withholding checks; 2018 signed off by "Anna <Berg>" with a comment holding markup,
    2019 preliminary. Built once per session; tests copy it before writing into it
    (:func:`tiny_build.copy_snapshot`)."""
    from tiny_build import build_tiny_snapshot, write_council_raw

    tmp = tmp_path_factory.mktemp("council-tiny-snapshot")
    project, data_dir = write_council_raw(tmp)
    signed_off = _signed_off(comment="Granskat på rådsmötet <i>i mars</i>.", data_fingerprint="abc123")
    return build_tiny_snapshot(
        tmp, project, data_dir, {"2018": signed_off, "2019": PRELIMINARY},
        withholding_checks=None,
    )
