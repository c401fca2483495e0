"""The handlingsplan workbook template, one per organisation: published with each snapshot
at county scale under ``handlingsplan/<code>_<name>.xlsx``; above it (a national snapshot)
made on request from the published snapshot (:func:`templates_on_request`,
``mognad handlingsplan``), as the organisations' PDFs are.

Sheets (``columns.TEMPLATE_SHEETS``):

- ``Läs mig``: how to fill in and hand in the plan (Swedish), the organisation's three
  weakest categories of the newest measurement with the recommendation for each, and the
  recommendation for its organisation type (table ``recommendations_by_organisation``);
- ``Åtgärder``: the action table (``columns.ACTION_COLUMNS``), ``TEMPLATE_ROWS`` rows with
  id, organisation code and measurement year filled in; drop-down lists (data validation)
  for measurement year, category, factor and status; date cells formatted ``ÅÅÅÅ-MM-DD``;
- ``Listor`` (hidden): the values of the drop-down lists.

The register (``pipelines.actions.register``) reads the same columns back.
"""

from __future__ import annotations

import functools
import json
import logging
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipelines.actions.columns import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    LISTS_SHEET,
    README_SHEET,
    Vocabulary,
    vocabulary,
)
from pipelines.publish.workbook import DATE_NUMBER_FORMAT, TEXT_NUMBER_FORMAT
from pipelines.reports.data import COUNTY_SCALE
from pipelines.reports.formatting import format_number, safe_code, slugify
from pipelines.reports.snapshot import SnapshotReader

log = logging.getLogger(__name__)

TEMPLATE_DIR = "handlingsplan"
"""Folder of the templates in a snapshot."""

TEMPLATE_RECORD = "build_record.json"
"""The templates' build record, in the snapshot's ``handlingsplan/`` folder:
``{"version", "code_version", "organisations": {code: {"key", "files"}}}`` (each file relative
to the snapshot), read by the next publication (:func:`templates_to_write`)."""
RECORD_VERSION = 1

TEMPLATE_ROWS = 30
"""Prepared rows in the ``Åtgärder`` sheet (more can be added by copying a row)."""

HEADER_FILL = "#1F4E79"
"""Background of the ``Åtgärder`` header row (white bold text on dark blue)."""
PREFILLED_FILL = "#EDEDED"
"""Background of the columns the template fills in (``ActionColumn.prefilled``)."""
README_WIDTHS = (30, 100)
"""Widths of the ``Läs mig`` sheet's two columns (characters)."""
WRAP_TOP = {"text_wrap": True, "valign": "top"}
README_FONT_PT = 11
"""The ``Läs mig`` sheet's body font size (XlsxWriter's default, Calibri 11)."""
LINE_HEIGHT = 1.3
"""A wrapped line's height as a multiple of its font size (points): Calibri's line spacing
with a little room."""


def wrapped_row_height(texts: list[tuple[str, int, float]]) -> float:
    """The height (points) of a row whose cells hold ``texts``, each ``(text, column width in
    characters, font size in points)``, when each cell wraps its text at word boundaries:
    the tallest cell's line count times its line height. Neither Excel nor LibreOffice grows
    a row that XlsxWriter wrote with wrapped text (the file carries no computed heights), so
    the template sets them; a column width counts characters of the 11-point body font, so
    a larger font fits proportionally fewer. Remembered per process: most rows (the steps,
    the columns' help) are the same in every organisation's template, and wrapping them
    again was a seventh of a template's cost."""
    return _wrapped_row_height(tuple(texts))


@functools.lru_cache(maxsize=4096)
def _wrapped_row_height(texts: tuple[tuple[str, int, float], ...]) -> float:
    height = README_FONT_PT * LINE_HEIGHT
    for text, width, size in texts:
        chars = max(1, int(width * README_FONT_PT / size))
        lines = sum(max(1, len(textwrap.wrap(part, chars))) for part in text.split("\n"))
        height = max(height, lines * size * LINE_HEIGHT)
    return height


def action_id(code: str, year: int, number: int) -> str:
    """The prepared id of row ``number`` of an organisation's plan for a measurement year,
    e.g. ``0604-2020-07`` (of the form ``columns.ACTION_ID``)."""
    return f"{code}-{year}-{number:02d}"


def _checked(result: int, what: str) -> None:
    """XlsxWriter reports a rejected call by its return value (with a warning), not by an
    exception: a template missing a drop-down list must not be published."""
    if result != 0:
        raise ValueError(f"handlingsplan template: XlsxWriter rejected {what} (code {result})")


