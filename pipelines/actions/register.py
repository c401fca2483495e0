"""The action register: reads the council's handlingsplan files, validates them strictly and
keeps the accepted actions and their status history as Parquet for dbt.

Input: ``$MOGNAD_DATA_DIR/actions/`` holds filled handlingsplan workbooks (``.xlsx``, as the
published template) or CSV files with the same header (UTF-8, ``;``). Lock files of open
workbooks (``~$name.xlsx``, ``.~lock.name.xlsx#``) and hidden files are ignored; any other
file is read.

Each file is accepted whole or rejected whole (docs/actions.md). A rejected file is copied to
``quarantine/actions/<UTC time>/`` with ``reason.txt`` naming the file, sheet, row and column
of every fault; the version of that file accepted at an earlier load (if any) stays in
force, so a broken re-delivery never removes actions. The same rejected file (same content)
is quarantined once.

Output, under ``warehouse/actions/`` (what dbt's ``actions`` sources read):

- ``decided_actions.parquet``: one row per action of every file in force;
- ``action_status_history.parquet``: one row per action and status seen, with the load at
  which it was first seen (a status change between loads adds a row; nothing is removed);
- ``accepted/<sha256>.parquet``: the rows of every accepted file version;
- ``state.json``: which version of each file is in force, and the last load's outcome.

Personal data: the follow-up note (``Uppföljning``) is kept in the warehouse register but
not published (the dbt marts leave it out). Every text cell is rejected when it holds an
e-mail address or a phone number, so such personal data never enter the register.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.utils import get_column_letter

from pipelines.actions.columns import (
    ACTION_COLUMNS,
    ACTION_ID,
    ACTIONS_SHEET,
    CSV_DELIMITER,
    TEMPLATE_SHEETS,
    ActionColumn,
    Vocabulary,
    headers,
    vocabulary,
)
from pipelines.publish.snapshot import FORMULA_PREFIXES
from pipelines.settings import DataPaths

MAX_ERRORS_PER_FILE = 50
"""Faults listed per rejected file; more are counted, not listed."""

MAX_TEXT_LENGTH = 1000
"""Longest text accepted in one cell (characters)."""

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\d-])(\+46 ?|0)\d{1,3}[- ]?\d{2,3} ?\d{2} ?\d{2}(?![\d-])")
"""Personal data the register refuses in any text cell: e-mail addresses and Swedish phone
numbers (``070-123 45 67``, ``+46 36 10 50 00``)."""

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE = re.compile(r"\d{4}")
YEAR = re.compile(r"\d{4}")

REGISTER_SCHEMA = pa.schema([
    ("action_id", pa.string()),
    ("organisation_code", pa.string()),
    ("survey_year", pa.int32()),
    ("action", pa.string()),
    ("category_code", pa.string()),
    ("factor_code", pa.string()),
    ("decided_by", pa.string()),
    ("decided_on", pa.date32()),
    ("responsible", pa.string()),
    ("status", pa.string()),
    ("due_date", pa.date32()),
    ("follow_up_note", pa.string()),
    ("source_file", pa.string()),
    ("source_sha256", pa.string()),
    ("source_row", pa.int32()),
    ("accepted_at", pa.timestamp("us", tz="UTC")),
])
"""``decided_actions.parquet`` (dbt source ``actions.decided_actions``)."""

HISTORY_SCHEMA = pa.schema([
    ("action_id", pa.string()),
    ("organisation_code", pa.string()),
    ("status", pa.string()),
    ("observed_at", pa.timestamp("us", tz="UTC")),
    ("source_file", pa.string()),
])
"""``action_status_history.parquet`` (dbt source ``actions.action_status_history``)."""

REGISTER_FILE = "decided_actions.parquet"
HISTORY_FILE = "action_status_history.parquet"
STATE_FILE = "state.json"


@dataclass
class Fault:
    """One fault of a file: where (sheet, 1-based row, column header and letter) and what."""

    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def where(self, file_name: str) -> str:
        parts = [file_name]
        if self.sheet:
            parts.append(f"blad {self.sheet}")
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {self.column}")
        return ", ".join(parts)


class FileRejected(Exception):
    """A handlingsplan file that is not accepted; ``faults`` says where and why."""

    def __init__(self, file_name: str, faults: list[Fault], total: int | None = None):
        self.file_name = file_name
        self.faults = faults
        self.total = total if total is not None else len(faults)
        super().__init__(self.text())

    def text(self) -> str:
        lines = [f"{self.file_name}: avvisad ({self.total} fel)"]
        lines += [f"  {f.where(self.file_name)}: {f.message}" for f in self.faults]
        if self.total > len(self.faults):
            lines.append(f"  … och {self.total - len(self.faults)} fel till")
        return "\n".join(lines)


def _column_label(column: ActionColumn) -> str:
    position = ACTION_COLUMNS.index(column) + 1
    return f"{column.header} ({get_column_letter(position)})"


@dataclass
class Measurements:
    """What the register checks an action's organisation and year against: the last answer
    submitted per ``(organisation_code, survey_year)`` in the accepted raw respondents
    (None when the export had no submission times)."""

    last_answer: dict[tuple[str, int], dt.datetime | None]

    @classmethod
    def from_warehouse(cls, paths: DataPaths) -> Measurements:
        """Read ``warehouse/raw/<year>/respondents.parquet`` of every accepted year. A
        ``submitted_at`` column of timestamps is reduced to its maximum per organisation and
        year in Arrow first (nulls skipped; null when all are), so that Python sees one row
        per measurement instead of one per respondent; a column of ISO texts (an older raw
        layout) is parsed row by row, an unparsable text counting as no time."""
        last: dict[tuple[str, int], dt.datetime | None] = {}
        for path in sorted((paths.warehouse / "raw").glob("*/respondents.parquet")):
            table = pq.read_table(path, columns=["survey_year", "organisation_code", "submitted_at"])
            if pa.types.is_timestamp(table.schema.field("submitted_at").type):
                table = table.group_by(["organisation_code", "survey_year"]).aggregate(
                    [("submitted_at", "max")]).rename_columns(
                    {"submitted_at_max": "submitted_at"})
            for year, code, submitted in zip(
                table["survey_year"].to_pylist(),
                table["organisation_code"].to_pylist(),
                table["submitted_at"].to_pylist(),
                strict=True,
            ):
                key = (str(code), int(year))
                if isinstance(submitted, str):
                    try:
                        submitted = dt.datetime.fromisoformat(submitted)
                    except ValueError:
                        submitted = None
                before = last.get(key)
                if submitted is not None and (before is None or submitted > before):
                    last[key] = submitted
                else:
                    last.setdefault(key, before)
        return cls(last)


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]
    sheet: str | None


def _normalise_header(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value if value is not None else "")).strip()


def _read_xlsx(path: Path, faults: list[Fault]) -> list[_Row]:
    """Rows of the ``Åtgärder`` sheet as ``{field: raw cell value}``; structural faults
    (sheets, header, merged cells, formulas, error values, cells outside the table) go to
    ``faults``."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(path):
        head = path.read_bytes()[:8]
        kind = ("en krypterad eller äldre Excel-fil (.xls)" if head.startswith(b"\xd0\xcf\x11\xe0")
                else "inte en Excel-arbetsbok (.xlsx)")
        faults.append(Fault(f"filen är {kind}; spara den som Excel-arbetsbok (.xlsx) utan lösenord"))
        return []
    try:
        workbook = openpyxl.load_workbook(path, data_only=False, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        faults.append(Fault(f"arbetsboken kan inte läsas ({type(exc).__name__}: {exc})"))
        return []
    extra = [name for name in workbook.sheetnames if name not in TEMPLATE_SHEETS]
    if extra:
        faults.append(Fault(
            f"arbetsboken har blad som inte finns i mallen: {', '.join(extra)}; "
            f"en handlingsplan har bladen {', '.join(TEMPLATE_SHEETS)}"))
    if ACTIONS_SHEET not in workbook.sheetnames:
        faults.append(Fault(f"bladet {ACTIONS_SHEET} saknas"))
        return []
    sheet = workbook[ACTIONS_SHEET]
    for merged in sheet.merged_cells.ranges:
        faults.append(Fault(f"sammanfogade celler {merged.coord}; dela upp dem (en cell per värde)",
                            row=merged.min_row, sheet=ACTIONS_SHEET))
    wanted = headers()
    found = tuple(_normalise_header(sheet.cell(row=1, column=i + 1).value) for i in range(len(wanted)))
    if found != wanted:
        for i, (want, got) in enumerate(zip(wanted, found, strict=True)):
            if want != got:
                faults.append(Fault(f"rubriken ska vara ”{want}”, är ”{got}”", row=1,
                                    column=get_column_letter(i + 1), sheet=ACTIONS_SHEET))
        return []
    rows: list[_Row] = []
    width = len(ACTION_COLUMNS)
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            if cell.value is None:
                continue
            if cell.data_type == "f":
                faults.append(Fault("cellen innehåller en formel; skriv in värdet i stället",
                                    row=cell.row, column=cell.coordinate, sheet=ACTIONS_SHEET))
            elif cell.data_type == "e":
                faults.append(Fault(f"cellen innehåller felvärdet {cell.value}",
                                    row=cell.row, column=cell.coordinate, sheet=ACTIONS_SHEET))
            elif cell.column > width:
                faults.append(Fault(f"värde utanför tabellen ({cell.coordinate}); tabellen har "
                                    f"kolumnerna A–{get_column_letter(width)}",
                                    row=cell.row, column=cell.coordinate, sheet=ACTIONS_SHEET))
        number = cells[0].row
        if number == 1:
            continue
        values = {c.field: (cells[i].value if i < len(cells) else None)
                  for i, c in enumerate(ACTION_COLUMNS)}
        rows.append(_Row(number, values, ACTIONS_SHEET))
    return rows


def _read_csv(path: Path, faults: list[Fault]) -> list[_Row]:
    """Rows of an action CSV (UTF-8, optional byte-order mark, ``;``) as ``{field: text}``."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        faults.append(Fault(f"filen är inte UTF-8 (byte {exc.start}); spara som ”CSV UTF-8”"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=CSV_DELIMITER)
    records = list(reader)
    if not records:
        faults.append(Fault("filen är tom"))
        return []
    found = tuple(_normalise_header(v) for v in records[0])
    if found != headers():
        faults.append(Fault(
            f"rubrikraden ska vara {CSV_DELIMITER.join(headers())} (avgränsare {CSV_DELIMITER}), "
            f"är {CSV_DELIMITER.join(found)}", row=1))
        return []
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if len(record) != len(ACTION_COLUMNS):
            faults.append(Fault(f"raden har {len(record)} fält, rubriken {len(ACTION_COLUMNS)}",
                                row=number))
            continue
        rows.append(_Row(number, {c.field: v for c, v in zip(ACTION_COLUMNS, record, strict=True)},
                         None))
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(value: Any, column: ActionColumn, fault) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        fault(f"ett datum där text väntas ({value:%Y-%m-%d})")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        fault(f"oväntat värde {value!r}")
        return None
    text = unicodedata.normalize("NFC", str(value)).strip() if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES) or str(value).startswith(FORMULA_PREFIXES):
        fault(f"texten börjar med {text[:1]!r} och kan tolkas som en formel i Excel "
              f"(”{text[:30]}”); ta bort tecknet")
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n" for ch in text):
        fault("texten innehåller styrtecken")
        return None
    if len(text) > MAX_TEXT_LENGTH:
        fault(f"texten är {len(text)} tecken lång; högst {MAX_TEXT_LENGTH}")
        return None
    if not column.prefilled and (EMAIL.search(text) or PHONE.search(text)):
        fault("texten innehåller en e-postadress eller ett telefonnummer; personuppgifter hör "
              "inte hemma i handlingsplanen (ange roll eller enhet)")
        return None
    return text


def _date(value: Any, fault) -> dt.date | None:
    """An Excel date cell (without time of day) or ISO 8601 text ``ÅÅÅÅ-MM-DD``."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            fault(f"datumet har en tid ({value:%Y-%m-%d %H:%M}); ange bara datum")
            return None
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        fault(f"ett tal ({value}), inte ett datum; skriv datumet som ÅÅÅÅ-MM-DD")
        return None
    text = str(value).strip()
    if not ISO_DATE.fullmatch(text):
        fault(f"”{text}” är inte ett datum på formen ÅÅÅÅ-MM-DD")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fault(f"”{text}” är inget giltigt datum")
        return None


def _validate_rows(rows: list[_Row], vocab: Vocabulary, measurements: Measurements,
                   today: dt.date, faults: list[Fault]) -> list[dict[str, Any]]:
    """The used rows as register records; every fault of every cell goes to ``faults``."""
    records = []
    seen_ids: dict[str, int] = {}
    for row in rows:
        user_cells = [row.cells[c.field] for c in ACTION_COLUMNS if not c.prefilled]
        if all(_blank(v) for v in user_cells):
            continue  # an unused row of the template
        record: dict[str, Any] = {"category_code": None, "factor_code": None}
        for column in ACTION_COLUMNS:
            value = row.cells[column.field]

            def fault(message, column=column, row=row):
                faults.append(Fault(message, row=row.number, column=_column_label(column),
                                    sheet=row.sheet))

            if _blank(value):
                if column.required:
                    fault("värde saknas")
                record[column.field] = None
                continue
            if column.kind == "date":
                record[column.field] = _date(value, fault)
            elif column.kind == "year":
                text = str(value).strip() if not isinstance(value, float) else (
                    str(int(value)) if value.is_integer() else str(value))
                if not YEAR.fullmatch(text):
                    fault(f"”{text}” är inte ett årtal")
                    record[column.field] = None
                else:
                    record[column.field] = int(text)
            elif column.kind == "code":
                if not isinstance(value, str):
                    fault(f"koden {value!r} är ett tal; skriv den som text med fyra siffror "
                          "(t.ex. 0604), annars försvinner inledande nollor")
                    record[column.field] = None
                    continue
                text = value.strip()
                if not CODE.fullmatch(text) or text not in vocab.organisations:
                    fault(f"okänd organisation ”{text}”")
                    record[column.field] = None
                else:
                    record[column.field] = text
            else:
                text = _text(value, column, fault)
                record[column.field] = text
                if text is None:
                    continue
                if column.kind == "category":
                    code = vocab.category_code(text)
                    if code is None:
                        fault(f"okänd kategori ”{text}”; tillåtna: "
                              + ", ".join(name for _, name in vocab.categories))
                    record["category_code"] = code
                elif column.kind == "factor":
                    found = vocab.factor(text)
                    if found is None:
                        fault(f"okänd faktor ”{text}”")
                        record["factor_code"] = None
                    else:
                        record["factor_code"], record["_factor_category"] = found
                elif column.kind == "status":
                    status = text.casefold()
                    if status not in vocab.statuses:
                        fault(f"okänd status ”{text}”; tillåtna: {', '.join(vocab.statuses)}")
                        status = None
                    record["status"] = status
        _check_record(record, row, vocab, measurements, today, faults, seen_ids)
        record["source_row"] = row.number
        for helper in ("_factor_category", "category", "factor"):
            record.pop(helper, None)
        records.append(record)
    return records


def _check_record(record: dict[str, Any], row: _Row, vocab: Vocabulary,
                  measurements: Measurements, today: dt.date, faults: list[Fault],
                  seen_ids: dict[str, int]) -> None:
    """Rules between the cells of one row: the factor belongs to the category, the
    organisation was measured that year, the decision follows the measurement and is not in
    the future, the due date is not before the decision, the id has the template's form
    (``columns.ACTION_ID``) with the row's organisation code and is unique in the file."""
    by_field = {c.field: c for c in ACTION_COLUMNS}

    def fault(message, field):
        faults.append(Fault(message, row=row.number, column=_column_label(by_field[field]),
                            sheet=row.sheet))

    action_id = record.get("action_id")
    code, year, decided = record.get("organisation_code"), record.get("survey_year"), record.get("decided_on")
    if action_id:
        form = ACTION_ID.fullmatch(action_id)
        if form is None:
            example = f" (t.ex. {code}-{year}-01)" if code and year else ""
            fault(f"id:t ”{action_id}” har inte mallens form organisationskod-år-nummer"
                  f"{example}; låt id:t stå som i mallen", "action_id")
        elif code and form["code"] != code:
            fault(f"id:t {action_id} hör till organisationen {form['code']}, inte till {code}",
                  "action_id")
        if action_id in seen_ids:
            fault(f"id:t {action_id} finns redan på rad {seen_ids[action_id]}", "action_id")
        seen_ids.setdefault(action_id, row.number)
    if record.get("_factor_category") and record.get("category_code") \
            and record["_factor_category"] != record["category_code"]:
        fault("faktorn hör inte till den valda kategorin", "factor")
    if code and year:
        key = (code, year)
        if key not in measurements.last_answer:
            fault(f"{vocab.organisations.get(code, code)} har ingen inläst mätning {year}", "survey_year")
        elif decided:
            last = measurements.last_answer[key]
            measured = last.date() if last is not None else dt.date(year, 1, 1)
            if decided < measured:
                fault(f"beslutet ({decided:%Y-%m-%d}) är daterat före mätningen {year} som det "
                      f"svarar på (senaste svar {measured:%Y-%m-%d})"
                      if last is not None else
                      f"beslutet ({decided:%Y-%m-%d}) är daterat före mätåret {year}", "decided_on")
    if decided and decided > today:
        fault(f"beslutsdatumet {decided:%Y-%m-%d} ligger i framtiden", "decided_on")
    due = record.get("due_date")
    if due and decided and due < decided:
        fault(f"klart senast ({due:%Y-%m-%d}) ligger före beslutet ({decided:%Y-%m-%d})", "due_date")


def read_action_file(path: Path, vocab: Vocabulary, measurements: Measurements,
                     today: dt.date | None = None) -> list[dict[str, Any]]:
    """Read and validate one handlingsplan file.

    Returns the used rows as register records (fields of ``ACTION_COLUMNS`` with
    ``category`` as ``category_code``, ``factor`` as ``factor_code``, plus ``source_row``).
    Raises ``FileRejected`` listing every fault (file, sheet, row, column) when anything is
    wrong: the file is accepted whole or not at all."""
    today = today or dt.date.today()
    faults: list[Fault] = []
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _read_xlsx(path, faults)
    elif suffix == ".csv":
        rows = _read_csv(path, faults)
    else:
        raise FileRejected(path.name, [Fault(
            f"okänd filtyp ”{path.suffix}”; lägg in handlingsplanen som .xlsx (mallen) eller .csv")])
    records = _validate_rows(rows, vocab, measurements, today, faults) if rows else []
    if not faults and not records:
        faults.append(Fault("filen innehåller inga åtgärder"))
    if faults:
        raise FileRejected(path.name, faults[:MAX_ERRORS_PER_FILE], total=len(faults))
    return records


def is_ignored(path: Path) -> bool:
    """Lock files of open workbooks and hidden files are not handlingsplaner."""
    return path.name.startswith((".", "~$")) or not path.is_file()


@dataclass
class RegisterLoad:
    """The outcome of one load of the action register."""

    accepted: list[str] = field(default_factory=list)
    kept_previous: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    quarantined: dict[str, str] = field(default_factory=dict)
    actions: int = 0
    status_changes: int = 0

    def summary(self) -> str:
        files = len(self.accepted) + len(self.kept_previous)
        lines = [f"Åtgärdsregistret: {self.actions} "
                 f"{'åtgärd' if self.actions == 1 else 'åtgärder'} från {files} "
                 f"{'fil' if files == 1 else 'filer'}"
                 f" ({self.status_changes} nya eller ändrade statusar)."]
        for name in self.kept_previous:
            lines.append(f"  {name}: den tidigare godkända versionen gäller fortfarande")
        for name, reason in self.rejected.items():
            lines.append(reason)
            if name in self.quarantined:
                lines.append(f"  (kopierad till {self.quarantined[name]})")
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_parquet(table: pa.Table, path: Path) -> None:
    """Write atomically: a reader never sees a half-written file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def ensure_register(paths: DataPaths) -> Path:
    """Create an empty register (both Parquet files) when none exists, so dbt's ``actions``
    sources always have a file to read; returns ``warehouse/actions``."""
    folder = paths.warehouse / "actions"
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in ((REGISTER_FILE, REGISTER_SCHEMA), (HISTORY_FILE, HISTORY_SCHEMA)):
        if not (folder / name).exists():
            _write_parquet(schema.empty_table(), folder / name)
    return folder


def _quarantine(path: Path, root: Path, reason: str, stamp: str) -> Path:
    target = root / "actions" / stamp
    n = 2
    while target.exists():
        target = root / "actions" / f"{stamp}-{n}"
        n += 1
    target.mkdir(parents=True)
    shutil.copy2(path, target / path.name)
    (target / "reason.txt").write_text(
        f"Avvisad handlingsplan: {path.name}\nsha256 {_sha256(path)}\n"
        f"Karantänsatt (UTC): {stamp}\n\n{reason}\n\n"
        "Rätta filen i mappen actions/ och läs in igen. Den version av filen som godkändes "
        "tidigare (om någon) gäller tills vidare.\n",
        encoding="utf-8",
    )
    return target


def load_register(paths: DataPaths, *, now: dt.datetime | None = None,
                  vocab: Vocabulary | None = None) -> RegisterLoad:
    """Read every file in ``actions/``, validate it, and rewrite the register.

    A file is in force in its newest accepted version: the current one when it validates,
    else the version accepted at an earlier load (the rejection is reported and the file
    quarantined once per content). An action id used by two files rejects the later file
    (by name). A file removed from ``actions/`` takes its actions out of the register; the
    status history keeps them. The accepted respondents an action is checked against
    (:class:`Measurements`) are read only when a file is validated: a load that finds no
    file, or only files in force unchanged, reads none of them. Returns what happened."""
    now = now or dt.datetime.now(dt.UTC)
    vocab = vocab or vocabulary()
    folder = ensure_register(paths)
    accepted_dir = folder / "accepted"
    accepted_dir.mkdir(exist_ok=True)
    state_path = folder / STATE_FILE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    in_force: dict[str, dict] = state.get("files", {})
    quarantined_hashes: set[str] = set(state.get("quarantined", []))
    measurements: Measurements | None = None  # read when a file is first validated
    inbox = paths.root / "actions"
    outcome = RegisterLoad()
    files = sorted(p for p in inbox.iterdir() if not is_ignored(p)) if inbox.is_dir() else []
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    new_state: dict[str, dict] = {}
    rows_by_file: dict[str, list[dict]] = {}
    ids_in_force: dict[str, str] = {}

    def previous(name: str) -> list[dict] | None:
        entry = in_force.get(name)
        if not entry:
            return None
        new_state[name] = entry
        return pq.read_table(accepted_dir / f"{entry['sha256']}.parquet").to_pylist()

    for path in files:
        sha = _sha256(path)
        try:
            entry = in_force.get(path.name)
            if entry and entry["sha256"] == sha:
                records = pq.read_table(accepted_dir / f"{sha}.parquet").to_pylist()
            else:
                if measurements is None:
                    measurements = Measurements.from_warehouse(paths)
                records = read_action_file(path, vocab, measurements, today=now.date())
                for record in records:
                    record.update(source_file=path.name, source_sha256=sha, accepted_at=now)
            clashes = [(r["source_row"], r["action_id"]) for r in records
                       if r["action_id"] in ids_in_force]
            if clashes:
                raise FileRejected(path.name, [
                    Fault(f"id:t {action_id} används redan i {ids_in_force[action_id]}",
                          row=row, column="Åtgärds-id (A)")
                    for row, action_id in clashes[:MAX_ERRORS_PER_FILE]], total=len(clashes))
        except FileRejected as rejected:
            outcome.rejected[path.name] = rejected.text()
            if sha not in quarantined_hashes:
                outcome.quarantined[path.name] = str(
                    _quarantine(path, paths.quarantine, rejected.text(), stamp))
                quarantined_hashes.add(sha)
            kept = previous(path.name)
            if kept is not None and not any(r["action_id"] in ids_in_force for r in kept):
                rows_by_file[path.name] = kept
                outcome.kept_previous.append(path.name)
                ids_in_force.update({r["action_id"]: path.name for r in kept})
            else:
                new_state.pop(path.name, None)
            continue
        if not (accepted_dir / f"{sha}.parquet").exists():
            _write_parquet(pa.Table.from_pylist(records, schema=REGISTER_SCHEMA),
                           accepted_dir / f"{sha}.parquet")
        new_state[path.name] = {"sha256": sha, "accepted_at": (
            entry["accepted_at"] if entry and entry["sha256"] == sha else now.isoformat())}
        rows_by_file[path.name] = records
        outcome.accepted.append(path.name)
        ids_in_force.update({r["action_id"]: path.name for r in records})

    register = [r for name in sorted(rows_by_file) for r in rows_by_file[name]]
    outcome.actions = len(register)
    history = pq.read_table(folder / HISTORY_FILE).to_pylist()
    last_status: dict[str, str] = {}
    for row in sorted(history, key=lambda r: r["observed_at"]):
        last_status[row["action_id"]] = row["status"]
    for record in register:
        if last_status.get(record["action_id"]) != record["status"]:
            history.append({"action_id": record["action_id"],
                            "organisation_code": record["organisation_code"],
                            "status": record["status"], "observed_at": now,
                            "source_file": record["source_file"]})
            outcome.status_changes += 1
    _write_parquet(pa.Table.from_pylist(register, schema=REGISTER_SCHEMA), folder / REGISTER_FILE)
    _write_parquet(pa.Table.from_pylist(history, schema=HISTORY_SCHEMA), folder / HISTORY_FILE)
    tmp = state_path.with_name(f".{STATE_FILE}.{uuid.uuid4().hex[:8]}")
    tmp.write_text(json.dumps({
        "files": new_state,
        "quarantined": sorted(quarantined_hashes),
        "last_load": {"at": now.isoformat(), "accepted": outcome.accepted,
                      "kept_previous": outcome.kept_previous, "rejected": outcome.rejected,
                      "actions": outcome.actions, "status_changes": outcome.status_changes},
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, state_path)
    return outcome


def last_load_rejected(paths: DataPaths) -> list[str]:
    """Names of the files the last register load rejected (``warehouse/actions/state.json``);
    empty when it rejected none or the register was never loaded."""
    state_path = paths.warehouse / "actions" / STATE_FILE
    if not state_path.exists():
        return []
    last = json.loads(state_path.read_text(encoding="utf-8")).get("last_load", {})
    return sorted(last.get("rejected", {}))


def last_load_summary(paths: DataPaths) -> str:
    """The last load's outcome as the Swedish text ``RegisterLoad.summary`` gives, read from
    ``warehouse/actions/state.json``; says so when the register has never been loaded."""
    state_path = paths.warehouse / "actions" / STATE_FILE
    if not state_path.exists():
        return "Åtgärdsregistret har inte lästs in."
    last = json.loads(state_path.read_text(encoding="utf-8")).get("last_load", {})
    return RegisterLoad(accepted=last.get("accepted", []), kept_previous=last.get("kept_previous", []),
                        rejected=last.get("rejected", {}), actions=last.get("actions", 0),
                        status_changes=last.get("status_changes", 0)).summary()
