"""Validation of a year's raw tables with Great Expectations (GX Core 1.x), for Dagster.

The suites are the committed GX context ``expectations/gx/`` (their only declaration; the
check names and suite parameters around them are in :mod:`pipelines.validation.suites`),
run by :func:`run_raw_checks`; :func:`to_asset_check_results` turns the outcomes into Dagster
asset check results. They guard the file contract before a year is promoted (blocking):
:mod:`pipelines.validation.file_contract` declares them on ``survey_export``, writes their
results, rejects and quarantines a failing year; :mod:`pipelines.validation.assets` promotes
a year that passed. The council's quality checks (response rates, respondents, "vet ej"
and blank shares) are not here: dbt computes them (``int_quality_checks_evaluated``, docs/data-contracts.md §5).
Importing this package does not import GX (that happens on first run).
"""

from pipelines.validation.gx_checks import (
    CheckOutcome,
    build_data_docs,
    data_docs_dir,
    run_raw_checks,
    to_asset_check_results,
)
from pipelines.validation.suites import RAW_CHECKS, CheckSpecInfo

__all__ = [
    "RAW_CHECKS",
    "CheckOutcome",
    "CheckSpecInfo",
    "build_data_docs",
    "data_docs_dir",
    "run_raw_checks",
    "to_asset_check_results",
]
