"""The snapshot's Excel workbook (``tabeller.xlsx``): every curated table as a sheet an
analyst can open with a double-click.

The CSV files keep the raw values for tools; the workbook is for people:

- one sheet per curated table, named by the model's ``meta.label_sv`` in the dbt docs;
  row 1 holds each column's Swedish name (column ``meta.label_sv``), row 2 its identifier
  (the name in Parquet, CSV and DuckDB), so a formula or a query can be written from either;
- text (codes such as ``0604``) stored as text with the text format, so Excel keeps the
  leading zero; numbers stored in full and displayed rounded (one decimal, two where the
  column's ``meta.decimals`` says so, shares 0–1 (``meta.unit: share``) as percentages);
  booleans as ``Ja``/``Nej``; timestamps and dates as Excel dates;
- codes in a column whose dbt docs declare ``meta.values_sv`` (``{code: Swedish word}``,
  e.g. ``email`` → ``e-post``) are shown as the Swedish word; the codes themselves are
  listed in "Kolumner" (and stay as they are in CSV, Parquet and DuckDB). A column with
  ``meta.text_sv: true`` holds the pipeline's own English sentences (e.g. why results are
  withheld, a threshold): the workbook shows them in Swedish (:func:`swedish_free_text`:
  the declared phrases of ``TEXT_TERMS_SV``, check names as the council's check titles,
  decimal commas);
- a code column whose dbt docs declare ``meta.names_sv`` (``{source, label_sv}``) gets a
  column of Swedish names right after it (the code keeps its own column): ``source`` names
  where the names are declared, :func:`code_names_sv` (the council's check titles, the
  target groups of ``target_groups.csv``, the dimensions of ``model_dimensions.csv``); a comma-separated list of codes becomes the list
  of names. These columns exist only in the workbook (row 2 is empty, "Kolumner" says so);
- a quality check's observed value and thresholds (columns with ``meta.unit: check``) are
  percentages on the rows of a check whose value is a share (:data:`SHARE_CHECKS`) and
  whole numbers (counts) on the others; a check's numbers in the pipeline's sentences (``response_rate:
  observed 0.2128 (varning < 0.5; fel < 0.3)``) are worded the same way (``21,3 %``);
- a value hidden by disclosure control or withheld by the quality checks is shown as
  ``..`` (the statistical convention for "not published") with a cell note giving its
  reason's text and number; "Läs mig" lists each reason once, numbered, with the sheets and
  the number of cells it hides (a row often hides a dozen cells for one reason).
  Which columns a flag hides is declared on the flag column in the dbt docs
  (``meta.hides``, ``meta.hidden_reason_sv`` and optionally ``meta.reason_column``, a
  column of the same row holding the detailed reason; ``meta.supersedes: true`` when the
  flag's reason is the only true one for the cells it hides, e.g. results withheld by the
  quality checks, which also set every disclosure flag); a null in a column whose dbt docs
  declare ``meta.unknown_reason_sv`` is a value that exists but is not known (e.g. the number
  invited when the survey was spread by a shared link): ``..`` too, its note and "Läs mig"
  giving that reason (:data:`UNKNOWN_NOTE_SV`); any other null that no true flag hides stays
  an empty cell (e.g. no previous year to compare with);
- a table of more than ``WORKBOOK_MAX_ROWS`` rows gets no sheet (at national scale the
  item-level tables hold hundreds of thousands of rows: a sheet that size is not read as a
  sheet, and writing every cell would make the workbook the slowest part of a publication);
  "Läs mig" lists it with its row count and its CSV and Parquet files;
- a first sheet "Läs mig" with the snapshot id and time, each survey year's status
  (preliminär or granskad, from ``manifest.json``), how to read the sheets, and every
  table's Swedish description (the model's ``meta.description_sv`` in the dbt docs, whose
  own descriptions are in English for the engineers); a sheet "Kolumner" with every
  column's Swedish name, identifier and Swedish description (``meta.description_sv``).
  ``{min_cell_respondents}`` and the other settings in a description are filled in from
  ``manifest.json``;
- every sheet prints in landscape on A4, scaled to fit the fewest pages across that keeps
  the text legible (``PRINT_WIDTH_PER_PAGE`` column-width units a page, about 60 %; one
  page across for most tables), as many pages down as needed, the header rows repeated on
  each page (at 100 % the widest table printed to hundreds of pages);
- rows of wrapped text get an explicit height for their number of lines (Excel and
  LibreOffice do not grow merged cells, nor rows whose height is set, and print a fixed
  height as it is: the lines would be cut or run into the next row).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import math
import re
import sys
import tempfile
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from pipelines.collector import collector_paused
from pipelines.ingest.reference import load_reference
from pipelines.publish.snapshot import start_python_worker, worker_failure
from pipelines.reports.council import QUALITY_TEXTS, STRUCTURAL_TEXTS, review_state
from pipelines.reports.formatting import (
    format_datetime,
    format_int,
    format_threshold,
    percent_number_format,
)
from pipelines.settings import SEEDS_DIR, dbt_project_vars

WORKBOOK_FILE = "tabeller.xlsx"
HIDDEN_MARK = ".."
"""Shown for a value that is not published (Statistics Sweden's convention for "uppgift
inte tillgänglig eller för osäker för att anges")."""
HIDDEN_NOTE_SV = "Publiceras inte"
UNKNOWN_NOTE_SV = "Okänt"
"""How a ``..`` cell's note begins: a value hidden or withheld, or a value not known (a
column's ``meta.unknown_reason_sv``); the note then gives the reason's text and its number in
"Läs mig"."""
NOTE_WIDTH_PX = 256
NOTE_CHARS_PER_LINE = 40
NOTE_LINE_PX = 12
NOTE_MIN_HEIGHT_PX = 74
"""A note's box: twice XlsxWriter's default width (128 px), about 40 characters of its 8 pt
Tahoma a line, and tall enough for its wrapped lines (at least the default 74 px): Excel shows
a note at the size stored, cutting off what does not fit."""
YES_SV, NO_SV = "Ja", "Nej"
TEXT_NUMBER_FORMAT = "@"
"""Excel's text format: a code such as ``0604`` stays text with its leading zero, also when
someone types into the cell (the handlingsplan templates use it too)."""
DATE_NUMBER_FORMAT = "yyyy-mm-dd"
"""Dates as ISO ``ÅÅÅÅ-MM-DD`` (the handlingsplan templates use it too)."""
README_SHEET = "Läs mig"
COLUMNS_SHEET = "Kolumner"
HEADER_ROWS = 2
SAMPLE_ROWS_FOR_WIDTH = 200
MAX_COLUMN_WIDTH = 60
WORKBOOK_MAX_ROWS = 20_000
"""Tables with more rows than this are not written as sheets (see the module docstring); far
below Excel's limit of 1,048,576 rows a sheet, and far above a county's largest table (about
700 rows a year)."""
WORKBOOK_PROCESS_MIN_CELLS = 200_000
"""From this many cells in the sheets (rows x columns of the tables of at most
``WORKBOOK_MAX_ROWS`` rows) :func:`workbook_beside` writes the workbook in a second Python
process: below it (a county's workbook) starting a process costs more than it saves."""
PRINT_WIDTH_PER_PAGE = 250
"""Column-width units (Excel's: one digit of the default font) printed across one landscape
A4 page: about 150 fit at 100 %, so 250 prints at about 60 %, the smallest still easy to
read. A wider sheet prints on more pages across (Excel's fit-to-pages)."""
LINE_HEIGHT_PT = 15.0
"""Height of one line of 11-point Calibri, Excel's default row height."""
ROW_PADDING_PT = 3.0
README_WIDTHS = (30, 34, 22, 90)
COLUMNS_WIDTHS = (32, 40, 36, 100)

READING_NOTES_SV = (
    "Varje blad är en tabell. Rad 1 har kolumnernas svenska namn, rad 2 deras "
    "identifierare: samma namn som i Parquet-, CSV- och DuckDB-filerna.",
    "Tal lagras med full precision och visas avrundade; markera en cell för att se hela "
    "värdet. Andelar (svarsfrekvens, andel ”vet ej”) visas i procent.",
    "”..” betyder att värdet inte publiceras: färre än {min_cell_respondents} svarande "
    "(röjandeskydd), en grupp som döljs så att en annan liten grupp inte kan räknas fram, "
    "eller resultat som kvalitetskontrollerna har undanhållit; eller att värdet inte är känt, "
    "till exempel antalet inbjudna och svarsfrekvensen när enkäten spreds med en gemensam "
    "länk. Cellens anteckning anger skälets nummer; skälen står i sin helhet sist på det här "
    "bladet.",
    "En tom cell betyder att värdet inte finns, till exempel förändringen när det inte finns "
    "någon tidigare mätning.",
    "Indexen går från 0 till 100. Intervallen är {confidence_percent} % konfidensintervall.",
    "Ett preliminärt år kan ändras tills digitaliseringsrådet har granskat det.",
)


SHEET_NAME_MAX = 31
"""Excel's limit on a sheet name's length: a longer model label is an error in the dbt docs
(a cut name reads as a mistake), not something to shorten here."""

TEXT_TERMS_SV = (
    # the column's Swedish name and the cell note say it already
    ("withheld by the quality checks: ", ""),
    ("duplicates_removed at ingest", "dubbletter borttagna vid inläsningen"),
    ("offending rows", "avvikande rader"),
    ("results withheld", "resultaten undanhållna"),
    # internal_consistency_by_organisation: too few respondents behind a pair of items
    ("respondents behind a covariance", "svarande bakom ett par av påståenden"),
    ("fewer than", "färre än"),
    ("observed", "uppmätt"),
    ("unknown", "okänt"),
    ("invited", "inbjudna"),
)
"""The English phrases of the pipeline's own sentences in the curated tables (dbt's
``withheld_reason``, ``threshold`` and the like: columns with ``meta.text_sv``) and their
Swedish words in the workbook, in this order (longest first where one contains another)."""

SHARE_CHECKS = frozenset({"response_rate", "dont_know_share", "item_nonresponse"})
"""The quality checks whose observed value and thresholds are shares 0–1
(int_quality_checks_evaluated); the other checks count respondents or offending rows."""
CHECK_COLUMN = "check_name"
"""The column of a quality check's name: it says the unit of a ``meta.unit: check`` column."""

WORKBOOK_ONLY_NOTE = "Finns bara i arbetsboken: namnen till koderna i kolumnen {code}."
"""Said in "Kolumner" of a column of names (``meta.names_sv``)."""

TEXT_SV_NOTE = ("Visas här på svenska; i CSV, Parquet och DuckDB står samma text på engelska, "
                "med decimalpunkt.")
"""Said in "Kolumner" of a ``meta.text_sv`` column, whose cells the workbook translates."""

_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
_CHECK_RESULT = re.compile(r"\b([a-z]+(?:_[a-z]+)+): observed ([^;()]+?)(?: \(([^)]*)\))?(?=;|$)")


DIMENSIONS_SEED = "model_dimensions.csv"


def _dimension_names(seeds_dir: Path) -> dict[str, str]:
    path = seeds_dir / DIMENSIONS_SEED
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"dimension_code", "dimension_name_sv"} <= set(rows[0]):
        raise ValueError(f"{path} needs the columns dimension_code and dimension_name_sv")
    return {r["dimension_code"].strip(): r["dimension_name_sv"].strip() for r in rows}


