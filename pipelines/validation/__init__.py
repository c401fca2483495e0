"""Validation of a year's raw tables with Great Expectations (GX Core 1.x), for Dagster.

The suites are declared in :mod:`pipelines.validation.suites`, written to the committed GX
context ``expectations/gx/`` by ``python -m pipelines.validation.build_suites`` and run by
:func:`run_raw_checks`; :func:`to_asset_check_results` turns the outcomes into Dagster asset
check results. Importing this package does not import GX (that happens on first run).
"""

from pipelines.validation.gx_checks import (
    CheckOutcome,
    data_docs_dir,
    run_raw_checks,
    to_asset_check_results,
)
from pipelines.validation.suites import RAW_CHECKS, CheckSpecInfo

__all__ = [
    "RAW_CHECKS",
    "CheckOutcome",
    "CheckSpecInfo",
    "data_docs_dir",
    "run_raw_checks",
    "to_asset_check_results",
]