def _lists_sheet(book: xlsxwriter.Workbook, vocab: Vocabulary,
                 years: list[int]) -> dict[str, str]:
    """Fill the hidden ``Listor`` sheet; returns ``{field: formula range}`` for the
    drop-down lists."""
    sheet = book.add_worksheet(LISTS_SHEET)
    bold = book.add_format({"bold": True})
    columns = {
        "survey_year": ("Mätår", list(years)),
        "category": ("Kategori", [name for _, name in vocab.categories]),
        "factor": ("Faktor", [name for _, _, name in vocab.factors]),
        "status": ("Status", list(vocab.statuses)),
    }
    ranges = {}
    for index, (field, (title, values)) in enumerate(columns.items()):
        sheet.write_string(0, index, title, bold)
        for row, value in enumerate(values, start=1):
            if isinstance(value, str):
                sheet.write_string(row, index, value)
            else:
                sheet.write_number(row, index, value)
        letter = xl_col_to_name(index)
        ranges[field] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    sheet.hide()
    return ranges


TEMPLATE_ORIGIN_SV = ("Efter mätningen {year}. Mallen skapades ur ögonblicksbild {snapshot_id} "
                      "och följer med senare publiceringar så länge det den bygger på är "
                      "oförändrat.")
"""The readme's line on where a template comes from: true in a later snapshot that keeps it
(:func:`template_key` leaves the snapshot id out, so a kept template names its maker)."""


def _readme_sheet(book: xlsxwriter.Workbook, sheet, org: dict, year: int,
                  recommendations: list[dict], snapshot_id: str) -> None:
    for index, width in enumerate(README_WIDTHS):
        sheet.set_column(index, index, width)
    sheet.fit_to_pages(1, 0)  # printed: both columns on the page's width
    plain = book.add_format(WRAP_TOP)
    emphasis = {}  # font size -> bold format
    row = 0

    def put(a=None, b=None, *, bold=False, size=None):
        nonlocal row
        cells = [(text, README_WIDTHS[i], (size or README_FONT_PT) if i == 0 else README_FONT_PT)
                 for i, text in enumerate((a, b)) if text is not None]
        sheet.set_row(row, wrapped_row_height(cells))
        if a is not None:
            if bold or size:
                size = size or 11
                if size not in emphasis:
                    emphasis[size] = book.add_format({**WRAP_TOP, "bold": True, "font_size": size})
                sheet.write_string(row, 0, a, emphasis[size])
            else:
                sheet.write_string(row, 0, a, plain)
        if b is not None:
            sheet.write_string(row, 1, b, plain)
        row += 1

    put(f"Handlingsplan: {org['organisation_name']} ({org['organisation_code']})", size=16)
    # a template is kept by later publications while its inputs (template_key) are unchanged,
    # so the line names the snapshot that made it and says it may be kept
    put(TEMPLATE_ORIGIN_SV.format(year=year, snapshot_id=snapshot_id))
    row += 1
    put("Så gör ni", bold=True, size=13)
    steps = [
        "Diskutera resultaten lokalt och besluta om åtgärder, gärna för de svagaste "
        "kategorierna nedan.",
        f"Skriv en åtgärd per rad på bladet ”{ACTIONS_SHEET}”. De grå kolumnerna är ifyllda; "
        "Mätår kan ändras om åtgärden svarar på en tidigare mätning.",
        "Välj kategori, faktor och status i listorna. Skriv datum som ÅÅÅÅ-MM-DD.",
        "Skicka den ifyllda filen till digitaliseringsrådet. Rådet lägger den i mappen "
        "actions/ och läser in den; uppdatera samma fil när status ändras.",
        "Byt inte namn på bladen, lägg inte till blad, sammanfoga inte celler och använd "
        "inga formler: då avvisas filen med besked om rad och kolumn.",
        "Skriv inga personnamn, e-postadresser eller telefonnummer. Ange en roll eller enhet "
        "som ansvarig. Kolumnen Uppföljning publiceras inte; övriga kolumner syns i länets "
        "rapporter.",
    ]
    for number, text in enumerate(steps, start=1):
        put(f"{number}.", text)
    row += 1
    put("Kolumnerna", bold=True, size=13)
    for column in ACTION_COLUMNS:
        put(column.header + (" (krävs)" if column.required else ""), column.help)
    row += 1
    weak = [r for r in recommendations if r["applies_to"] == "category"]
    put(f"Relativa svagheter {year} och rekommendationer", bold=True, size=13)
    if not weak:
        put("Inga kategoriresultat kan visas för mätningen (för få svarande eller "
            "resultaten hålls inne).")
    for rec in weak:
        index = rec.get("category_index")
        label = rec["category_name_sv"] + (
            f" (index {format_number(index)})" if index is not None else "")
        put(label, f"{rec['recommendation_title_sv']}. {rec['recommendation_sv']}")
    for rec in (r for r in recommendations if r["applies_to"] == "quadrant"):
        row += 1
        put(f"Typ {rec['quadrant']}", f"{rec['recommendation_title_sv']}. {rec['recommendation_sv']}",
            bold=True)
    row += 1
    put(None, "Svagheterna är relativa: de tre kategorierna med lägst index visas alltid, även när "
        "alla värden är höga. En förändring vid nästa mätning bevisar inte att en åtgärd "
        "orsakade den.")


