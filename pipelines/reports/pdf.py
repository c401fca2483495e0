"""The county report and each organisation's report as PDF (WeasyPrint, pages put together
with pypdf).

The council publishes its yearly report as a PDF. The PDFs are rendered from the same
templates and views as the HTML pages (``overview_body.html.j2``,
``organisation_body.html.j2``) through ``report_pdf.html.j2``, which adds what paper needs:
A4 pages numbered "Sida n av N" with the report's title in the footer, a cover and a table
of contents with page numbers, one section per organisation starting on a new page, and
each chart kept on the page of its heading and text (``break-inside: avoid``). The charts
go into the PDFs as images of their SVG (``Chart.as_image``): drawn the same, but WeasyPrint
does not cascade the page's styles over their elements. WeasyPrint needs Pango (Debian
``libpango-1.0-0``, part of the machine image).

Each organisation's section is laid out and drawn once, for its own PDF and the county
report both (laying out is most of a PDF's cost): the pages are made without footers
(:func:`lay_out`), and each PDF is put together from its pages with its own footers drawn
over them (:func:`_assemble`, pypdf's public ``merge_page``). So the county report's
contents are laid out apart, with page numbers counted from the pages (not CSS
``target-counter``), and its outline, named destinations and the contents' links are made
from the pages' bookmarks and anchors as WeasyPrint makes them for one document. In an
organisation's own PDF its notes ("Att läsa siffrorna", "Begrepp") start a page, so that the
pages before them are exactly its section of the county report, which leaves the notes out.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from pipelines.collector import collector_paused
from pipelines.files import write_bytes_atomic
from pipelines.reports.formatting import format_int, safe_code

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


PX_TO_PT = 0.75
"""CSS pixels (1/96 inch, WeasyPrint's unit for positions on a page) to PDF points (1/72 inch)."""

NOTES_ANCHOR = "att-lasa"
"""The id of an organisation's notes ("Att läsa siffrorna", then "Begrepp"): in its own PDF
they start a page, and the county report takes the organisation's pages before it."""


@dataclass(frozen=True)
class PageMarks:
    """What a laid-out page holds besides its drawing, in CSS pixels from its top left:
    ``bookmarks`` ``(level, label, x, y)`` (the headings of the PDF's outline), ``anchors``
    ``(id, x, y, width, height)`` and ``height`` (the page's)."""

    height: float
    bookmarks: tuple[tuple[int, str, float, float], ...]
    anchors: tuple[tuple[str, float, float, float, float], ...]


@dataclass(frozen=True)
class LaidOut:
    """A document laid out and drawn once by WeasyPrint, without footers: its PDF (``pdf``,
    bytes) and each page's marks. The pages are put together into the PDFs, each with its
    own footers, by :func:`_assemble`; picklable, so a worker process can hand it back."""

    pdf: bytes
    pages: tuple[PageMarks, ...]

    def page_of(self, anchor: str) -> int | None:
        """The index of the first page holding the element with id ``anchor``, else ``None``."""
        return next((i for i, page in enumerate(self.pages)
                     if any(name == anchor for name, *_ in page.anchors)), None)


def _weasyprint(env: Environment) -> tuple[Any, Any]:
    """The stylesheet parsed once per process and its font configuration (``_stylesheet``),
    with WeasyPrint's own messages below errors left out."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return _stylesheet(env.get_template(STYLESHEET).render())


def lay_out(env: Environment, html: str) -> LaidOut:
    """Lay out and draw ``html`` (self-contained but for ``STYLESHEET``, which is added here:
    charts as SVG ``data:`` URIs, no external resources) as PDF pages without footers.

    The garbage collector is paused while WeasyPrint lays out and draws
    (``pipelines.collector.collector_paused``): the document's boxes and their styles, many
    for a national overview of some hundred pages, live until the pages are drawn, and every
    automatic collection meanwhile would walk them again without freeing any."""
    import weasyprint

    stylesheet, font_config = _weasyprint(env)
    with collector_paused():
        document = weasyprint.HTML(string=html).render(stylesheets=[stylesheet],
                                                       font_config=font_config)
        pages = tuple(
            PageMarks(
                height=page.height,
                bookmarks=tuple((level, label, x, y)
                                for level, label, (x, y), _ in page.bookmarks),
                anchors=tuple((name, *place[:4]) for name, place in page.anchors.items()),
            )
            for page in document.pages)
        return LaidOut(pdf=document.write_pdf(), pages=pages)


def _footer_pdf(env: Environment, title: str, footers: Sequence[tuple[str, str]]) -> bytes:
    """One page per entry of ``footers`` (left and right text of the page's footer, both
    empty for a page without one) with only its footer, on the pages' own page box
    (``report_pdf_page.css.j2``): drawn over the laid-out pages by :func:`_assemble`."""
    import weasyprint

    stylesheet, font_config = _weasyprint(env)
    html = env.get_template("report_pdf_footers.html.j2").render(title=title, footers=footers)
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[stylesheet],
                                                  font_config=font_config)


def _assemble(env: Environment, path: Path, parts: Sequence[tuple[LaidOut, range]], *,
              title: str, running_title: str, footerless: int = 0,
              links: Sequence[tuple[int, tuple[float, float, float, float], int, float]] = (),
              ) -> Path:
    """Write to ``path`` the PDF of the pages ``parts`` name (each a laid-out document and
    the indices of its pages to take, in order), each with the footer "``running_title``
    … Sida n av N" but the first ``footerless`` pages (a cover), drawn over the page with
    pypdf's ``merge_page``. The outline is the pages' bookmarks (nested by their level),
    each anchor is a named destination (the first page holding it, as WeasyPrint does), and
    ``links`` ``(page index, rectangle, target page index, target's y)``, in CSS pixels, go
    to their target
    (the table of contents, laid out apart from the pages it names). ``title`` is the
    document's title. Returns ``path``."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Destination, Fit, NameObject

    writer = PdfWriter()
    marks: list[PageMarks] = []
    for number, (laid_out, indices) in enumerate(parts):
        reader = PdfReader(io.BytesIO(laid_out.pdf))
        if number == 0 and "/Lang" in reader.trailer["/Root"]:  # the pages' language (<html lang>)
            writer.root_object[NameObject("/Lang")] = reader.trailer["/Root"]["/Lang"]
        for index in indices:
            writer.add_page(reader.pages[index])
            marks.append(laid_out.pages[index])
    total = len(marks)
    footers = [("", "") if number <= footerless else (running_title, f"Sida {number} av {total}")
               for number in range(1, total + 1)]
    footer_pages = PdfReader(io.BytesIO(_footer_pdf(env, title, footers))).pages
    if len(footer_pages) != total:
        raise RuntimeError(f"{path.name}: {len(footer_pages)} footers for {total} pages")
    for page, footer in zip(writer.pages, footer_pages, strict=True):
        page.merge_page(footer)
        page.compress_content_streams()

    def top(mark: PageMarks, y: float) -> float:
        return (mark.height - y) * PX_TO_PT

    parents: list[tuple[int, Any]] = []
    named: dict[str, tuple[int, float, float]] = {}  # anchor: page index, x, y
    for number, mark in enumerate(marks):
        for level, label, x, y in mark.bookmarks:
            while parents and parents[-1][0] >= level:
                parents.pop()
            item = writer.add_outline_item(
                title=label, page_number=number, parent=parents[-1][1] if parents else None,
                fit=Fit.xyz(left=x * PX_TO_PT, top=top(mark, y), zoom=0))
            parents.append((level, item))
        for name, x, y, *_ in mark.anchors:
            named.setdefault(name, (number, x, y))
    for name, (number, x, y) in sorted(named.items()):
        writer.add_named_destination_object(Destination(
            name, writer.pages[number].indirect_reference,
            Fit.xyz(left=x * PX_TO_PT, top=top(marks[number], y), zoom=0)))
    for number, (x, y, width, height), target, target_y in links:
        mark = marks[number]
        writer.add_annotation(number, Link(
            rect=(x * PX_TO_PT, top(mark, y + height), (x + width) * PX_TO_PT, top(mark, y)),
            border=[0, 0, 0], target_page_index=target,
            fit=Fit.xyz(left=0, top=top(marks[target], target_y), zoom=0)))
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return write_bytes_atomic(path, buffer.getvalue())


def _on_paper(view: dict[str, Any]) -> dict[str, Any]:
    """``view`` (an organisation's or the overview's) with each of its ``charts`` as an
    image (:meth:`~pipelines.reports.charts.Chart.as_image`): on paper the chart looks the
    same, and WeasyPrint does not cascade the page's styles over the chart's elements."""
    return {**view, "charts": {name: chart.as_image() if chart else chart
                               for name, chart in view["charts"].items()}}


def county_overview(env: Environment, overview: dict[str, Any], *, snapshot_id: str,
                    elsewhere: Mapping[str, str | None] | None = None) -> LaidOut:
    """The county report's overview with "Begrepp" (``views.overview_view``), laid out
    without footers: the county report's pages after its cover and contents. With
    ``elsewhere`` (``build.values_elsewhere``: the county report without a section per
    organisation) the overview leaves out its tables of one row per organisation, saying
    in their place where every organisation's values are (the workbook's sheet, the HTML
    overview), and summarises the response rates per year instead."""
    return lay_out(env, env.get_template("report_pdf.html.j2").render(
        title="", front=None, county=True, overview=_on_paper(overview), orgs=[],
        place=overview["place"], snapshot_id=snapshot_id, elsewhere=elsewhere))


def county_report_pdf(
    env: Environment,
    path: Path,
    *,
    overview: dict[str, Any],
    overview_pages: LaidOut,
    sections: Sequence[tuple[dict[str, Any], LaidOut]],
    snapshot_id: str,
    created: str,
    organisations_total: int | None = None,
) -> Path:
    """The county report: cover, contents, the county overview with "Begrepp"
    (``overview_pages``, :func:`county_overview` of ``overview``), then one section per
    organisation: ``sections`` pairs each organisation's view with its own PDF's laid-out
    pages (:func:`organisation_pages`), in register order, of which the pages before its
    notes are taken. The contents' page numbers are counted from those pages; the contents
    are laid out again in the rare case that their own page count differs from the one
    assumed. ``organisations_total`` (default: as many as given) counts every organisation
    of the snapshot: when it is more than ``sections`` holds (above ``data.COUNTY_SCALE``),
    the contents say where the organisations' reports are: their pages, and their PDFs on
    request. Returns ``path``."""
    year = overview["year"]
    place = overview["place"]
    status = (overview.get("review") or {}).get("text", "")  # the pages' own sentence
    title = f"Digital mognad i {place.name} {year}"
    parts = [(overview_pages, range(len(overview_pages.pages)))]
    for _, laid_out in sections:
        notes = laid_out.page_of(NOTES_ANCHOR)
        parts.append((laid_out, range(len(laid_out.pages) if notes is None else notes)))
    template = env.get_template("report_pdf.html.j2")
    # above county scale the report has no section per organisation: its pages are elsewhere
    sections_elsewhere = organisations_total is not None and organisations_total > len(sections)
    front_pages = 2  # the cover and one page of contents, until laid out
    while True:
        # the contents: the overview and its sections, then the organisations; each entry
        # with its page number and where it goes (page index and y in the whole report)
        first = 1 + front_pages  # the overview's first page number
        entries = [{"label": place.overview, "kind": "group", "page": first,
                    "target": (first - 1, 0.0)}]
        for index, page_marks in enumerate(overview_pages.pages):
            entries.extend({"label": label, "kind": "sub", "page": first + index,
                            "target": (first - 1 + index, y)}
                           for level, label, _, y in page_marks.bookmarks if level == 2)
        page = first + len(overview_pages.pages)
        if sections:
            entries.append({"label": "Organisationerna", "kind": "group", "page": None})
        for (view, _), (_, pages) in zip(sections, parts[1:], strict=True):
            entries.append({"label": view["org"]["organisation_name"], "kind": "sub",
                            "page": page, "target": (page - 1, 0.0)})
            page += len(pages)
        front = lay_out(env, template.render(
            title=title,
            subtitle=f"{place.genitive.capitalize()} {place.members} i den gemensamma mätningen "
            "av digital mognad (DiMiOS): "
            + ("resultat och utveckling över åren." if sections_elsewhere
               else "resultat, utveckling över åren och en sida per organisation."),
            place=place,
            status_text=status,
            front={"entries": entries},
            sections_note="" if not sections_elsewhere else (
                f"Rapporten omfattar {format_int(organisations_total)} organisationer. Varje organisations "
                "resultat finns som en webbsida i mappen kommun/ bredvid den här filen; sidan "
                "skrivs ut på A4 från webbläsaren. En organisations rapport som PDF tas fram på "
                "begäran (kommandot mognad pdf följt av organisationskoden)."
            ),
            snapshot_id=snapshot_id,
            created=created,
        ))
        if len(front.pages) == front_pages:
            break
        front_pages = len(front.pages)
    links = []
    for index, entry in enumerate(entries, start=1):
        if entry["page"] is None:
            continue
        number = front.page_of(f"toc-{index}")
        _, x, y, width, height = next(a for a in front.pages[number].anchors
                                      if a[0] == f"toc-{index}")
        links.append((number, (x, y, width, height), *entry["target"]))
    return _assemble(env, path, [(front, range(front_pages)), *parts], title=title,
                     running_title=f"{title} – {place.report}", footerless=1, links=links)


def organisation_pages(env: Environment, view: dict[str, Any], *, snapshot_id: str,
                       template_on_request: bool = False) -> LaidOut:
    """One organisation's report laid out without footers: its page, then on a new page "Att
    läsa siffrorna" and "Begrepp" (``NOTES_ANCHOR``). The pages before the notes are its
    section of the county report as well. ``template_on_request``: the snapshot carries no
    handlingsplan templates (above county scale), so the report says how to get one."""
    org = view["org"]
    return lay_out(env, env.get_template("report_pdf.html.j2").render(
        title=f"{org['organisation_name']} – digital mognad {view['year']}",
        front=None, county=False, overview=None, place=view["place"],
        orgs=[{"v": _on_paper(view), "anchor": safe_code(org["organisation_code"])}],
        snapshot_id=snapshot_id, template_on_request=template_on_request))


def organisation_pdf(
    env: Environment, path: Path, view: dict[str, Any], *, snapshot_id: str,
    pages: LaidOut | None = None, template_on_request: bool = False,
) -> LaidOut:
    """One organisation's report as PDF at ``path``: its ``pages`` (:func:`organisation_pages`,
    laid out here when not given, with ``template_on_request``) with numbered footers.
    Returns the laid-out pages, for the county report."""
    org = view["org"]
    pages = pages or organisation_pages(env, view, snapshot_id=snapshot_id,
                                        template_on_request=template_on_request)
    title = f"{org['organisation_name']} – digital mognad {view['year']}"
    _assemble(env, path, [(pages, range(len(pages.pages)))], title=title, running_title=title)
    return pages
