"""Validation of a year's raw tables with Great Expectations (GX Core 1.x), for Dagster.

The suites are the committed GX context ``expectations/gx/`` (their only declaration; the
check names and suite parameters around them are in :mod:`pipelines.validation.suites`),
run by :func:`run_raw_checks`; :func:`to_asset_check_results` turns the outcomes into Dagster asset
check results. :func:`run_quality_checks` runs the council's WARN-level checkpoint
``quality`` and :func:`quality_check_rows` flattens its per-organisation / per-item rows.
Importing this package does not import GX (that happens on first run).
"""

from pipelines.validation.gx_checks import (
    CheckOutcome,
    build_data_docs,
    data_docs_dir,
    run_raw_checks,
    to_asset_check_results,
)
from pipelines.validation.quality import (
    QUALITY_ROW_COLUMNS,
    Thresholds,
    failing_organisations,
    load_thresholds,
    quality_check_rows,
    run_quality_checks,
)
from pipelines.validation.suites import QUALITY_CHECKS, RAW_CHECKS, CheckSpecInfo

__all__ = [
    "QUALITY_CHECKS",
    "QUALITY_ROW_COLUMNS",
    "RAW_CHECKS",
    "CheckOutcome",
    "CheckSpecInfo",
    "Thresholds",
    "build_data_docs",
    "data_docs_dir",
    "failing_organisations",
    "load_thresholds",
    "quality_check_rows",
    "run_quality_checks",
    "run_raw_checks",
    "to_asset_check_results",
]
