"""Build the Swedish HTML reports and slide decks of one published snapshot.

Entry point: ``build_reports(snapshot_dir)`` (called by the publish step while the snapshot
folder is still being written, before it becomes visible).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.actions.template import TEMPLATE_DIR
from pipelines.reports import concepts, reuse
from pipelines.reports.data import (
    COUNTY_SCALE,
    DEFAULT_MIN_CELL_RESPONDENTS,
    ORGANISATION_TABLE,
    SnapshotData,
    load_snapshot,
)
from pipelines.reports.formatting import format_date, safe_code, slugify
from pipelines.reports.pdf import (
    COUNTY_PDF,
    ORG_PDF_DIR,
    LaidOut,
    county_overview,
    county_report_pdf,
    organisation_pages,
    organisation_pdf,
)
from pipelines.reports.render import render_page, template_environment
from pipelines.reports.slides import build_deck
from pipelines.reports.views import organisation_view, overview_relinked, overview_view

log = logging.getLogger(__name__)

REPORTS_DIR = "reports"
SLIDES_DIR = "slides"
ORG_PAGES_DIR = "kommun"
OVERVIEW_PAGE = "index.html"
"""The county overview page in ``reports/``, with every organisation's values at every scale."""

WORKERS = 2
"""Processes that build the organisations' pages, decks and PDFs and the county report PDF of
a snapshot (never more than the machine's CPUs). At county scale the county report PDF, one
task, is about as much work as all the organisations' files together, so two processes share
the build evenly."""


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
    min_cell_respondents: int = DEFAULT_MIN_CELL_RESPONDENTS,
    previous: Path | None = None,
    county_scale: int = COUNTY_SCALE,
    workers: int = WORKERS,
    beside: Callable[[], None] | None = None,
) -> dict[str, list[Path]]:
    """Write the county overview, one page per organisation and one slide deck each.

    Reads ``snapshot_dir/"mognad.duckdb"`` read-only (see ``data.load_snapshot`` for the
    tables used; each year's status and the council's review come from its ``survey_years``
    table, else from ``snapshot_dir/"manifest.json"`` → ``years[<year>]``). Writes

    - ``snapshot_dir/reports/index.html`` — county overview;
    - ``snapshot_dir/reports/kommun/<organisation_code>.html`` — one per organisation with
      results, the region included;
    - ``snapshot_dir/slides/<organisation_code>_<slug>.pptx`` — one deck per organisation;
    - ``snapshot_dir/reports/lansrapport.pdf`` — the county report as PDF (``pdf.py``);
    - ``snapshot_dir/reports/pdf/<code>_<slug>.pdf`` — each organisation's report as PDF,
      when the snapshot has at most ``county_scale`` organisations (``data.COUNTY_SCALE``,
      a parameter for tests). Above it (a national snapshot) an organisation's PDF is made
      on request (:func:`organisation_pdf_on_request`, ``mognad pdf``): some 8 pages each,
      they would be most of a national publication's time, and the page prints to A4.

    The organisations' files and the county report PDF are built by ``workers`` processes
    (at most the machine's CPUs and the number of things to build; started by "spawn", each
    given the snapshot's data once; see :func:`_build_in_processes` for the order); with
    one process (``workers=1``, one CPU, or one thing to build) they are built in the
    calling process. ``beside()`` is the caller's own work (the publish step's workbook and
    council pages), run in the calling process: at county scale with workers, while a worker
    puts the county report together (the last task, which leaves the other CPU idle);
    otherwise after the build (beside a national build's workers it would add to the peak
    memory). An organisation whose files cannot be built stops the build with an
    :class:`OrganisationReportError` naming it, in either case. As with every "spawn" pool,
    a script that calls this must guard its entry point (``if __name__ == "__main__":``):
    the workers import the caller's main module.

    ``previous`` is the snapshot published before this one (``published/latest`` while this
    one is written): an organisation whose inputs are those of its build there gets that
    build's page, deck and PDF linked instead of built again, and so does the county report
    (``reuse.py``: the keys, ``reports/build_record.json``). The county overview is always
    built.

    Every HTML file is self-contained (CSS and SVG charts inline, no scripts, no external
    requests). Returns ``{"reports": [overview, *pages], "slides": [*decks], "pdf": [county
    report, *organisation PDFs]}`` (no organisation PDFs above ``county_scale``). Raises
    ``FileNotFoundError`` when the database is missing and ``ValueError`` when it has no
    ``maturity_by_organisation`` table. An empty table gives an overview saying so and no
    pages or decks.
    """
    snapshot_dir = Path(snapshot_dir)
    data = load_snapshot(
        snapshot_dir / "mognad.duckdb",
        min_cell_respondents=min_cell_respondents,
    )
    reports_dir = snapshot_dir / REPORTS_DIR
    pages_dir = reports_dir / ORG_PAGES_DIR
    slides_dir = snapshot_dir / SLIDES_DIR
    pages_dir.mkdir(parents=True, exist_ok=True)
    slides_dir.mkdir(parents=True, exist_ok=True)
    env = template_environment(concepts=concepts)
    common = {"snapshot_id": snapshot_label(snapshot_dir), "place": data.population}
    created = snapshot_time(snapshot_dir)

    org_files = {
        org["organisation_code"]: f"{ORG_PAGES_DIR}/{safe_code(org['organisation_code'])}.html"
        for org in data.organisations
    }
    reports: list[Path] = []
    slides: list[Path] = []
    pdfs: list[Path] = []
    overview_path = reports_dir / OVERVIEW_PAGE
    if data.latest_year is None:
        render_page(env, "empty.html.j2", overview_path, **common)
        return {"reports": [overview_path], "slides": [], "pdf": []}
    reports.append(overview_path)

    def write_overview() -> dict[str, Any]:
        view = overview_view(data, org_files)
        render_page(env, "overview.html.j2", overview_path, v=view, **common)
        return view

    keys = reuse.organisation_keys(data)
    record = reuse.read_record(previous)
    at_county_scale = len(data.organisations) <= county_scale
    built: dict[str, dict] = {}
    to_build: list[OrganisationFiles] = []
    for org in data.organisations:
        code = org["organisation_code"]
        target = OrganisationFiles(
            org=org,
            page=reports_dir / org_files[code],
            deck=slides_dir / f"{safe_code(code)}_{slugify(org['short_name'])}.pptx",
            pdf=reports_dir / organisation_pdf_name(org) if at_county_scale else None,
        )
        files = target.paths()
        entry = record.get("organisations", {}).get(code)
        linked = None
        if previous is not None and entry and entry.get("files") == reuse.relative(
            snapshot_dir, files
        ):
            linked = reuse.reuse(previous, snapshot_dir, entry, keys[code])
        if linked is None:
            to_build.append(target)
        reports.append(target.page)
        slides.append(target.deck)
        if target.pdf:
            pdfs.append(target.pdf)
        built[code] = {"key": keys[code], "files": reuse.relative(snapshot_dir, files)}
    county_pdf = reports_dir / COUNTY_PDF
    county_key = reuse.county_key(keys)
    county = None
    if previous is None or reuse.reuse(previous, snapshot_dir, record.get("county"),
                                       county_key) is None:
        county = CountyReportFile(path=county_pdf, with_sections=at_county_scale)
    context = {"snapshot_id": common["snapshot_id"], "created": created}
    processes = min(workers, _usable_cpus(), len(to_build) + (county is not None))
    beside_workers = beside if processes > 1 and at_county_scale else None
    if processes > 1:
        _build_in_processes(data, to_build, processes, county=county, meanwhile=write_overview,
                            beside=beside_workers or _nothing, **context)
    else:
        overview = write_overview()
        views: dict[str, dict] = {}
        sections: dict[str, LaidOut] = {}
        for done, target in enumerate(to_build, start=1):
            code = target.org["organisation_code"]
            views[code], pages = _build_named(data, env, target, **context)
            if pages is not None:
                sections[code] = pages
            _log_built(done, len(to_build), target)
        if county is not None:
            build_county_report(data, env, county, views=views, sections=sections,
                                overview=county_overview_pages(
                                    data, env, county, snapshot_id=context["snapshot_id"],
                                    view=overview), **context)
            log.info("reports: wrote %s", county.path.name)
    if beside is not None and beside_workers is None:
        beside()
    log.info("reports: %d of %d organisations built%s%s, %d reused from %s%s", len(to_build),
             len(data.organisations),
             " and the county report" if county is not None else "",
             f" by {processes} processes" if processes > 1 else " in this process",
             len(data.organisations) - len(to_build), previous,
             "" if at_county_scale else
             f" (more than {county_scale} organisations: their PDFs are made on request)")

    pdfs.insert(0, county_pdf)
    reuse.write_record(snapshot_dir, built,
                       {"key": county_key, "files": reuse.relative(snapshot_dir, [county_pdf])})
    return {"reports": reports, "slides": slides, "pdf": pdfs}