def _cell_format(book: xlsxwriter.Workbook, column):
    """The format of an ``Åtgärder`` data cell of ``column``: grey when the template fills it
    in, dates as ``ÅÅÅÅ-MM-DD``, text and codes as text (so ``0604`` keeps its zero), free
    text wrapped; None when the cell needs no format."""
    properties = {}
    if column.prefilled:
        properties.update(pattern=1, bg_color=PREFILLED_FILL)
    if column.kind == "date":
        properties["num_format"] = DATE_NUMBER_FORMAT
    elif column.kind in {"code", "text"}:
        properties["num_format"] = TEXT_NUMBER_FORMAT
    if column.kind == "text" and not column.prefilled:
        properties.update(WRAP_TOP)
    return book.add_format(properties) if properties else None


def _actions_sheet(book: xlsxwriter.Workbook, sheet, code: str, year: int,
                   ranges: dict[str, str]) -> None:
    header = book.add_format({**WRAP_TOP, "bold": True, "font_color": "#FFFFFF",
                              "pattern": 1, "bg_color": HEADER_FILL})
    formats = [_cell_format(book, column) for column in ACTION_COLUMNS]
    for index, column in enumerate(ACTION_COLUMNS):
        sheet.write_string(0, index, column.header, header)
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    # printed as the curated tables' workbook prints its sheets (pipelines.publish.workbook):
    # A4 landscape, every column on the page's width, the header row on every page
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    for number in range(1, TEMPLATE_ROWS + 1):
        values = {"action_id": action_id(code, year, number), "organisation_code": code,
                  "survey_year": year}
        for index, column in enumerate(ACTION_COLUMNS):
            value = values.get(column.field)
            if value is None:
                sheet.write_blank(number, index, None, formats[index])
            elif isinstance(value, str):
                sheet.write_string(number, index, value, formats[index])
            else:
                sheet.write_number(number, index, value, formats[index])
    for index, column in enumerate(ACTION_COLUMNS):
        common = {"ignore_blank": True, "show_input": False, "show_error": True,
                  "error_title": column.header}
        if column.field in ranges:
            options = {**common, "validate": "list", "source": "=" + ranges[column.field],
                       "error_message": f"Välj ett värde i listan för {column.header}."}
        elif column.kind == "date":
            options = {**common, "validate": "date", "criteria": "greater than",
                       "value": "=DATE(2000,1,1)",
                       "error_message": "Skriv ett datum, ÅÅÅÅ-MM-DD."}
        else:
            continue
        _checked(sheet.data_validation(1, index, TEMPLATE_ROWS, index, options),
                 f"the drop-down list of column {column.header}")


def build_template(path: Path, org: dict, year: int, years: list[int],
                   recommendations: list[dict], *, snapshot_id: str = "",
                   vocab: Vocabulary | None = None) -> Path:
    """Write one organisation's handlingsplan workbook for measurement ``year`` to ``path``.

    ``org``: ``organisation_code``, ``organisation_name``; ``years``: the measurement years
    offered in the Mätår list; ``recommendations``: that organisation-year's rows of
    ``recommendations_by_organisation``. Written with XlsxWriter (in memory, no temporary
    files); the register reads it back with openpyxl. Returns ``path``."""
    vocab = vocab or vocabulary()
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    readme = book.add_worksheet(README_SHEET)
    actions = book.add_worksheet(ACTIONS_SHEET)
    ranges = _lists_sheet(book, vocab, years)
    _readme_sheet(book, readme, org, year, recommendations, snapshot_id)
    _actions_sheet(book, actions, org["organisation_code"], year, ranges)
    actions.activate()
    book.close()
    return path


