"""Reports stage: Swedish HTML reports (county overview, one page per organisation) and one
slide deck per organisation, built from a published snapshot. See docs/reports.md.

``build_reports`` is imported on first use (a module ``__getattr__``): importing a small
module of this package (``formatting``, ``council``'s names) does not import the report
builder and its chart and slide libraries, which only the publication step uses."""

__all__ = ["build_reports"]


def __getattr__(name: str):
    if name == "build_reports":
        from pipelines.reports.build import build_reports

        return build_reports
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