def code_names_sv(seeds_dir: Path = SEEDS_DIR) -> dict[str, dict[str, str]]:
    """``{source: {code: Swedish name}}`` for the columns of names (``meta.names_sv``):
    ``quality_checks`` the council's check titles (:mod:`pipelines.reports.council`),
    ``target_groups`` the target groups' names in ``target_groups.csv``, ``dimensions`` the
    model's dimensions in ``model_dimensions.csv``. Raises ProfileError (target groups) or
    ValueError (dimensions) when a seed lacks its columns, FileNotFoundError when it is
    missing."""
    return {
        "quality_checks": {n: t.title for n, t in {**STRUCTURAL_TEXTS, **QUALITY_TEXTS}.items()},
        "target_groups": dict(load_reference(seeds_dir).target_groups),
        "dimensions": _dimension_names(seeds_dir),
    }


def names_for(value: Any, names: Mapping[str, str]) -> str:
    """The Swedish name of a code, or of each code of a comma-separated list, in order; a
    code without a name stays as it is (the code column beside it says the same)."""
    return ", ".join(names.get(code.strip(), code.strip()) for code in str(value).split(","))


def percent_numbers(text: str) -> str:
    """The numbers of a share check's rule or observed value as percentages:
    ``"varning < 0.5; fel < 0.3"`` → ``"varning < 50 %; fel < 30 %"``."""
    return _NUMBER.sub(lambda m: format_threshold(float(m.group(0))), text)


