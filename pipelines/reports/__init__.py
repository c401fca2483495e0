"""Reports stage: Swedish HTML reports (county overview, one page per organisation) and one
slide deck per organisation, built from a published snapshot. See docs/reports.md."""

from pipelines.reports.build import build_reports

__all__ = ["build_reports"]