@dataclass(frozen=True)
class TemplateTarget:
    """One template to write: :func:`build_template`'s arguments for one organisation."""

    path: Path
    org: dict
    year: int
    years: list[int]
    recommendations: list[dict]
    snapshot_id: str


def _snapshot_templates(snapshot_dir: Path, folder: Path, *,
                        at_most: int | None = None) -> list[TemplateTarget] | None:
    """The templates of a snapshot, each at ``folder/<code>_<name>.xlsx``; None when the
    snapshot has more than ``at_most`` organisations with results in any of its years (the
    number the reports' county scale is decided on, ``pipelines.reports.build.build_reports``),
    decided before the recommendations are read."""
    # the report builder (matplotlib, the PDFs) only here: the definitions' processes
    # import this module and never need it
    from pipelines.reports.build import snapshot_label

    snapshot_dir = Path(snapshot_dir)
    with SnapshotReader(snapshot_dir) as snapshot:
        results = snapshot.rows("maturity_by_organisation",
                                ["organisation_code", "organisation_name", "survey_year"])
        if at_most is not None and len({r["organisation_code"] for r in results}) > at_most:
            return None
        recommendations = snapshot.rows("recommendations_by_organisation",
                                        order_by=["organisation_code", "display_order"])
        short_names = {r["organisation_code"]: r["organisation_short_name"] for r in
                       snapshot.rows("organisations",
                                     ["organisation_code", "organisation_short_name"])}
    years = sorted({int(r["survey_year"]) for r in results})
    if not years:
        return []
    year = years[-1]
    organisations = sorted(
        ({"organisation_code": r["organisation_code"], "organisation_name": r["organisation_name"]}
         for r in results if int(r["survey_year"]) == year),
        key=lambda o: o["organisation_code"])
    by_organisation = defaultdict(list)  # the newest year's rows, in display order
    for rec in recommendations:
        if int(rec["survey_year"]) == year:
            by_organisation[rec["organisation_code"]].append(rec)
    snapshot_id = snapshot_label(snapshot_dir)
    targets = []
    for org in organisations:
        code = org["organisation_code"]
        name = short_names.get(code) or org["organisation_name"]
        targets.append(TemplateTarget(
            folder / f"{safe_code(code)}_{slugify(name)}.xlsx", org, year,
            years, by_organisation.get(code, []), snapshot_id))
    return targets


def action_template_targets(snapshot_dir: Path) -> list[TemplateTarget]:
    """The templates of a snapshot: ``<snapshot_dir>/handlingsplan/<code>_<name>.xlsx`` for
    every organisation with results in the newest measurement year of the snapshot (read by
    its contract, ``pipelines.reports.snapshot.SnapshotReader``), with that year's
    recommendations; none when the snapshot has no results."""
    return _snapshot_templates(snapshot_dir, Path(snapshot_dir) / TEMPLATE_DIR) or []


def published_templates(snapshot_dir: Path, *,
                        county_scale: int = COUNTY_SCALE) -> list[TemplateTarget]:
    """The templates a publication writes into the snapshot: every one of
    :func:`action_template_targets` when the snapshot has at most ``county_scale``
    organisations with results (``data.COUNTY_SCALE``, a parameter for tests; the rule of
    the organisations' PDFs in ``build_reports``), none above it. A national snapshot's
    templates are made on request (:func:`templates_on_request`, ``mognad handlingsplan``),
    as its organisations' PDFs are: a template is asked for by the organisations that make
    a plan, and a new measurement year changes every one of them."""
    targets = _snapshot_templates(snapshot_dir, Path(snapshot_dir) / TEMPLATE_DIR,
                                  at_most=county_scale)
    if targets is None:
        log.info("handlingsplan: more than %d organisations: their templates are made on "
                 "request", county_scale)
        return []
    return targets


def templates_on_request(snapshot_dir: Path, codes: Sequence[str], out_dir: Path) -> list[Path]:
    """Write the template of each organisation in ``codes`` from the published snapshot
    ``snapshot_dir`` into ``out_dir/<code>_<name>.xlsx``, the file a publication at county
    scale writes into the snapshot (same name, content and snapshot id); returns the paths,
    in the order of ``codes``.

    ``out_dir`` must not be inside ``snapshot_dir`` (a published snapshot is never changed
    after it is published): ``ValueError``. A code of no organisation with results in the
    snapshot's newest measurement year (surrounding blanks ignored) is a ``KeyError`` naming
    it, raised before any template is written."""
    from pipelines.reports.build import outside_snapshot

    snapshot_dir, out_dir = outside_snapshot(snapshot_dir, out_dir)
    targets = {t.org["organisation_code"]: t
               for t in _snapshot_templates(snapshot_dir, out_dir) or []}
    wanted = []
    for code in codes:
        code = str(code).strip()
        if code not in targets:
            raise KeyError(code)
        wanted.append(targets[code])
    written = write_templates(wanted)
    for path in written:
        log.info("handlingsplan: wrote %s", path)
    return written


