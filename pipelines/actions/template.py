"""The handlingsplan workbook template, one per organisation, published with each snapshot
under ``handlingsplan/<code>_<name>.xlsx``.

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

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipelines.actions.columns import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    LISTS_SHEET,
    README_SHEET,
    Vocabulary,
    vocabulary,
)
from pipelines.reports.build import snapshot_label
from pipelines.reports.formatting import format_number, safe_code, slugify
from pipelines.reports.snapshot import SnapshotReader

TEMPLATE_DIR = "handlingsplan"
"""Folder of the templates in a snapshot."""

TEMPLATE_ROWS = 30
"""Prepared rows in the ``Åtgärder`` sheet (more can be added by copying a row)."""

DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
PREFILLED_FILL = PatternFill("solid", fgColor="EDEDED")
WRAP = Alignment(wrap_text=True, vertical="top")


def action_id(code: str, year: int, number: int) -> str:
    """The prepared id of row ``number`` of an organisation's plan for a measurement year,
    e.g. ``0604-2020-07``."""
    return f"{code}-{year}-{number:02d}"


def _lists_sheet(workbook: Workbook, vocab: Vocabulary, years: list[int]) -> dict[str, str]:
    """Fill the hidden ``Listor`` sheet; returns ``{field: formula range}`` for the
    drop-down lists."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    columns = {
        "survey_year": ("Mätår", list(years)),
        "category": ("Kategori", [name for _, name in vocab.categories]),
        "factor": ("Faktor", [name for _, _, name in vocab.factors]),
        "status": ("Status", list(vocab.statuses)),
    }
    ranges = {}
    for index, (field, (title, values)) in enumerate(columns.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        ranges[field] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def _readme_sheet(sheet, org: dict, year: int, recommendations: list[dict], vocab: Vocabulary,
                  snapshot_id: str) -> None:
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    row = 1

    def put(a=None, b=None, *, bold=False, size=None):
        nonlocal row
        if a is not None:
            cell = sheet.cell(row=row, column=1, value=a)
            cell.font = Font(bold=True, size=size or 11) if (bold or size) else Font()
            cell.alignment = WRAP
        if b is not None:
            sheet.cell(row=row, column=2, value=b).alignment = WRAP
        row += 1

    put(f"Handlingsplan: {org['organisation_name']} ({org['organisation_code']})", size=16)
    put(f"Efter mätningen {year}. Mallen är skapad ur ögonblicksbild {snapshot_id}.")
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


def _actions_sheet(sheet, code: str, year: int, ranges: dict[str, str]) -> None:
    for index, column in enumerate(ACTION_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    last = TEMPLATE_ROWS + 1
    for number in range(1, TEMPLATE_ROWS + 1):
        row = number + 1
        values = {"action_id": action_id(code, year, number), "organisation_code": code,
                  "survey_year": year}
        for index, column in enumerate(ACTION_COLUMNS, start=1):
            cell = sheet.cell(row=row, column=index, value=values.get(column.field))
            if column.prefilled:
                cell.fill = PREFILLED_FILL
            if column.kind == "date":
                cell.number_format = DATE_FORMAT
            elif column.kind in {"code", "text"}:
                cell.number_format = "@"
            if column.kind == "text" and not column.prefilled:
                cell.alignment = WRAP
    for index, column in enumerate(ACTION_COLUMNS, start=1):
        letter = get_column_letter(index)
        area = f"{letter}2:{letter}{last}"
        if column.field in ranges:
            validation = DataValidation(
                type="list", formula1=ranges[column.field], allow_blank=True,
                showErrorMessage=True, errorTitle=column.header,
                error=f"Välj ett värde i listan för {column.header}.")
        elif column.kind == "date":
            validation = DataValidation(
                type="date", operator="greaterThan", formula1="DATE(2000,1,1)",
                allow_blank=True, showErrorMessage=True, errorTitle=column.header,
                error="Skriv ett datum, ÅÅÅÅ-MM-DD.")
        else:
            continue
        sheet.add_data_validation(validation)
        validation.add(area)


def build_template(path: Path, org: dict, year: int, years: list[int],
                   recommendations: list[dict], *, snapshot_id: str = "",
                   vocab: Vocabulary | None = None) -> Path:
    """Write one organisation's handlingsplan workbook for measurement ``year`` to ``path``.

    ``org``: ``organisation_code``, ``organisation_name``; ``years``: the measurement years
    offered in the Mätår list; ``recommendations``: that organisation-year's rows of
    ``recommendations_by_organisation``. Returns ``path``."""
    vocab = vocab or vocabulary()
    workbook = Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    actions = workbook.create_sheet(ACTIONS_SHEET)
    ranges = _lists_sheet(workbook, vocab, years)
    _readme_sheet(readme, org, year, recommendations, vocab, snapshot_id)
    _actions_sheet(actions, org["organisation_code"], year, ranges)
    workbook.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def build_action_templates(snapshot_dir: Path) -> list[Path]:
    """Write ``<snapshot_dir>/handlingsplan/<code>_<name>.xlsx`` for every organisation with
    results in the newest measurement year of the snapshot (read by its contract,
    ``pipelines.reports.snapshot.SnapshotReader``), pre-filled with that year's
    recommendations. Returns the paths written (none when the snapshot has no results)."""
    snapshot_dir = Path(snapshot_dir)
    with SnapshotReader(snapshot_dir) as snapshot:
        results = snapshot.rows("maturity_by_organisation",
                                ["organisation_code", "organisation_name", "survey_year"])
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
    written = []
    for org in organisations:
        code = org["organisation_code"]
        name = short_names.get(code) or org["organisation_name"]
        path = snapshot_dir / TEMPLATE_DIR / f"{safe_code(code)}_{slugify(name)}.xlsx"
        written.append(build_template(
            path, org, year, years,
            [r for r in recommendations
             if r["organisation_code"] == code and int(r["survey_year"]) == year],
            snapshot_id=snapshot_label(snapshot_dir)))
    return written
