"""Strict readers for export files: CSV (stdlib ``csv`` with the profile's dialect, never
sniffed) and XLSX (openpyxl, merged ranges filled over the header rows).

Both return a :class:`RawSheet`: flattened header names and data rows of cells, where a cell
is ``str`` (the text exactly as exported; nothing is turned into "missing") or ``datetime``
(XLSX date cells). Rules: input-faults.md §1–§6 and §11.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ExportFormatError, cap_list, row_list
from .profiles import FileSpec

Cell = str | dt.datetime

# --- broken-file detection -------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_PDF = b"%PDF"
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html|<head|<body)", re.I)


def check_file_kind(path: Path, expected: str) -> bytes:
    """Read ``path`` and verify its magic bytes fit ``expected`` (``csv`` or ``xlsx``).

    Returns the file's bytes.

    Raises:
        ExportFormatError: empty file; PDF, HTML, ZIP-that-is-not-a-workbook, OLE2 (an
        encrypted or legacy .xls workbook) or a text file where the other kind was expected.
    """
    data = Path(path).read_bytes()
    name = Path(path).name
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ExportFormatError(
            f"{name} is empty ({len(data)} bytes); ask for the export again.",
            {"file": name, "kind": "empty_file", "bytes": len(data)},
        )
    if head.startswith(_PDF):
        raise ExportFormatError(
            f"{name} is a PDF document, not a {expected.upper()} export; ask for the data "
            "export instead of the printed report.",
            {"file": name, "kind": "pdf"},
        )
    if _HTML.match(head):
        raise ExportFormatError(
            f"{name} is an HTML page (probably a login or error page saved from the survey "
            f"tool), not a {expected.upper()} export; download the export again.",
            {"file": name, "kind": "html"},
        )
    if data.startswith(_OLE2):
        raise ExportFormatError(
            f"{name} is an OLE2 compound file: an encrypted (password-protected) workbook or "
            "an old .xls file; save it unencrypted as .xlsx (Excel 2007+) and deliver again.",
            {"file": name, "kind": "encrypted_or_xls"},
        )
    if expected == "xlsx":
        if not data.startswith(_ZIP):
            raise ExportFormatError(
                f"{name} is not an XLSX workbook (it does not start with the ZIP signature); "
                "it looks like a text file, check the export profile's file type.",
                {"file": name, "kind": "not_zip"},
            )
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise ExportFormatError(
                f"{name} is a damaged ZIP/XLSX file ({exc}); the file was probably cut off "
                "during transfer, deliver it again.",
                {"file": name, "kind": "bad_zip"},
            ) from exc
        if "xl/workbook.xml" not in names:
            raise ExportFormatError(
                f"{name} is a ZIP archive but not an XLSX workbook (no xl/workbook.xml; "
                f"contains {cap_list(sorted(names), 5)}); unpack it or deliver the workbook.",
                {"file": name, "kind": "zip_not_xlsx"},
            )
    elif data.startswith(_ZIP):
        raise ExportFormatError(
            f"{name} is a ZIP archive or XLSX workbook, not a CSV text file; check the "
            "export profile's file type or unpack the archive.",
            {"file": name, "kind": "zip_as_csv"},
        )
    return data


# --- text checks --------------------------------------------------------------------------

# A UTF-8 lead byte seen through cp1252/latin-1, followed by continuation bytes seen the same
# way. Every candidate is confirmed by re-encoding and decoding as UTF-8 (so "ä–" in real
# text is not flagged, "Ã¶" is).
_CONT = "".join(
    sorted({bytes([b]).decode("latin-1") for b in range(0x80, 0xC0)}
           | {bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0)})
)
_CONT_CLASS = "[" + re.escape(_CONT) + "]"
_MOJIBAKE = re.compile(
    "(?:[\u00c2-\u00df]" + _CONT_CLASS + "|[\u00e0-\u00ef]" + _CONT_CLASS + "{2}"
    "|[\u00f0-\u00f4]" + _CONT_CLASS + "{3}|\u00ef\u00bb\u00bf)"
)
_C1 = re.compile("[\u0080-\u009f\u0000]")


def _is_mojibake(fragment: str) -> bool:
    for enc in ("cp1252", "latin-1"):
        try:
            fragment.encode(enc).decode("utf-8")
            return True
        except UnicodeError:
            continue
    return False


def find_text_faults(text: str) -> tuple[list[str], list[str]]:
    """Return (double-decoded fragments, C1/NUL control characters as ``U+0096``) in ``text``."""
    moj = [m.group(0) for m in _MOJIBAKE.finditer(text) if _is_mojibake(m.group(0))]
    c1 = [f"U+{ord(m.group(0)):04X}" for m in _C1.finditer(text)]
    return moj, c1


def _raise_text_faults(name: str, located: list[tuple[int, str]], encoding: str,
                       unit: str) -> None:
    """``located``: (line or sheet-row number, text); ``unit`` names the number (``line``,
    ``sheet row``). Raise on double-decoding or C1 controls."""
    moj_rows: dict[str, list[int]] = {}
    c1_rows: dict[str, list[int]] = {}
    for where, text in located:
        moj, c1 = find_text_faults(text)
        for frag in moj:
            moj_rows.setdefault(frag, []).append(where)
        for ch in c1:
            c1_rows.setdefault(ch, []).append(where)
    if moj_rows:
        rows = sorted({r for rs in moj_rows.values() for r in rs})
        raise ExportFormatError(
            f"{name} contains text that looks double-decoded (UTF-8 read as Windows-1252/"
            f"Latin-1): {cap_list(repr(k) for k in moj_rows)} on {row_list(rows, word=unit)}; "
            f"the file was decoded as {encoding} - fix the export or the profile's encoding.",
            {"file": name, "kind": "double_decoded", "fragments": sorted(moj_rows),
             "rows": rows, "unit": unit},
        )
    if c1_rows:
        rows = sorted({r for rs in c1_rows.values() for r in rs})
        raise ExportFormatError(
            f"{name} contains control characters {cap_list(sorted(c1_rows))} on "
            f"{row_list(rows, word=unit)}: typical of Windows-1252 text decoded as Latin-1 (or a "
            f"corrupted file); the profile's encoding is {encoding}.",
            {"file": name, "kind": "control_characters", "characters": sorted(c1_rows),
             "rows": rows, "unit": unit},
        )


# --- shared shape rules -----------------------------------------------------------------------


@dataclass
class RawSheet:
    """One export file read as text.

    Attributes:
        file_name: name in the landing folder.
        headers: flattened header names (``question | item`` for two-row headers), as
            exported (BOM removed), one per column.
        rows: ``(source_row, cells)``; ``source_row`` is the 1-based data row (1 = first
            row below the header; wholly empty rows keep their number but are not listed).
        encoding: the encoding the text was decoded with (``xlsx`` for workbooks).
        notes: facts worth reporting (rows skipped, empty trailing columns dropped).
    """

    file_name: str
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    encoding: str
    notes: list[str] = field(default_factory=list)
    empty_rows_skipped: int = 0


def _empty(cell: Cell | None) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _row_empty(rec: list[Cell]) -> bool:
    """Every cell of ``rec`` is :func:`_empty`. Text rows are checked with one join (the
    concatenation is whitespace only exactly when every cell is); rows holding other cells
    (XLSX dates, None) cell by cell."""
    try:
        return not "".join(rec).strip()
    except TypeError:
        return all(_empty(c) for c in rec)


def _shape(name: str, header: list[Cell], records: list[list[Cell]],
           truncation_hint: bool) -> tuple[list[str], list[tuple[int, list[Cell]]], list[str], int]:
    """Apply the row-shape rule (input-faults §4) to a header and data records.

    Every row must have the header's field count. Fields beyond the header that are empty in
    every row are dropped; header columns without a name that are empty in every row are
    dropped when trailing. Wholly empty rows are skipped and counted.
    """
    notes: list[str] = []
    headers = ["" if _empty(h) else str(h) for h in header]
    if not any(headers):
        raise ExportFormatError(
            f"{name}: the header row is empty; if the export has lines above the header, set "
            "file.skip_rows_above in the profile.",
            {"file": name, "kind": "empty_header"},
        )
    n = len(headers)
    n_named = n
    while n_named and headers[n_named - 1] == "":
        n_named -= 1
    kept: list[tuple[int, list[Cell]]] = []
    skipped = 0
    short: list[int] = []
    long_with_values: list[int] = []
    long_empty = 0
    padded = 0
    empty_rows = [_row_empty(rec) for rec in records]
    for i, rec in enumerate(records, start=1):
        if empty_rows[i - 1]:
            skipped += 1
            continue
        if n_named <= len(rec) < n:
            # only unnamed trailing header columns are absent: they are empty in this row
            rec = list(rec) + [""] * (n - len(rec))
            padded += 1
        if len(rec) < n:
            short.append(i)
            continue
        if len(rec) > n:
            if any(not _empty(c) for c in rec[n:]):
                long_with_values.append(i)
                continue
            long_empty += 1
            rec = rec[:n]
        kept.append((i, list(rec)))
    last_data = max((i for i, empty in enumerate(empty_rows, start=1) if not empty),
                    default=0)
    if short:
        if truncation_hint and short == [last_data]:
            raise ExportFormatError(
                f"{name} appears truncated: its last data row ({last_data}) has fewer fields "
                f"than the header's {n}; deliver the complete file.",
                {"file": name, "kind": "truncated", "rows": short},
            )
        raise ExportFormatError(
            f"{name} has rows with fewer fields than the header's {n} on {row_list(short)} "
            "(data row 1 = first row below the header); fix the delimiter/quoting or the "
            "export.",
            {"file": name, "kind": "short_rows", "rows": short},
        )
    if long_with_values:
        raise ExportFormatError(
            f"{name} has values beyond the header's {n} columns on {row_list(long_with_values)}"
            " (data row 1 = first row below the header); the rows are shifted, fix the export.",
            {"file": name, "kind": "extra_fields", "rows": long_with_values},
        )
    if padded:
        notes.append(f"{name}: {padded} rows end before the header's unnamed trailing "
                     "columns")
    if long_empty:
        notes.append(f"{name}: dropped an empty trailing field beyond the header in "
                     f"{long_empty} rows")
    # unnamed header columns
    while headers and headers[-1] == "":
        col = len(headers) - 1
        with_values = [i for i, rec in kept if not _empty(rec[col])]
        if with_values:
            raise ExportFormatError(
                f"{name} column {col + 1} has no header name but values on "
                f"{row_list(with_values)}; name the column or remove the values.",
                {"file": name, "kind": "unnamed_column", "column": col + 1,
                 "rows": with_values},
            )
        headers.pop()
        kept = [(i, rec[:col]) for i, rec in kept]
        notes.append(f"{name}: dropped empty trailing column {col + 1} without a header")
    unnamed = [i + 1 for i, h in enumerate(headers) if h.strip() == ""]
    if unnamed:
        raise ExportFormatError(
            f"{name} has columns without a header name at positions {cap_list(unnamed)}; "
            "every column must be named.",
            {"file": name, "kind": "unnamed_column", "columns": unnamed},
        )
    if not kept:
        raise ExportFormatError(
            f"{name} has a header but no data rows; the export is empty.",
            {"file": name, "kind": "header_only"},
        )
    if skipped:
        notes.append(f"{name}: skipped {skipped} wholly empty rows")
    return headers, kept, notes, skipped


def _flatten(top: list[Cell], bottom: list[Cell], join: str) -> list[Cell]:
    out: list[Cell] = []
    width = max(len(top), len(bottom))
    for i in range(width):
        t = "" if i >= len(top) or _empty(top[i]) else str(top[i]).strip()
        b = "" if i >= len(bottom) or _empty(bottom[i]) else str(bottom[i]).strip()
        out.append(f"{t}{join}{b}" if t and b else (t or b))
    return out


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(path: Path, spec: FileSpec) -> RawSheet:
    """Read a CSV export strictly with the profile's encoding and dialect.

    Raises:
        ExportFormatError: broken file (see :func:`check_file_kind`), bytes invalid in the
        encoding, double-decoded text or C1 controls, malformed quoting / truncated file,
        header only, rows whose field count differs from the header.
    """
    path = Path(path)
    name = path.name
    data = check_file_kind(path, "csv")
    utf8 = spec.encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and "16" not in spec.encoding:
        raise ExportFormatError(
            f"{name} is UTF-16 text (Excel's 'Unicode text' export) but the profile encoding is "
            f"{spec.encoding}; export as CSV (UTF-8) or use a profile with encoding utf-16.",
            {"file": name, "kind": "utf16_vs_encoding", "encoding": spec.encoding},
        )
    if data.startswith(b"\xef\xbb\xbf") and not utf8:
        raise ExportFormatError(
            f"{name} starts with a UTF-8 byte-order mark but profile encoding is "
            f"{spec.encoding}; the file is UTF-8 - use or add a profile with encoding utf-8.",
            {"file": name, "kind": "bom_vs_encoding", "encoding": spec.encoding},
        )
    try:
        text = data.decode(spec.encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        if utf8:
            hint = " (the bytes look like Windows-1252/Latin-1: set encoding: cp1252?)"
        raise ExportFormatError(
            f"{name} is not valid {spec.encoding}: byte {data[exc.start:exc.start + 1]!r} at "
            f"offset {exc.start} (line {line}) cannot be decoded{hint}; fix the profile's "
            "encoding or the export.",
            {"file": name, "kind": "decode_error", "offset": exc.start, "line": line,
             "encoding": spec.encoding},
        ) from exc
    notes = []
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.append(f"{name}: byte-order mark removed from the first header")
    if _MOJIBAKE.search(text) or _C1.search(text):  # else no line can hold a fault
        lines = text.split("\n")  # not splitlines(): it would swallow U+0085 and U+001C-1E
        _raise_text_faults(name, list(enumerate(lines, start=1)), spec.encoding, "line")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter,
                            quotechar=spec.quotechar, strict=True, doublequote=True)
        records = [row for row in reader]
    except csv.Error as exc:
        where = reader.line_num
        raise ExportFormatError(
            f"{name} is malformed CSV near line {where} ({exc}); an unclosed quote usually "
            "means the file was cut off or a quote character is not escaped - deliver the "
            "complete file or fix the quoting.",
            {"file": name, "kind": "malformed_csv", "line": where},
        ) from exc
    records = records[spec.skip_rows_above:]
    if spec.skip_rows_below:
        while records and all(_empty(c) for c in records[-1]):
            records.pop()
        records = records[: max(0, len(records) - spec.skip_rows_below)]
    if len(records) < spec.header_rows:
        raise ExportFormatError(f"{name} has no header row.", {"file": name,
                                                               "kind": "empty_file"})
    if spec.header_rows == 2:
        header = _flatten(records[0], records[1], spec.header_join)
    else:
        header = list(records[0])
    headers, rows, more, skipped = _shape(name, header, records[spec.header_rows:], True)
    sheet = RawSheet(name, headers, rows, spec.encoding, notes + more, skipped)
    return sheet


# --- XLSX --------------------------------------------------------------------------------------


def _cell_value(v: object) -> Cell:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _stream_sheet(wb, ws) -> tuple[list[list[Cell]], list]:
    """The sheet's cells as a grid of :func:`_cell_value` values and its merged ranges
    (openpyxl ``CellRange`` objects), read in one streaming pass.

    openpyxl's read-only worksheets do not expose merged ranges, and a normal (non
    read-only) load keeps a Cell object per cell: at national scale (about 4 million
    cells) that alone takes gigabytes (issue 3 §8). So the sheet part is parsed here with
    openpyxl's own worksheet parser (``WorkSheetParser``, the one both load modes use;
    pinned openpyxl 3.1), keeping only the values; the merged ranges are read by the same
    pass. The grid equals what a normal load gives with ``iter_rows(values_only=True)``:
    rows 1..last row, columns 1..last column, counting every cell element and merged
    range; cells of a merged range other than its top-left are empty.
    """
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.worksheet.cell_range import CellRange

    rows: list[list[Cell]] = []
    max_col = 0
    # openpyxl gives every text cell its own str object (about 90 bytes each: 400 MB for a
    # national sheet); equal texts - the answer labels above all - share one object here
    canonical: dict[str, str] = {}
    with ws._get_source() as src:  # noqa: SLF001 - the sheet part of the workbook zip
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True,  # noqa: SLF001
                                 epoch=wb.epoch, date_formats=wb._date_formats,  # noqa: SLF001
                                 timedelta_formats=wb._timedelta_formats)  # noqa: SLF001
        for row_number, cells in parser.parse():
            if not cells:
                continue
            while len(rows) < row_number:
                rows.append([])
            width = cells[-1]["column"]
            for cell in cells:
                width = max(width, cell["column"])
            values: list[Cell] = [""] * width
            for cell in cells:
                value = _cell_value(cell["value"])
                if type(value) is str:
                    value = canonical.setdefault(value, value)
                values[cell["column"] - 1] = value
            rows[row_number - 1] = values
            max_col = max(max_col, width)
        merged = ([CellRange(m.ref) for m in parser.merged_cells.mergeCell]
                  if parser.merged_cells is not None else [])
    for rng in merged:
        max_col = max(max_col, rng.max_col)
        while len(rows) < rng.max_row:
            rows.append([])
    for values in rows:
        if len(values) < max_col:
            values.extend([""] * (max_col - len(values)))
    for rng in merged:  # a normal load empties all but the top-left cell of a range
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    rows[r - 1][c - 1] = ""
    return rows, merged


def read_xlsx(path: Path, spec: FileSpec) -> RawSheet:
    """Read one sheet of an XLSX export; merged ranges in the header rows are filled with
    their top-left value before ``question | item`` flattening (input-faults §6).

    Numbers become text (``4``, ``4.5``); date cells stay ``datetime``; formulas give their
    cached values.

    Raises:
        ExportFormatError: broken file, missing sheet (names the sheets found), merged cells
        in data rows, double-decoded text, header only, unnamed columns with values.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    name = path.name
    check_file_kind(path, "xlsx")
    def unreadable(exc: Exception) -> ExportFormatError:
        return ExportFormatError(
            f"{name} cannot be opened as an XLSX workbook ({type(exc).__name__}: {exc}); "
            "open and re-save it in Excel or deliver it again.",
            {"file": name, "kind": "bad_xlsx"},
        )

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise unreadable(exc) from exc
    try:
        if spec.sheet is not None:
            if spec.sheet not in wb.sheetnames:
                raise ExportFormatError(
                    f"{name} has no sheet {spec.sheet!r}; sheets found: "
                    f"{cap_list(wb.sheetnames)}.",
                    {"file": name, "kind": "missing_sheet", "sheets": wb.sheetnames},
                )
            ws = wb[spec.sheet]
        elif len(wb.sheetnames) == 1:
            ws = wb[wb.sheetnames[0]]
        else:
            raise ExportFormatError(
                f"{name} has several sheets ({cap_list(wb.sheetnames)}) and the profile names "
                "none; set file.sheet in the profile.",
                {"file": name, "kind": "missing_sheet", "sheets": wb.sheetnames},
            )
        try:
            grid, merged = _stream_sheet(wb, ws)
        except ExportFormatError:
            raise
        except Exception as exc:  # a damaged sheet part: lxml, zip or value errors
            raise unreadable(exc) from exc
        first_header = spec.skip_rows_above + 1  # 1-based sheet row
        last_header = spec.skip_rows_above + spec.header_rows
        for rng in merged:
            if rng.max_row < first_header:
                continue
            if rng.min_row > last_header or rng.max_row > last_header:
                raise ExportFormatError(
                    f"{name} sheet {ws.title!r} has merged cells {rng.coord} below the header "
                    "rows; unmerge them so every data cell holds its own value.",
                    {"file": name, "kind": "merged_data_cells", "range": rng.coord},
                )
            top_left = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(max(rng.min_row, first_header), rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    grid[r - 1][c - 1] = top_left
    finally:
        wb.close()
    # each distinct text is scanned once; only cells holding a suspect text are located
    suspect = {c for c in {c for row in grid for c in row if isinstance(c, str)}
               if _MOJIBAKE.search(c) or _C1.search(c)}
    if suspect:
        located = [(r, c) for r, row in enumerate(grid, start=1) for c in row
                   if isinstance(c, str) and c in suspect]
        _raise_text_faults(name, located, "xlsx", "sheet row")
    records = grid[spec.skip_rows_above:]
    if spec.skip_rows_below:
        while records and all(_empty(c) for c in records[-1]):
            records.pop()
        records = records[: max(0, len(records) - spec.skip_rows_below)]
    if len(records) < spec.header_rows or all(_empty(c) for r in records[: spec.header_rows]
                                              for c in r):
        raise ExportFormatError(f"{name} sheet {ws.title!r} is empty (no header row).",
                                {"file": name, "kind": "empty_file"})
    if spec.header_rows == 2:
        header = _flatten(records[0], records[1], spec.header_join)
    else:
        header = list(records[0])
    headers, rows, notes, skipped = _shape(name, header, records[spec.header_rows:], False)
    return RawSheet(name, headers, rows, "xlsx", notes, skipped)


def read_export(path: Path, spec: FileSpec) -> RawSheet:
    """Read one export file as the profile's ``file.type`` says."""
    return read_csv(path, spec) if spec.type == "csv" else read_xlsx(path, spec)