@dataclass(frozen=True)
class OrganisationFiles:
    """What is built for one organisation: its page, its deck and (at county scale) its PDF."""

    org: dict[str, Any]
    page: Path
    deck: Path
    pdf: Path | None

    def paths(self) -> list[Path]:
        return [self.page, self.deck] + ([self.pdf] if self.pdf else [])


@dataclass(frozen=True)
class CountyReportFile:
    """The county report PDF to build: its path, and whether it has one section per
    organisation (at county scale) or only the overview and where the pages are."""

    path: Path
    with_sections: bool


class OrganisationReportError(RuntimeError):
    """The files of one organisation could not be built; the message names it and the
    cause (in a worker process the cause's traceback follows as the error's cause)."""


def build_organisation(data: SnapshotData, env, target: OrganisationFiles, *,
                       snapshot_id: str, created: dt.datetime | None,
                       view: dict[str, Any] | None = None,
                       ) -> tuple[dict[str, Any], LaidOut | None]:
    """Write one organisation's page, deck and (when ``target.pdf``) PDF from its ``view``
    (``views.organisation_view``, made here when not given); returns the view and the PDF's
    pages laid out (``pdf.organisation_pages``; ``None`` without a PDF), which are its
    section of the county report too."""
    org = target.org
    view = view or organisation_view(data, org)
    # above county scale the organisation's PDF and its handlingsplan template
    # (pipelines.actions.template.published_templates) are both made on request
    render_page(env, "organisation.html.j2", target.page, v=view,
                pdf_href=f"../{organisation_pdf_name(org)}" if target.pdf else "",
                template_on_request=target.pdf is None,
                snapshot_id=snapshot_id, place=view["place"])
    build_deck(view, target.deck, created=created, snapshot_id=snapshot_id,
               cuts=(data.capability_cut, data.legacy_cut))
    pages = organisation_pdf(env, target.pdf, view, snapshot_id=snapshot_id) if target.pdf else None
    return view, pages