def _share_check_numbers(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1) not in SHARE_CHECKS:
            return m.group(0)
        rule = f" ({percent_numbers(m.group(3))})" if m.group(3) else ""
        return f"{m.group(1)}: observed {percent_numbers(m.group(2))}{rule}"

    return _CHECK_RESULT.sub(one, text)


def swedish_free_text(text: str, min_n: int | None = None, *, share: bool = False) -> str:
    """One of the pipeline's English sentences (a ``meta.text_sv`` column) in Swedish for the
    workbook: a disclosure-control reason as the reports word it (``"fewer than 5
    respondents"`` → ``"färre än 5 svar"``, :data:`pipelines.reports.views.
    SUPPRESSION_REASONS_SV`, ``min_n`` the disclosure minimum), else the phrases of
    :data:`TEXT_TERMS_SV`, a check's name (``response_rate``) as the council's title of the
    check (``Svarsfrekvens per organisation``), the observed value and rule of a share check
    (:data:`SHARE_CHECKS`) as percentages (``response_rate: observed 0.2128`` →
    ``Svarsfrekvens per organisation: uppmätt 21,28 %``), and decimal commas elsewhere.
    ``share``: every number of the text is a share (a share check's ``threshold``). Other
    text is kept as it is."""
    from pipelines.reports.views import SUPPRESSION_REASONS_SV

    if min_n is not None:
        for english, swedish in SUPPRESSION_REASONS_SV.items():
            if text == english.format(n=min_n):
                return swedish.format(n=min_n)
    titles = {name: t.title for name, t in {**STRUCTURAL_TEXTS, **QUALITY_TEXTS}.items()}
    text = percent_numbers(str(text)) if share else _share_check_numbers(str(text))
    out = _IDENTIFIER.sub(lambda m: titles.get(m.group(0), m.group(0)), str(text))
    for english, swedish in TEXT_TERMS_SV:
        out = out.replace(english, swedish)
    return _DECIMAL_POINT.sub(",", out)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` characters wide (Excel's
    column width unit is one digit of the default font; words are not broken), at least 1.
    Paragraphs (newlines) start a new line."""
    return sum(
        max(1, len(textwrap.wrap(part, width=max(int(width) - 1, 1), break_long_words=True)))
        for part in str(text).split("\n")
    )


def wrapped_row_height(texts_and_widths: list[tuple[str, float]]) -> float:
    """Row height in points that shows every ``(text, width)`` cell of the row in full."""
    lines = max((wrapped_lines(text, width) for text, width in texts_and_widths), default=1)
    return lines * LINE_HEIGHT_PT + ROW_PADDING_PT


def swedish_text(text: Any, settings: Mapping[str, Any]) -> str:
    """A Swedish description from the dbt docs on one line, its ``{setting}`` placeholders
    filled in from the snapshot's settings; empty when there is none."""
    if not text:
        return ""
    return " ".join(str(text).format(**settings).split())


def _column_meta(descriptions: Mapping[str, Any], table: str) -> dict[str, dict[str, Any]]:
    return dict((descriptions.get(table) or {}).get("column_meta") or {})


def sheet_names(descriptions: Mapping[str, Mapping[str, Any]], tables: list[str]) -> dict[str, str]:
    """``{table: sheet name}``: the model's Swedish label (``meta.label_sv``), else the
    table name; made unique. Raises ValueError when a label holds a character Excel forbids
    in sheet names or is longer than Excel's :data:`SHEET_NAME_MAX` characters (choose a
    shorter ``label_sv``; "Läs mig" describes the table in full)."""
    names: dict[str, str] = {}
    used: set[str] = {README_SHEET.lower(), COLUMNS_SHEET.lower()}
    for table in tables:
        label = str((descriptions.get(table) or {}).get("label_sv") or table)
        if any(ch in label for ch in "[]:*?/\\"):
            raise ValueError(f"Sheet name for {table} has a character Excel forbids: {label!r}")
        if len(label) > SHEET_NAME_MAX:
            raise ValueError(
                f"Sheet name for {table} is longer than Excel's {SHEET_NAME_MAX} characters: "
                f"{label!r}; choose a shorter meta.label_sv"
            )
        name, n = label, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name, n = label[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        names[table] = name
    return names


def hidden_rules(column_meta: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The table's flag columns that hide others: ``[{"flag", "hides", "reason",
    "reason_column", "supersedes"}]`` from each column's ``meta.hides`` (in column order)."""
    rules = []
    for flag, meta in column_meta.items():
        if meta.get("hides"):
            rules.append(
                {
                    "flag": flag,
                    "hides": list(meta["hides"]),
                    "reason": str(meta.get("hidden_reason_sv") or ""),
                    "reason_column": meta.get("reason_column"),
                    "supersedes": bool(meta.get("supersedes")),
                }
            )
    return rules


class _Formats:
    """The workbook's cell formats, made once (XlsxWriter keeps a format per object)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.label = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "bottom", "bg_color": "#DCE6F1",
             "bottom": 1}
        )
        self.ident = book.add_format(
            {"italic": True, "font_color": "#595959", "font_size": 9, "bg_color": "#F2F2F2",
             "bottom": 1}
        )
        self.text = book.add_format({"num_format": TEXT_NUMBER_FORMAT})
        self.wrap = book.add_format(
            {"num_format": TEXT_NUMBER_FORMAT, "text_wrap": True, "valign": "top"})
        self.text_top = book.add_format({"num_format": TEXT_NUMBER_FORMAT, "valign": "top"})
        self.integer_top = book.add_format({"num_format": "0", "valign": "top"})
        self.link_top = book.add_format(
            {"font_color": "blue", "underline": 1, "valign": "top"})
        self.integer = book.add_format({"num_format": "0"})
        self.decimal1 = book.add_format({"num_format": "0.0"})
        self.decimal2 = book.add_format({"num_format": "0.00"})
        self.percent = book.add_format({"num_format": percent_number_format(1)})
        self.timestamp = book.add_format({"num_format": f"{DATE_NUMBER_FORMAT} hh:mm"})
        self.date = book.add_format({"num_format": DATE_NUMBER_FORMAT})
        self.boolean = book.add_format({"align": "center"})
        self.hidden = book.add_format({"align": "right", "font_color": "#7F7F7F"})
        self.title = book.add_format({"bold": True, "font_size": 16})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.bold = book.add_format({"bold": True})


def _value_format(kind: pa.DataType, meta: Mapping[str, Any], fmt: _Formats):
    """The cell format and a writer kind for one column's Arrow type and dbt meta."""
    if pa.types.is_boolean(kind):
        return fmt.boolean, "bool"
    if pa.types.is_integer(kind):
        return fmt.integer, "number"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        if meta.get("unit") == "share":
            return fmt.percent, "number"
        return (fmt.decimal2 if meta.get("decimals") == 2 else fmt.decimal1), "number"
    if pa.types.is_timestamp(kind):
        return fmt.timestamp, "datetime"
    if pa.types.is_date(kind):
        return fmt.date, "date"
    return fmt.text, "text"


def _width(label: str, values: list[Any], kind: str) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    if kind == "number":
        longest = min(longest, 10)
    elif kind == "datetime":
        longest = 16
    label_width = min(len(label), 28)
    return float(min(max(longest, label_width, 6) + 2, MAX_COLUMN_WIDTH))


def sheet_columns(
    names: list[str], column_meta: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, str | None]]:
    """The sheet's columns in order: ``(table column, None)`` for a column of the table and
    ``(code column, source)`` for the column of Swedish names after a code column whose
    dbt docs declare ``meta.names_sv`` (``source`` a key of :func:`code_names_sv`)."""
    out: list[tuple[str, str | None]] = []
    for name in names:
        out.append((name, None))
        declared = (column_meta.get(name) or {}).get("names_sv")
        if declared:
            out.append((name, str(declared["source"])))
    return out


class HiddenReasons:
    """The reasons of the workbook's ``..`` cells, each numbered once in order of first use:
    the cells' notes give the reasons' texts and numbers, "Läs mig" lists them with where
    they occur."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.cells: dict[str, dict[str, int]] = {}  # reason -> {sheet: cells}
        self.boxes: dict[str, dict[str, int]] = {}  # note -> its XlsxWriter comment options

    def note(self, sheet: str, reasons: list[str], lead: str = HIDDEN_NOTE_SV) -> str:
        """The note of one ``..`` cell with ``reasons`` on ``sheet``: ``lead`` (what the cell
        is, :data:`HIDDEN_NOTE_SV` or :data:`UNKNOWN_NOTE_SV`), each reason's text on a line
        of its own (a reason often begins "Förvaltningen visas inte: ..."), then a line naming
        their numbers in "Läs mig", e.g. "Publiceras inte:\nFärre än 5 svarande
        (röjandeskydd).\nSkäl 1 i Läs mig." """
        refs = []
        for reason in reasons:
            number = self.numbers.setdefault(reason, len(self.numbers) + 1)
            where = self.cells.setdefault(reason, {})
            where[sheet] = where.get(sheet, 0) + 1
            refs.append(str(number))
        word = "Skäl" if len(refs) == 1 else "Skälen"
        return f"{lead}:\n" + "\n".join(reasons) + f"\n{word} {' och '.join(refs)} i Läs mig."

    def box(self, note: str) -> dict[str, int]:
        """XlsxWriter's comment options for ``note``: a box that shows it in full
        (:data:`NOTE_WIDTH_PX`); one dict per distinct note."""
        options = self.boxes.get(note)
        if options is None:
            lines = wrapped_lines(note, NOTE_CHARS_PER_LINE)
            options = {"width": NOTE_WIDTH_PX,
                       "height": max(NOTE_MIN_HEIGHT_PX, (lines + 1) * NOTE_LINE_PX)}
            self.boxes[note] = options
        return options


def _write_table(
    book: xlsxwriter.Workbook,
    sheet_name: str,
    table: pa.Table,
    column_meta: Mapping[str, Mapping[str, Any]],
    settings: Mapping[str, Any],
    fmt: _Formats,
    reasons: HiddenReasons,
    code_names: Mapping[str, Mapping[str, str]],
) -> int:
    """One curated table as a sheet; returns the number of ``..`` cells (hidden or unknown).
    The reasons of those cells are numbered in ``reasons``; ``code_names`` is
    :func:`code_names_sv`."""
    sheet = book.add_worksheet(sheet_name)
    names = table.column_names
    position = {name: j for j, name in enumerate(names)}
    layout = sheet_columns(names, column_meta)
    kinds = []
    words: list[Mapping[str, str] | None] = []  # meta.values_sv of each column
    free_text: list[bool] = []  # meta.text_sv of each column
    by_check: list[bool] = []  # meta.unit: check
    name_maps: list[Mapping[str, str] | None] = []  # the names of a column of names
    unknown: list[str | None] = []  # meta.unknown_reason_sv: why a null is not known
    header_cells: list[tuple[str, float]] = []
    for k, (name, source) in enumerate(layout):
        meta = column_meta.get(name) or {}
        unknown.append(None if source is not None else meta.get("unknown_reason_sv"))
        sample = table.column(name).slice(0, SAMPLE_ROWS_FOR_WIDTH).to_pylist()
        if source is not None:
            if source not in code_names:
                raise ValueError(f"meta.names_sv of {name} names an unknown source {source!r}; "
                                 f"known: {', '.join(sorted(code_names))}")
            name_maps.append(code_names[source])
            cell_format, kind = fmt.text, "text"
            words.append(None)
            free_text.append(False)
            by_check.append(False)
            label = str(meta["names_sv"].get("label_sv") or name)
            sample = [names_for(v, code_names[source]) if v is not None else None for v in sample]
            ident = ""
        else:
            name_maps.append(None)
            cell_format, kind = _value_format(table.schema.field(name).type, meta, fmt)
            words.append({str(k): str(v) for k, v in meta["values_sv"].items()}
                         if meta.get("values_sv") else None)  # fmt: skip
            free_text.append(bool(meta.get("text_sv")))
            by_check.append(meta.get("unit") == "check" and CHECK_COLUMN in position)
            label = str(meta.get("label_sv") or name)
            if words[-1]:
                sample = [words[-1].get(str(v), v) if v is not None else None for v in sample]
            ident = name
        kinds.append((cell_format, kind))
        width = _width(label, sample, kind)
        header_cells.append((label, width))
        sheet.set_column(k, k, width, cell_format)
        sheet.write_string(0, k, label, fmt.label)
        sheet.write(1, k, ident or None, fmt.ident)  # blank: a column only the workbook has
    sheet.set_row(0, max(wrapped_row_height(header_cells), 2 * LINE_HEIGHT_PT))
    sheet.freeze_panes(HEADER_ROWS, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    total_width = sum(width for _, width in header_cells)
    sheet.fit_to_pages(max(1, math.ceil(total_width / PRINT_WIDTH_PER_PAGE)), 0)
    sheet.repeat_rows(0, HEADER_ROWS - 1)
    sheet.autofilter(1, 0, max(table.num_rows, 1) + 1, len(layout) - 1)

    rules = [r for r in hidden_rules(column_meta) if r["flag"] in position]
    min_n = settings.get("min_cell_respondents")
    min_n = int(min_n) if min_n is not None else None
    columns = [table.column(name).to_pylist() for name in names]
    checks = columns[position[CHECK_COLUMN]] if CHECK_COLUMN in position else None
    hidden_cells = 0
    for i in range(table.num_rows):
        row = HEADER_ROWS + i
        hidden: dict[int, list[str]] = {}
        superseded: set[int] = set()  # cells whose reason a superseding flag gives alone
        # superseding flags first, so the reasons they replace are never added
        for rule in sorted(rules, key=lambda r: not r["supersedes"]):
            if columns[position[rule["flag"]]][i] is True:
                detail = None
                if rule["reason_column"] in position:
                    detail = columns[position[rule["reason_column"]]][i]
                reason = rule["reason"].format(**settings)
                if detail:
                    detail = swedish_free_text(detail, min_n)
                    reason = f"{reason} ({detail})" if reason else detail
                for name in rule["hides"]:
                    if name in position:
                        j = position[name]
                        hidden.setdefault(j, [])
                        if j in superseded:
                            continue
                        if reason and reason not in hidden[j]:
                            hidden[j].append(reason)
                        if rule["supersedes"]:
                            superseded.add(j)
        share_row = checks is not None and checks[i] in SHARE_CHECKS
        for k, (name, source) in enumerate(layout):
            j = position[name]
            value = columns[j][i]
            cell_format, kind = kinds[k]
            if value is None or (isinstance(value, float) and value != value):
                if j in hidden and source is None:
                    sheet.write_string(row, k, HIDDEN_MARK, fmt.hidden)
                    if hidden[j]:
                        note = reasons.note(sheet_name, hidden[j])
                        sheet.write_comment(row, k, note, reasons.box(note))
                    hidden_cells += 1
                elif unknown[k]:
                    sheet.write_string(row, k, HIDDEN_MARK, fmt.hidden)
                    reason = swedish_text(unknown[k], settings)
                    note = reasons.note(sheet_name, [reason], UNKNOWN_NOTE_SV)
                    sheet.write_comment(row, k, note, reasons.box(note))
                    hidden_cells += 1
                continue
            if name_maps[k] is not None:
                sheet.write_string(row, k, names_for(value, name_maps[k]), cell_format)
            elif kind == "bool":
                sheet.write_string(row, k, YES_SV if value else NO_SV, cell_format)
            elif kind == "number":
                number_format = cell_format
                if by_check[k]:  # a share as a percentage, a count as a whole number
                    number_format = fmt.percent if share_row else fmt.integer
                sheet.write_number(row, k, float(value), number_format)
            elif kind == "datetime":
                sheet.write_datetime(row, k, value.replace(tzinfo=None), cell_format)
            elif kind == "date":
                sheet.write_datetime(row, k, dt.datetime.combine(value, dt.time()), cell_format)
            elif words[k]:
                sheet.write_string(row, k, words[k].get(str(value), str(value)), cell_format)
            elif free_text[k]:
                text = swedish_free_text(value, min_n, share=by_check[k] and share_row)
                sheet.write_string(row, k, text, cell_format)
            else:
                sheet.write_string(row, k, str(value), cell_format)
    return hidden_cells


def _status_rows(manifest: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for year in sorted((manifest.get("years") or {}), key=str):
        entry = manifest["years"][year] or {}
        state = review_state(manifest, int(year))
        rows.append(
            [
                str(year),
                str(entry.get("instrument_version") or ""),
                state["label"],
                state["detail"] if state["signed_off"] or state["cleared"] else "",
            ]
        )
    return rows


def write_workbook(
    snapshot_dir: Path,
    descriptions: Mapping[str, Mapping[str, Any]],
    *,
    tables: list[str] | None = None,
    max_rows: int = WORKBOOK_MAX_ROWS,
) -> Path:
    """Write ``snapshot_dir/tabeller.xlsx`` from the snapshot's Parquet files.

    ``descriptions`` is :func:`pipelines.transform.assets.mart_descriptions` (table and
    column descriptions and ``meta`` from the dbt docs). ``tables`` defaults to every
    table in ``manifest.json``; a table of more than ``max_rows`` rows is listed in "Läs mig"
    with its CSV and Parquet files instead of written as a sheet. Reads ``manifest.json`` for the snapshot id and time, the
    years' status and the settings named in the reasons (``min_cell_respondents``; a
    setting the snapshot predates is the one in ``dbt_project.yml``). Returns the path. Raises
    FileNotFoundError when a table's Parquet file is missing.
    """
    snapshot_dir = Path(snapshot_dir)
    manifest = json.loads((snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    # the snapshot's own settings; a setting it predates is the project's current one
    settings = {**dbt_project_vars(), **(manifest.get("settings") or {})}
    confidence = float(settings.get("confidence_level", 0.95))
    tables = sorted(tables if tables is not None else manifest.get("tables") or {})
    sheets = sheet_names(descriptions, tables)
    order = sorted(tables, key=lambda t: sheets[t].lower())
    parquet_files = {t: snapshot_dir / "parquet" / f"{t}.parquet" for t in tables}
    for table, parquet in parquet_files.items():
        if not parquet.exists():
            raise FileNotFoundError(f"No Parquet file for table {table}: {parquet}")
    row_counts = {t: pq.ParquetFile(p).metadata.num_rows for t, p in parquet_files.items()}
    too_large = {t for t, rows in row_counts.items() if rows > max_rows}
    path = snapshot_dir / WORKBOOK_FILE
    partial = path.with_suffix(".xlsx.partial")
    # in memory: the parts' XML is zipped from memory instead of written to temporary files
    # and read back (the same parts, sheets of at most ``max_rows`` rows); not
    # constant_memory, which does the same work per cell and writes strings inline
    book = xlsxwriter.Workbook(
        str(partial),
        {"constant_memory": False, "in_memory": True, "strings_to_numbers": False,
         "strings_to_formulas": False, "strings_to_urls": False},
    )
    created = manifest.get("created_at")
    created_at = dt.datetime.fromisoformat(created) if created else None
    book.set_properties(
        {
            "title": "Digital mognad – tabeller",
            "subject": f"Publicering {manifest.get('snapshot_id', '')}",
            "author": "mognad",
            "comments": "De kurerade tabellerna i en publicering (DiMiOS).",
            **({"created": created_at.replace(tzinfo=None)} if created_at else {}),
        }
    )
    fmt = _Formats(book)

    readme = book.add_worksheet(README_SHEET)
    for j, width in enumerate(README_WIDTHS):
        readme.set_column(j, j, width)
    for sheet in (readme,):
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
    readme.write_string(0, 0, "Digital mognad – tabeller", fmt.title)
    readme.write_string(2, 0, "Publicering", fmt.bold)
    readme.write_string(2, 1, str(manifest.get("snapshot_id", "")), fmt.text)
    # the readme's text gives times in Stockholm as every page does; the tables keep their
    # typed UTC timestamps, their headers naming the zone
    readme.write_string(3, 0, "Publicerad", fmt.bold)
    if created_at:
        readme.write_string(3, 1, format_datetime(created_at), fmt.text)
    readme.write_string(4, 0, "Kodversion", fmt.bold)
    readme.write_string(4, 1, str(manifest.get("code_version", "")), fmt.text)

    row = 6
    readme.write_string(row, 0, "Mätåren", fmt.heading)
    row += 1
    for j, header in enumerate(("Mätår", "Enkätversion", "Status", "Granskning")):
        readme.write_string(row, j, header, fmt.label)
    for values in _status_rows(manifest):
        row += 1
        for j, value in enumerate(values):
            if value:
                readme.write_string(row, j, value, fmt.wrap)
        readme.set_row(row, wrapped_row_height(
            [(value or "", width) for value, width in zip(values, README_WIDTHS, strict=False)]))

    row += 2
    readme.write_string(row, 0, "Så läser du bladen", fmt.heading)
    notes = [n.format(confidence_percent=f"{confidence * 100:g}", **settings)
             for n in READING_NOTES_SV]
    for note in notes:
        row += 1
        readme.merge_range(row, 0, row, 3, note, fmt.wrap)
        readme.set_row(row, wrapped_row_height([(note, sum(README_WIDTHS))]))

    row += 2
    readme.write_string(row, 0, "Tabellerna", fmt.heading)
    row += 1
    for j, header in enumerate(("Blad", "Tabell (identifierare)", "Rader", "Beskrivning")):
        readme.write_string(row, j, header, fmt.label)
    for table in order:
        row += 1
        description = swedish_text((descriptions.get(table) or {}).get("description_sv"), settings)
        if table in too_large:
            readme.write_string(row, 0, f"csv/{table}.csv", fmt.text_top)
            description = (
                f"Inget blad: tabellen har fler än {format_int(max_rows)} rader. Den finns "
                f"som csv/{table}.csv och parquet/{table}.parquet i publiceringen. "
                + (description or "")
            ).strip()
        else:
            readme.write_url(
                row, 0, f"internal:'{sheets[table]}'!A1", fmt.link_top, string=sheets[table])
        readme.write_string(row, 1, table, fmt.text_top)
        readme.write_number(row, 2, row_counts[table], fmt.integer_top)
        if description:
            readme.write_string(row, 3, description, fmt.wrap)
        readme.set_row(row, wrapped_row_height([(description, README_WIDTHS[3])]))

    columns_sheet = book.add_worksheet(COLUMNS_SHEET)
    for j, width in enumerate(COLUMNS_WIDTHS):
        columns_sheet.set_column(j, j, width)
    for j, header in enumerate(("Blad", "Kolumn", "Identifierare", "Beskrivning")):
        columns_sheet.write_string(0, j, header, fmt.label)
    columns_sheet.freeze_panes(1, 0)
    columns_sheet.set_landscape()
    columns_sheet.set_paper(9)
    columns_sheet.fit_to_pages(1, 0)
    columns_sheet.repeat_rows(0)

    col_row = 0
    reasons = HiddenReasons()
    code_names = code_names_sv()
    for table in order:
        meta = _column_meta(descriptions, table)
        if table in too_large:
            where = f"csv/{table}.csv"
            layout = [(n, None) for n in pq.ParquetFile(parquet_files[table]).schema_arrow.names]
        else:
            where = sheets[table]
            data = pq.read_table(parquet_files[table])
            _write_table(book, sheets[table], data, meta, settings, fmt, reasons, code_names)
            layout = sheet_columns(data.column_names, meta)
        for name, source in layout:
            col_row += 1
            label = str((meta.get(name) or {}).get("label_sv") or name)
            description = swedish_text((meta.get(name) or {}).get("description_sv"), settings)
            values_sv = (meta.get(name) or {}).get("values_sv")
            if source is not None:
                label = str(meta[name]["names_sv"].get("label_sv") or name)
                description = WORKBOOK_ONLY_NOTE.format(code=name)
                name = ""
            elif values_sv and table not in too_large:
                description = (description + " Koder i CSV, Parquet och DuckDB: " + "; ".join(
                    f"{code} = {word}" for code, word in values_sv.items()) + ".").strip()
            elif (meta.get(name) or {}).get("text_sv") and table not in too_large:
                description = (description + " " + TEXT_SV_NOTE).strip()
            columns_sheet.write_string(col_row, 0, where, fmt.wrap)
            columns_sheet.write_string(col_row, 1, label, fmt.wrap)
            columns_sheet.write(col_row, 2, name or None, fmt.wrap)
            if description:
                columns_sheet.write_string(col_row, 3, description, fmt.wrap)
            columns_sheet.set_row(
                col_row,
                wrapped_row_height(
                    list(zip((where, label, name, description), COLUMNS_WIDTHS, strict=True))
                ),
            )
    if reasons.numbers:
        row += 2
        readme.write_string(row, 0, "Skäl till ”..”", fmt.heading)
        row += 1
        for j, header in enumerate(("Skäl", "Blad", "Celler", "Förklaring")):
            readme.write_string(row, j, header, fmt.label)
        for reason, number in reasons.numbers.items():
            where = reasons.cells[reason]
            row += 1
            sheets_text = ", ".join(where)
            readme.write_number(row, 0, number, fmt.integer_top)
            readme.write_string(row, 1, sheets_text, fmt.wrap)
            readme.write_number(row, 2, sum(where.values()), fmt.integer_top)
            readme.write_string(row, 3, reason, fmt.wrap)
            readme.set_row(row, wrapped_row_height(
                [(sheets_text, README_WIDTHS[1]), (reason, README_WIDTHS[3])]))
    book.close()
    partial.replace(path)
    return path


def sheet_cells(snapshot_dir: Path, max_rows: int = WORKBOOK_MAX_ROWS) -> int:
    """Cells (rows x columns) of the tables :func:`write_workbook` writes as sheets: those of
    ``manifest.json`` with at most ``max_rows`` rows, counted from their Parquet files'
    metadata (a missing file counts nothing: :func:`write_workbook` raises for it)."""
    manifest = json.loads((snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    cells = 0
    for table in manifest.get("tables") or {}:
        parquet = snapshot_dir / "parquet" / f"{table}.parquet"
        if parquet.exists():
            meta = pq.ParquetFile(parquet).metadata
            if meta.num_rows <= max_rows:
                cells += meta.num_rows * meta.num_columns
    return cells


@contextlib.contextmanager
def workbook_beside(snapshot_dir: Path, descriptions: Mapping[str, Mapping[str, Any]]
                    ) -> Iterator[None]:
    """``with workbook_beside(folder, descriptions): ...`` writes ``folder/tabeller.xlsx``
    (:func:`write_workbook`, every table of ``manifest.json``) and runs the block.

    From ``WORKBOOK_PROCESS_MIN_CELLS`` cells in the sheets (:func:`sheet_cells`) the
    workbook is written by a second Python process (``python -m pipelines.publish.workbook``,
    ``descriptions`` given as JSON) while this process runs the block: the workbook's cells
    and the block's work (the council's pages) are Python work bound to one core each.
    Below it, this process writes the workbook, then runs the block. The same file either
    way. The block must not read the workbook.

    Errors: an exception of the block is raised as it is, after the worker is stopped (killed
    and waited for). A worker that fails raises RuntimeError with its error output (the last
    4,000 characters) when the block has finished; the caller removes what was written.
    """
    snapshot_dir = Path(snapshot_dir)
    if sheet_cells(snapshot_dir) < WORKBOOK_PROCESS_MIN_CELLS:
        write_workbook(snapshot_dir, descriptions)
        yield
        return
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        worker = start_python_worker(
            "pipelines.publish.workbook",
            {"snapshot_dir": str(snapshot_dir), "descriptions": descriptions}, errors)
        try:
            yield
        except BaseException:
            worker.kill()
            raise
        finally:
            worker.stdout.read()
            worker.wait()
        if worker.returncode != 0:
            raise worker_failure("workbook", errors)


if __name__ == "__main__":
    # the worker of workbook_beside: {"snapshot_dir": ..., "descriptions": ...} on standard
    # input; the garbage collector paused as in the publication's own process
    _job = json.loads(sys.stdin.read())
    with collector_paused():
        write_workbook(Path(_job["snapshot_dir"]), _job["descriptions"])