@functools.cache
def template_code_version() -> str:
    """The code version of the templates (``pipelines.reports.reuse.source_version``): this
    module, ``columns.py``, the number formatting (``pipelines/reports/formatting.py``), the
    workbook's number formats (``pipelines/publish/workbook.py``) and the installed
    XlsxWriter."""
    from pipelines.reports.reuse import source_version

    package = Path(__file__).resolve().parent
    root = package.parent
    return source_version(root, [package / "template.py", package / "columns.py",
                                 root / "reports" / "formatting.py",
                                 root / "publish" / "workbook.py"], ("xlsxwriter",))


def template_key(target: TemplateTarget, vocab: Vocabulary) -> str:
    """What one template is made from, as a SHA-256: the code version, its file name, the
    organisation, the measurement year, the years of the Mätår list, its recommendations
    and the drop-down lists' values; not the snapshot id (a template kept from an earlier
    snapshot names the snapshot that made it, as a reused report does)."""
    from pipelines.reports.reuse import digest

    return digest({"code": template_code_version(), "file": target.path.name,
                   "organisation": target.org, "year": target.year, "years": target.years,
                   "recommendations": target.recommendations,
                   "lists": [vocab.categories, vocab.factors, vocab.statuses]})


def _read_record(snapshot_dir: Path | None) -> dict:
    """The ``organisations`` of a snapshot's template record, or ``{}`` when there is none,
    it is not readable or another record or code version wrote it."""
    if snapshot_dir is None:
        return {}
    try:
        record = json.loads((Path(snapshot_dir) / TEMPLATE_DIR / TEMPLATE_RECORD)
                            .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (not isinstance(record, dict) or record.get("version") != RECORD_VERSION
            or record.get("code_version") != template_code_version()):
        return {}
    return record.get("organisations") or {}


def templates_to_write(targets: list[TemplateTarget], snapshot_dir: Path,
                       previous: Path | None) -> list[TemplateTarget]:
    """Keep what an earlier publication made: each target whose key
    (:func:`template_key`) is the one ``previous``'s record (the snapshot
    ``published/latest`` points at while ``snapshot_dir`` is written; None for the first)
    holds for it, with its file still there, is linked from there
    (``pipelines.reports.reuse.reuse``: a hard link, or a copy). Writes ``snapshot_dir``'s
    record for every target and returns the targets still to be written, in order. A new
    measurement year changes every template (its year and the Mätår list); a publication
    for a sign-off, a register or an earlier year's reload changes none or a few."""
    from pipelines.reports.reuse import relative, reuse

    if not targets:
        return []
    vocab = vocabulary()
    snapshot_dir = Path(snapshot_dir)
    earlier = _read_record(previous)
    entries, todo = {}, []
    for target in targets:
        code = target.org["organisation_code"]
        entries[code] = {"key": template_key(target, vocab),
                         "files": relative(snapshot_dir, [target.path])}
        if previous is None or reuse(previous, snapshot_dir, earlier.get(code),
                                     entries[code]["key"]) is None:
            todo.append(target)
    record = snapshot_dir / TEMPLATE_DIR / TEMPLATE_RECORD
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"version": RECORD_VERSION, "code_version": template_code_version(),
                                  "organisations": dict(sorted(entries.items()))},
                                 indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return todo


def write_templates(targets: list[TemplateTarget]) -> list[Path]:
    """Write every target with :func:`build_template`; returns the paths, in order."""
    vocab = vocabulary()
    return [build_template(t.path, t.org, t.year, t.years, t.recommendations,
                           snapshot_id=t.snapshot_id, vocab=vocab) for t in targets]


def build_action_templates(snapshot_dir: Path) -> list[Path]:
    """Write the templates of a snapshot (:func:`action_template_targets`) in this process,
    pre-filled with the newest year's recommendations. Returns the paths written (none when
    the snapshot has no results)."""
    return write_templates(action_template_targets(snapshot_dir))
