"""The county report and each organisation's report as PDF (WeasyPrint).

The council publishes its yearly report as a PDF. The PDFs are rendered from the same
templates and views as the HTML pages (``overview_body.html.j2``,
``organisation_body.html.j2``) through ``report_pdf.html.j2``, which adds what paper needs:
A4 pages numbered "Sida n av N" with the report's title in the footer, a cover and a table
of contents with page numbers (``target-counter``), one section per organisation starting
on a new page, and each chart kept on the page of its heading and text (``break-inside:
avoid``). The charts go into the PDFs as images of their SVG (``Chart.as_image``): drawn the
same, but WeasyPrint does not cascade the page's styles over their elements. WeasyPrint needs Pango (Debian ``libpango-1.0-0``, part of the machine image).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment

from pipelines.files import write_bytes_atomic
from pipelines.reports.formatting import safe_code

COUNTY_PDF = "lansrapport.pdf"
ORG_PDF_DIR = "pdf"
"""The folder of the organisations' PDFs, in the snapshot's ``reports/`` at county scale
(``data.COUNTY_SCALE``) and in the data root's ``reports/`` when made on request."""


STYLESHEET = "style.css.j2"
"""The reports' stylesheet (a template of ``render.template_environment``), given to WeasyPrint
apart from the page: ``report_pdf.html.j2`` does not inline it."""


@functools.lru_cache(maxsize=2)
def _stylesheet(css: str) -> tuple[Any, Any]:
    """``css`` parsed by WeasyPrint (``weasyprint.CSS``) with the ``FontConfiguration`` it
    was parsed with, once per process: every PDF of a build has the same stylesheet, and
    parsing it for each one is work repeated for nothing. Passed as a user stylesheet, its
    rules rank below the page's own ``<style>`` (the PDF's page rules), as they did inlined
    before them."""
    import weasyprint  # imported here: it loads Pango through cffi, which takes a moment
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return weasyprint.CSS(string=css, font_config=font_config), font_config


def _render_pdf(env: Environment, html: str, path: Path) -> Path:
    """Render ``html`` (self-contained but for ``STYLESHEET``, which is added here: charts as
    SVG ``data:`` URIs, no external resources) to ``path``."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    stylesheet, font_config = _stylesheet(env.get_template(STYLESHEET).render())
    return write_bytes_atomic(path, weasyprint.HTML(string=html).write_pdf(
        stylesheets=[stylesheet], font_config=font_config))


def _on_paper(view: dict[str, Any]) -> dict[str, Any]:
    """``view`` (an organisation's or the overview's) with each of its ``charts`` as an
    image (:meth:`~pipelines.reports.charts.Chart.as_image`): on paper the chart looks the
    same, and WeasyPrint does not cascade the page's styles over the chart's elements."""
    return {**view, "charts": {name: chart.as_image() if chart else chart
                               for name, chart in view["charts"].items()}}


def county_report_pdf(
    env: Environment,
    path: Path,
    *,
    overview: dict[str, Any],
    organisations: Sequence[dict[str, Any]],
    snapshot_id: str,
    created: str,
    organisations_total: int | None = None,
) -> Path:
    """The county report: cover, contents, the county overview with "Begrepp", then one
    section per organisation (``organisations`` are ``views.organisation_view`` dicts in
    register order). ``organisations_total`` (default: as many as given) counts every
    organisation of the snapshot: when it is more than ``organisations`` holds (above
    ``data.COUNTY_SCALE``), the contents say where the organisations' reports are: their
    pages, and their PDFs on request. Returns ``path``."""
    year = overview["year"]
    place = overview["place"]
    status = (overview.get("review") or {}).get("text", "")  # the pages' own sentence
    html = env.get_template("report_pdf.html.j2").render(
        title=f"Digital mognad i {place.name} {year}",
        running_title=f"Digital mognad i {place.name} {year} – {place.report}",
        subtitle=f"{place.genitive.capitalize()} {place.members} i den gemensamma mätningen av "
        "digital mognad (DiMiOS): resultat, utveckling över åren och en sida per organisation.",
        place=place,
        status_text=status,
        cover=True,
        overview=_on_paper(overview),
        orgs=[{"v": _on_paper(v), "anchor": safe_code(v["org"]["organisation_code"])}
              for v in organisations],
        sections_note=""
        if organisations_total is None or organisations_total <= len(organisations)
        else (
            f"Rapporten omfattar {organisations_total} organisationer. Varje organisations "
            "resultat finns som en webbsida i mappen kommun/ bredvid den här filen; sidan "
            "skrivs ut på A4 från webbläsaren. En organisations rapport som PDF tas fram på "
            "begäran (kommandot mognad pdf följt av organisationskoden)."
        ),
        snapshot_id=snapshot_id,
        created=created,
    )
    return _render_pdf(env, html, path)


def organisation_pdf(
    env: Environment, path: Path, view: dict[str, Any], *, snapshot_id: str
) -> Path:
    """One organisation's report as PDF: its page, "Att läsa siffrorna" and "Begrepp",
    numbered pages. Returns ``path``."""
    org = view["org"]
    html = env.get_template("report_pdf.html.j2").render(
        title=f"{org['organisation_name']} – digital mognad {view['year']}",
        running_title=f"{org['organisation_name']} – digital mognad {view['year']}",
        subtitle="",
        status_text="",
        cover=False,
        overview=None,
        place=view["place"],
        orgs=[{"v": _on_paper(view), "anchor": safe_code(org["organisation_code"])}],
        sections_note="",
        snapshot_id=snapshot_id,
        created="",
    )
    return _render_pdf(env, html, path)