def build_county_report(data: SnapshotData, env, county: CountyReportFile, *,
                        views: Mapping[str, dict[str, Any]],
                        sections: Mapping[str, LaidOut], snapshot_id: str,
                        created: dt.datetime | None,
                        overview: tuple[dict[str, Any], LaidOut] | None = None) -> Path:
    """Write the county report PDF (``pdf.county_report_pdf``). Its sections are the pages
    of the organisations' own PDFs, laid out once for both: those in ``sections`` (by
    organisation code, from their own build), the others laid out here from their view in
    ``views`` or made from ``data`` (the same view: it depends on the data only).
    ``overview`` is :func:`county_overview_pages`'s result when made elsewhere. Returns the
    path."""
    organisations = data.organisations if county.with_sections else []
    view_of = {org["organisation_code"]: views.get(org["organisation_code"])
               or organisation_view(data, org) for org in organisations}
    overview_view_, overview_pages = overview or county_overview_pages(
        data, env, county, snapshot_id=snapshot_id)
    county_report_pdf(
        env,
        county.path,
        overview=overview_view_,
        overview_pages=overview_pages,
        sections=[(view_of[code], sections.get(code) or organisation_pages(
                      env, view_of[code], snapshot_id=snapshot_id))
                  for code in (org["organisation_code"] for org in organisations)],
        organisations_total=len(data.organisations),
        snapshot_id=snapshot_id,
        created=format_date(created) if created else "",
    )
    return county.path


