"""Build the Swedish HTML reports and slide decks of one published snapshot.

Entry point: ``build_reports(snapshot_dir)`` (called by the publish step while the snapshot
folder is still being written, before it becomes visible).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from pathlib import Path

from pipelines.reports import concepts
from pipelines.reports.data import DEFAULT_MIN_CELL_RESPONDENTS, load_snapshot
from pipelines.reports.formatting import format_date, safe_code, slugify
from pipelines.reports.pdf import COUNTY_PDF, ORG_PDF_DIR, county_report_pdf, organisation_pdf
from pipelines.reports.render import render_page, template_environment
from pipelines.reports.slides import build_deck
from pipelines.reports.views import organisation_view, overview_view

log = logging.getLogger(__name__)

REPORTS_DIR = "reports"
SLIDES_DIR = "slides"
ORG_PAGES_DIR = "kommun"


def _manifest(snapshot_dir: Path) -> dict:
    try:
        data = json.loads((snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def snapshot_label(snapshot_dir: Path) -> str:
    """The snapshot id shown in the footer: ``manifest.json``'s ``snapshot_id`` when present,
    else the folder name without the publish step's ``.<id>.partial`` wrapping."""
    snapshot_id = _manifest(snapshot_dir).get("snapshot_id")
    if snapshot_id:
        return str(snapshot_id)
    name = snapshot_dir.name
    if name.startswith(".") and name.endswith(".partial"):
        name = name[1 : -len(".partial")]
    return name


def snapshot_time(snapshot_dir: Path) -> dt.datetime | None:
    """``manifest.json``'s ``created_at`` (ISO 8601), or ``None``."""
    value = _manifest(snapshot_dir).get("created_at")
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def build_reports(
    snapshot_dir: Path,
    *,
    year_status: Mapping[int, str] | None = None,
    min_cell_respondents: int = DEFAULT_MIN_CELL_RESPONDENTS,
) -> dict[str, list[Path]]:
    """Write the county overview, one page per organisation and one slide deck each.

    Reads ``snapshot_dir/"mognad.duckdb"`` read-only (see ``data.load_snapshot`` for the
    tables used) and ``snapshot_dir/"manifest.json"`` → ``years[<year>].status`` when present
    (``year_status`` overrides it, for a caller that writes the manifest afterwards). Writes

    - ``snapshot_dir/reports/index.html`` — county overview;
    - ``snapshot_dir/reports/kommun/<organisation_code>.html`` — one per organisation with
      results, the region included;
    - ``snapshot_dir/slides/<organisation_code>_<slug>.pptx`` — one deck per organisation;
    - ``snapshot_dir/reports/lansrapport.pdf`` and ``reports/pdf/<code>_<slug>.pdf`` — the
      county report and each organisation's report as PDF (``pdf.py``).

    Every HTML file is self-contained (CSS and SVG charts inline, no scripts, no external
    requests). Returns ``{"reports": [overview, *pages], "slides": [*decks], "pdf": [county
    report, *organisation PDFs]}``. Raises
    ``FileNotFoundError`` when the database is missing and ``ValueError`` when it has no
    ``maturity_by_organisation`` table. An empty table gives an overview saying so and no
    pages or decks.
    """
    snapshot_dir = Path(snapshot_dir)
    data = load_snapshot(
        snapshot_dir / "mognad.duckdb",
        year_status=year_status,
        min_cell_respondents=min_cell_respondents,
    )
    reports_dir = snapshot_dir / REPORTS_DIR
    pages_dir = reports_dir / ORG_PAGES_DIR
    slides_dir = snapshot_dir / SLIDES_DIR
    pages_dir.mkdir(parents=True, exist_ok=True)
    slides_dir.mkdir(parents=True, exist_ok=True)
    env = template_environment(concepts=concepts)
    common = {"snapshot_id": snapshot_label(snapshot_dir)}
    created = snapshot_time(snapshot_dir)

    org_files = {
        org["organisation_code"]: f"{ORG_PAGES_DIR}/{safe_code(org['organisation_code'])}.html"
        for org in data.organisations
    }
    reports: list[Path] = []
    slides: list[Path] = []
    pdfs: list[Path] = []
    overview_path = reports_dir / "index.html"
    if data.latest_year is None:
        render_page(env, "empty.html.j2", overview_path, **common)
        return {"reports": [overview_path], "slides": [], "pdf": []}
    render_page(env, "overview.html.j2", overview_path, v=overview_view(data, org_files), **common)
    reports.append(overview_path)
    views = []

    for org in data.organisations:
        code = org["organisation_code"]
        view = organisation_view(data, org)
        page = reports_dir / org_files[code]
        render_page(env, "organisation.html.j2", page, v=view, **common)
        reports.append(page)
        deck = slides_dir / f"{safe_code(code)}_{slugify(org['short_name'])}.pptx"
        slides.append(build_deck(view, deck, created=created, snapshot_id=common["snapshot_id"],
                                 cuts=(data.capability_cut, data.legacy_cut)))
        org_pdf = reports_dir / ORG_PDF_DIR / f"{safe_code(code)}_{slugify(org['short_name'])}.pdf"
        pdfs.append(organisation_pdf(env, org_pdf, view, snapshot_id=common["snapshot_id"]))
        views.append(view)
        log.info("reports: wrote %s, %s and %s", page.name, deck.name, org_pdf.name)
    pdfs.insert(0, county_report_pdf(
        env,
        reports_dir / COUNTY_PDF,
        overview=overview_view(data, {o["org"]["organisation_code"]:
                                      f"#org-{safe_code(o['org']['organisation_code'])}"
                                      for o in views}),
        organisations=views,
        snapshot_id=common["snapshot_id"],
        created=format_date(created) if created else "",
    ))
    return {"reports": reports, "slides": slides, "pdf": pdfs}