def county_overview_pages(data: SnapshotData, env, county: CountyReportFile, *,
                          snapshot_id: str, view: dict[str, Any] | None = None,
                          ) -> tuple[dict[str, Any], LaidOut]:
    """The county report's overview (``views.overview_view``, its organisations linked to
    their sections when it has them) and its pages laid out (``pdf.county_overview``).
    ``view`` is the overview already made for the HTML page (linked to the pages): the
    county report's is then the same view linked to its sections, its charts not drawn
    again."""
    anchors = {org["organisation_code"]: f"#org-{safe_code(org['organisation_code'])}"
               for org in data.organisations} if county.with_sections else {}
    view = overview_relinked(view, anchors) if view is not None else overview_view(data, anchors)
    return view, county_overview(
        env, view, snapshot_id=snapshot_id,
        elsewhere=None if county.with_sections else values_elsewhere(data))


def values_elsewhere(data: SnapshotData) -> dict[str, str | None]:
    """Where a reader of the county report without a section per organisation (above
    ``county_scale``) finds every organisation's values that its overview leaves out: the
    HTML overview (``overview``, beside the PDF in ``reports/``; its tables are kept at
    every scale), the snapshot's workbook (``workbook``, ``tabeller.xlsx``) and its sheet
    of ``maturity_by_organisation`` (``sheet``, named as the workbook names it:
    ``workbook.sheet_names`` of the dbt docs' ``label_sv``; ``None`` when the table has more
    rows than the workbook takes, ``WORKBOOK_MAX_ROWS``, and so has no sheet), that table's
    CSV file (``csv``) and the sheet's column of response rates (``rate_column``)."""
    from pipelines.publish.workbook import WORKBOOK_FILE, WORKBOOK_MAX_ROWS, sheet_names
    from pipelines.transform.assets import mart_descriptions

    descriptions = mart_descriptions()
    rows = sum(len(by_year) for by_year in data.org_years.values())
    return {
        "overview": OVERVIEW_PAGE,
        "workbook": WORKBOOK_FILE,
        "sheet": sheet_names(descriptions, [ORGANISATION_TABLE])[ORGANISATION_TABLE]
        if rows <= WORKBOOK_MAX_ROWS else None,
        "csv": f"{ORGANISATION_TABLE}.csv",
        "rate_column": descriptions[ORGANISATION_TABLE]["column_meta"]["response_rate"]["label_sv"],
    }


@contextmanager
def _naming(org: Mapping[str, Any]) -> Iterator[None]:
    """Raise the errors of the block as ``OrganisationReportError`` naming ``org``."""
    try:
        yield
    except Exception as error:
        raise OrganisationReportError(
            f"reports of organisation {org['organisation_code']} ({org['organisation_name']}) "
            f"could not be built: {type(error).__name__}: {error}"
        ) from error


def _build_named(data: SnapshotData, env, target: OrganisationFiles, **context: Any,
                 ) -> tuple[dict[str, Any], LaidOut | None]:
    """:func:`build_organisation`, its errors raised as ``OrganisationReportError`` naming
    the organisation."""
    with _naming(target.org):
        return build_organisation(data, env, target, **context)


def _log_built(done: int, total: int, target: OrganisationFiles) -> None:
    """Log the progress of the organisations' build: every organisation up to ten of them,
    else every tenth of them, naming the files of the one just finished."""
    if done % max(1, total // 10) == 0 or done == total:
        log.info("reports: %d of %d organisations built (wrote %s)", done, total,
                 ", ".join(p.name for p in target.paths()))


def _usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_WORKER: dict[str, Any] = {}
"""A worker process's snapshot data, template environment and footer (``_start_worker``)."""


def _start_worker(data: SnapshotData, context: dict[str, Any]) -> None:
    """Keep the snapshot's data, environment and footer for the worker's tasks, and move
    every object made so far out of the garbage collector's reach (``gc.freeze``): the
    data of a national snapshot is some 400,000 objects that live as long as the worker,
    and every full collection (python-pptx and matplotlib make many objects per
    organisation) would walk them again. Only in a worker this module starts: the
    collector's state is the process's."""
    _WORKER.update(data=data, env=template_environment(concepts=concepts), context=context)
    gc.collect()
    gc.freeze()


def _view_in_worker(org: dict[str, Any]) -> dict[str, Any]:
    with _naming(org):
        return organisation_view(_WORKER["data"], org)


def _build_in_worker(target: OrganisationFiles, view: dict[str, Any] | None,
                     ) -> LaidOut | None:
    return _build_named(_WORKER["data"], _WORKER["env"], target, view=view,
                        **_WORKER["context"])[1]


def _section_in_worker(org: dict[str, Any], view: dict[str, Any]) -> LaidOut:
    with _naming(org):
        return organisation_pages(_WORKER["env"], view,
                                  snapshot_id=_WORKER["context"]["snapshot_id"])


def _county_overview_in_worker(county: CountyReportFile, view: dict[str, Any] | None,
                               ) -> tuple[dict[str, Any], LaidOut]:
    return county_overview_pages(_WORKER["data"], _WORKER["env"], county,
                                 snapshot_id=_WORKER["context"]["snapshot_id"], view=view)


def _build_county_in_worker(county: CountyReportFile, views: dict[str, dict[str, Any]],
                            sections: dict[str, LaidOut],
                            overview: tuple[dict[str, Any], LaidOut]) -> None:
    build_county_report(_WORKER["data"], _WORKER["env"], county, views=views,
                        sections=sections, overview=overview, **_WORKER["context"])


def _nothing() -> None:
    """No work (the default of :func:`_build_in_processes`' ``beside``)."""


def _build_in_processes(data: SnapshotData, targets: Sequence[OrganisationFiles],
                        processes: int, *, county: CountyReportFile | None = None,
                        meanwhile: Callable[[], dict[str, Any] | None] = lambda: None,
                        beside: Callable[[], None] = _nothing,
                        **context: Any) -> None:
    """Build ``targets`` and (when given) the ``county`` report in ``processes`` worker
    processes. When the county report has a section per organisation, the workers first
    make every organisation's view (its charts are most of a view's cost) and return it, so
    no view is made twice. Then the county overview's pages (the longest task, first) and
    the organisations' files are built, each organisation's PDF laid out once: its pages
    come back for the county report, which a worker puts together last from them (an
    organisation whose files are reused from an earlier build is laid out for it alone).
    ``meanwhile()`` runs in this process once the first work is handed out, while the
    workers start and work; what it returns (the HTML overview's view, or ``None``) is the
    county report's overview when it returns before that is handed out (with the views),
    so its charts are drawn once. ``beside()`` runs in this process once the last task is
    handed out (the county report's putting together, else the organisations' files): that
    task leaves the other worker's CPU idle. The workers are started by "spawn" (no fork
    of a process that may hold threads, such as a Dagster step's) and get ``data`` once
    each. The first error stops the build (``meanwhile``'s and ``beside``'s too): the work
    not yet started is cancelled and the error is raised, for an organisation the
    ``OrganisationReportError`` naming it."""
    with ProcessPoolExecutor(max_workers=processes,
                             mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(data, context)) as pool:
        try:
            with_views = county is not None and county.with_sections
            made = pool.map(_view_in_worker, data.organisations) if with_views else ()
            views: dict[str, dict[str, Any]] = {}
            futures = {} if with_views else _submit_builds(pool, targets, county, views)
            overview = meanwhile()
            if with_views:
                views = {org["organisation_code"]: view
                         for org, view in zip(data.organisations, made, strict=True)}
                futures = _submit_builds(pool, targets, county, views, overview=overview)
            built = {target.org["organisation_code"] for target in targets}
            if with_views:
                futures.update((pool.submit(_section_in_worker, org, views[code]), code)
                               for org in data.organisations
                               if (code := org["organisation_code"]) not in built)
            if county is None:
                beside()
            done = 0
            overview_pages = None
            sections: dict[str, LaidOut] = {}
            for future in as_completed(futures):
                result = future.result()
                task = futures[future]
                if task is None:
                    overview_pages = result
                elif isinstance(task, str):
                    sections[task] = result
                else:
                    if result is not None:
                        sections[task.org["organisation_code"]] = result
                    done += 1
                    _log_built(done, len(targets), task)
            if county is not None:
                report = pool.submit(_build_county_in_worker, county,
                                     views if with_views else {}, sections, overview_pages)
                beside()
                report.result()
                log.info("reports: wrote %s", county.path.name)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _submit_builds(pool: ProcessPoolExecutor, targets: Sequence[OrganisationFiles],
                   county: CountyReportFile | None, views: Mapping[str, dict[str, Any]], *,
                   overview: dict[str, Any] | None = None,
                   ) -> dict[Future, OrganisationFiles | str | None]:
    """Hand the county overview's pages (first: the longest task; from ``overview``, the
    HTML overview's view, when given) and then ``targets`` to ``pool``, each with its
    views; returns each future with its target (``None`` for the county overview)."""
    futures: dict[Future, OrganisationFiles | str | None] = {}
    if county is not None:
        futures[pool.submit(_county_overview_in_worker, county, overview)] = None
    futures.update((pool.submit(_build_in_worker, target,
                                views.get(target.org["organisation_code"])), target)
                   for target in targets)
    return futures


def organisation_pdf_name(org: Mapping[str, str]) -> str:
    """An organisation's PDF, relative to a reports folder: ``pdf/<code>_<slug>.pdf``."""
    return f"{ORG_PDF_DIR}/{safe_code(org['organisation_code'])}_{slugify(org['short_name'])}.pdf"


def find_organisation(data: SnapshotData, code: str) -> dict:
    """The register row of the organisation with results whose code is ``code`` (surrounding
    blanks ignored). Raises ``KeyError`` naming the code when the snapshot has none."""
    wanted = str(code).strip()
    for org in data.organisations:
        if str(org["organisation_code"]) == wanted:
            return org
    raise KeyError(wanted)


def outside_snapshot(snapshot_dir: Path, out_dir: Path) -> tuple[Path, Path]:
    """``snapshot_dir`` and ``out_dir`` resolved, for a file made on request from a published
    snapshot (an organisation's PDF, its handlingsplan template). Raises ``ValueError`` when
    ``out_dir`` is inside ``snapshot_dir``: a published snapshot is never changed after it
    is published."""
    snapshot_dir = Path(snapshot_dir).resolve()
    out_dir = Path(out_dir).resolve()
    if out_dir == snapshot_dir or snapshot_dir in out_dir.parents:
        raise ValueError(
            f"{out_dir} is inside the published snapshot {snapshot_dir}, which is never "
            "changed after publication: name another folder."
        )
    return snapshot_dir, out_dir


def organisation_pdf_on_request(
    snapshot_dir: Path,
    codes: Sequence[str],
    out_dir: Path,
    *,
    min_cell_respondents: int | None = None,
) -> list[Path]:
    """Make the PDF of each organisation in ``codes`` from the published snapshot
    ``snapshot_dir``, as ``build_reports`` makes it at county scale (same view, template and
    footer with the snapshot's id), into ``out_dir/<code>_<slug>.pdf``; returns the paths.
    The disclosure threshold is the one the snapshot was published with (``manifest.json``
    → ``settings.min_cell_respondents``), else dbt's current var; ``min_cell_respondents``
    overrides both.

    ``out_dir`` must not be inside ``snapshot_dir`` (a published snapshot is never changed
    after it is published): ``ValueError``. An unknown code (or one without results in the
    snapshot) is a ``KeyError`` naming it, raised before any PDF is written.
    """
    snapshot_dir, out_dir = outside_snapshot(snapshot_dir, out_dir)
    if min_cell_respondents is None:
        settings = _manifest(snapshot_dir).get("settings")
        min_cell_respondents = int((settings if isinstance(settings, dict) else {}).get(
            "min_cell_respondents", DEFAULT_MIN_CELL_RESPONDENTS))
    data = load_snapshot(snapshot_dir / "mognad.duckdb",
                         min_cell_respondents=min_cell_respondents)
    orgs = [find_organisation(data, code) for code in codes]
    env = template_environment(concepts=concepts)
    snapshot_id = snapshot_label(snapshot_dir)
    # a snapshot published above county scale carries no handlingsplan templates
    template_on_request = not (snapshot_dir / TEMPLATE_DIR).is_dir()
    written = []
    for org in orgs:
        path = out_dir / Path(organisation_pdf_name(org)).name
        organisation_pdf(env, path, organisation_view(data, org), snapshot_id=snapshot_id,
                         template_on_request=template_on_request)
        written.append(path)
        log.info("reports: wrote %s", path)
    return written
