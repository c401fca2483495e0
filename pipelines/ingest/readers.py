"""Strict readers for export files: CSV (stdlib ``csv`` with the profile's dialect, never
sniffed) and XLSX (python-calamine, merged ranges filled over the header rows).

Both return a :class:`RawSheet`: flattened header names and data rows of cells, where a cell
is ``str`` (the text exactly as exported; nothing is turned into "missing") or ``datetime``
(XLSX date cells). Rules: input-faults.md §1–§6 and §11.

:func:`read_export` given ``on_rows`` calls it when it starts on the file (``0, None``) and
then every ``PROGRESS_EVERY_ROWS`` rows of the file (records of a CSV file, rows of an XLSX
sheet, header rows included) with the rows read so far and the sheet's rows (None for CSV,
whose length is known only at the end). An XLSX sheet's rows are counted as they are
converted, after python-calamine has parsed the whole sheet (most of the read, with no
progress to report). ``on_rows`` only watches: the file is read the same way without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from .errors import ExportFormatError, cap_list, count_text, row_list, with_count
from .normalise import norm_header
from .profiles import FileSpec

Cell = str | dt.datetime
RowsCallback = Callable[[int, int | None], None]
"""``on_rows(rows_read, rows_total)``: how far a reader is in a file (module docstring)."""
PROGRESS_EVERY_ROWS = 5_000
"""A reader reports its progress this often (rows); a national XLSX sheet has about 75,000."""

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


def _fields(n: int) -> str:
    return count_text(n, "field")


def _shape(name: str, header: list[Cell], records: list[list[Cell]],
           ends_cut: bool, trailing_delimiter: bool | None = None,
           name_row: list[Cell] | None = None
           ) -> tuple[list[str], list[tuple[int, list[Cell]]], list[str], int]:
    """Apply the row-shape rule (input-faults §4) to a header and its data records.

    The row shape is a property of the file, never of a row: every non-empty data row must
    have the same field count ``W`` (with ``trailing_delimiter`` set, the profile fixes ``W``
    to the header's named columns plus one, or exactly them). A row with another count has
    lost or gained a field, so its values would shift: it is an error naming the row and the
    file's shape, never padded or cut. Given ``W``, against the header's ``n`` fields of
    which the first ``n_named`` end with a name:

    - ``W > n``: the fields beyond the header must be empty in every row (a delimiter at the
      end of every data line) and are dropped, with a note; a value there is an error.
    - ``n_named <= W < n``: the header's unnamed trailing columns that no row carries are
      dropped, with a note.
    - ``W < n_named``: an error (a wrong delimiter, or the header is not the first record).
    - unnamed trailing header columns empty in every row are dropped, with a note; with a
      value they are an error; an unnamed column between named ones is an error.

    A data row that repeats the header's column names (``name_row``, the last header row;
    default ``header``) is an error naming the row, checked first: two exports pasted into
    one file give that row and its mapping failures, and the cause is the repeat.

    Wholly empty rows are skipped and counted (they keep their row numbers). ``ends_cut``:
    the text does not end with a line break, so a short last row is reported as a cut-off
    file rather than a footer. Returns (headers, rows, notes, empty rows skipped).
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
    data = [(i, rec) for i, rec in enumerate(records, start=1) if not _row_empty(rec)]
    skipped = len(records) - len(data)
    if not data:
        raise ExportFormatError(
            f"{name} has a header but no data rows; the export is empty.",
            {"file": name, "kind": "header_only"},
        )
    _raise_repeated_header(name, name_row if name_row is not None else header, data)
    widths = Counter(len(rec) for _, rec in data)
    if len(widths) > 1:
        _raise_mixed_widths(name, data, widths, n, ends_cut)
    width = len(data[0][1])
    if trailing_delimiter is not None:
        expected = n_named + 1 if trailing_delimiter else n_named
        if width != expected:
            raise ExportFormatError(
                f"{name}: the profile says data rows {'end' if trailing_delimiter else 'do not end'}"
                f" with a delimiter (file.trailing_delimiter: "
                f"{'true' if trailing_delimiter else 'false'}), so every data row must have "
                f"{_fields(expected)} for the header's {n_named} named columns, but this "
                f"file's rows have {_fields(width)}; fix the export or the profile.",
                {"file": name, "kind": "row_shape", "width": width, "expected": expected},
            )
    if width < n_named:
        if ends_cut and len(data) == 1:
            raise ExportFormatError(
                f"{name} appears truncated: its only data row ({data[0][0]}) has "
                f"{_fields(width)}, fewer than the header's {n_named}; deliver the complete "
                "file.",
                {"file": name, "kind": "truncated", "rows": [data[0][0]]},
            )
        raise ExportFormatError(
            f"{name}: every data row has {_fields(width)} but the header names {n_named} "
            "columns; check the profile's delimiter, or whether the header is the first "
            "record (file.skip_rows_above).",
            {"file": name, "kind": "short_rows", "width": width, "header_fields": n_named},
        )
    if width > n:
        with_values = [i for i, rec in data if not _row_empty(rec[n:])]
        if with_values:
            hint = ""
            if n_named * 2 <= width:
                hint = (f" The header row has only {_fields(n)}: if the export has lines "
                        "above the header (a title, export notes), set file.skip_rows_above "
                        "in the profile.")
            raise ExportFormatError(
                f"{name}: every data row has {_fields(width)}, more than the header's {n}, "
                f"and the fields beyond the header hold values on {row_list(with_values)} "
                f"(data row 1 = first row below the header); the columns are shifted, fix the "
                f"export.{hint}",
                {"file": name, "kind": "extra_fields", "rows": with_values, "width": width},
            )
        extra = width - n
        data = [(i, rec[:n]) for i, rec in data]
        notes.append(f"{name}: every data row ends with {extra} empty "
                     f"field{'s' if extra > 1 else ''} beyond the header's {n} (a delimiter at "
                     f"the end of each line); dropped")
    elif width < n:
        notes.append(f"{name}: the header's unnamed trailing columns {width + 1}-{n} are in "
                     "no data row; dropped")
        headers = headers[:width]
    while headers and headers[-1] == "":
        col = len(headers) - 1
        with_values = [i for i, rec in data if not _empty(rec[col])]
        if with_values:
            hint = ""
            if sum(1 for h in headers if h) * 2 <= len(headers):
                hint = (" Most columns have no header name: if the export has lines above the "
                        "header (a title, export notes), set file.skip_rows_above in the "
                        "profile.")
            raise ExportFormatError(
                f"{name} column {col + 1} has no header name but values on "
                f"{row_list(with_values)}; name the column or remove the values.{hint}",
                {"file": name, "kind": "unnamed_column", "column": col + 1,
                 "rows": with_values},
            )
        headers.pop()
        data = [(i, rec[:col]) for i, rec in data]
        notes.append(f"{name}: dropped empty trailing column {col + 1} without a header")
    unnamed = [i + 1 for i, h in enumerate(headers) if h.strip() == ""]
    if unnamed:
        raise ExportFormatError(
            f"{name} has columns without a header name at positions {cap_list(unnamed)}; "
            "every column must be named.",
            {"file": name, "kind": "unnamed_column", "columns": unnamed},
        )
    if skipped:
        notes.append(f"{name}: skipped {skipped} wholly empty rows")
    return headers, [(i, list(rec)) for i, rec in data], notes, skipped


def _raise_repeated_header(name: str, name_row: list[Cell],
                           data: list[tuple[int, list[Cell]]]) -> None:
    """Raise if a data row holds the header's column names again (compared with
    :func:`~pipelines.ingest.normalise.norm_header` over the named columns; a row whose
    first cell does not contain the first name is passed over without normalising)."""
    keys = [norm_header(c) if isinstance(c, str) else None for c in name_row]
    named = [k for k in keys if k]
    if len(named) < 2:
        return
    first = str(name_row[0]).strip()
    repeated = []
    for i, rec in data:
        cell = rec[0] if rec else ""
        if not isinstance(cell, str) or (first and first not in cell):
            continue
        cells = [norm_header(c) if isinstance(c, str) else None for c in rec[:len(keys)]]
        if all(k is None or k == "" or (j < len(cells) and cells[j] == k)
               for j, k in enumerate(keys)):
            repeated.append(i)
    if repeated:
        raise ExportFormatError(
            f"{name}: the header is repeated on data {row_list(repeated)} (data row 1 = first "
            "row below the header): probably two exports pasted into one file. Deliver each "
            "export as its own file in the landing folder, or remove the repeated header "
            "line and check that no rows were duplicated.",
            {"file": name, "kind": "repeated_header", "rows": repeated},
        )


def _raise_mixed_widths(name: str, data: list[tuple[int, list[Cell]]],
                        widths: Counter, n: int, ends_cut: bool) -> None:
    """Raise the row-shape error of a file whose data rows have several field counts.

    The file's shape is the count most data rows have (on a tie, the one nearest the
    header's ``n``); the rows with another count are named. A short last row alone is a
    cut-off file when the text ends without a line break, else a totals/footer row or a
    cut-off file; short rows only at the end point to ``file.skip_rows_below``."""
    shape = max(widths, key=lambda w: (widths[w], -abs(w - n), w))
    odd = [(i, len(rec)) for i, rec in data if len(rec) != shape]
    rows = [i for i, _ in odd]
    majority = (f"this file's data rows have {_fields(shape)} ({widths[shape]} of "
                f"{len(data)} rows")
    majority += (", the header's count" if shape == n else f"; the header has {_fields(n)}")
    details = {"file": name, "kind": "row_shape", "shape": shape, "rows": rows,
               "fields": {str(i): w for i, w in odd[:100]}}
    tail = [i for i, _ in data[-len(odd):]]
    if tail == rows and all(w < shape for _, w in odd):
        if ends_cut and len(odd) == 1:
            raise ExportFormatError(
                f"{name} appears truncated: its last data row ({rows[0]}) has "
                f"{_fields(odd[0][1])} where {majority}) and the file ends without a line "
                "break; deliver the complete file.",
                {**details, "kind": "truncated"},
            )
        raise ExportFormatError(
            f"{name}: the last {'data row' if len(odd) == 1 else f'{len(odd)} data rows'} "
            f"({row_list(rows)}) {'has' if len(odd) == 1 else 'have'} fewer fields where "
            f"{majority}). If {'it is a totals or footer row' if len(odd) == 1 else 'they are totals or footer rows'}, "
            f"set file.skip_rows_below: {len(odd)} in the profile; if the file was cut off, "
            "deliver the complete file.",
            {**details, "kind": "footer_or_truncated"},
        )
    described = cap_list(with_count(str(i), w, "field") for i, w in odd)
    raise ExportFormatError(
        f"{name}: the row shape is decided for the whole file and {majority}); data "
        f"row{'s' if len(odd) > 1 else ''} {described} "
        f"{'differ' if len(odd) > 1 else 'differs'} (data row 1 = first row below the "
        "header). A row with another field count has lost or gained a field and its values "
        "would shift: fix the delimiter/quoting in the export; the year is not loaded.",
        details,
    )


def _flatten(top: list[Cell], bottom: list[Cell], join: str) -> list[Cell]:
    out: list[Cell] = []
    width = max(len(top), len(bottom))
    for i in range(width):
        t = "" if i >= len(top) or _empty(top[i]) else str(top[i]).strip()
        b = "" if i >= len(bottom) or _empty(bottom[i]) else str(bottom[i]).strip()
        out.append(f"{t}{join}{b}" if t and b else (t or b))
    return out


# --- CSV ---------------------------------------------------------------------------------------


def _csv_records(text: str, spec: FileSpec, limit: int, on_rows: RowsCallback | None = None
                 ) -> list[tuple[int, list[str]]]:
    """Parse ``text`` with the profile's dialect and ``limit`` as the longest field; returns
    (line the record ends on, fields) per record; ``on_rows`` as in the module docstring.

    ``csv.field_size_limit`` is the csv module's public, process-wide setting: it is set for
    this parse and restored after it.

    Raises:
        csv.Error: with the line the parser stopped on as its last note.
    """
    before = csv.field_size_limit(limit)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter,
                            quotechar=spec.quotechar, strict=True, doublequote=True)
        out = []
        try:
            for rec in reader:
                out.append((reader.line_num, rec))
                if on_rows is not None and len(out) % PROGRESS_EVERY_ROWS == 0:
                    on_rows(len(out), None)
        except csv.Error as exc:
            exc.add_note(str(reader.line_num))
            raise
        return out
    finally:
        csv.field_size_limit(before)


def _parse_csv(name: str, text: str, spec: FileSpec, on_rows: RowsCallback | None = None
               ) -> list[list[str]]:
    """The CSV records of ``text``; a parse error is diagnosed before it is reported.

    If the file parses once the field limit is lifted, the cause is a field longer than
    ``file.max_field_chars`` (named with its line, column, length and the lines it spans:
    a field spanning many lines is a quote that swallowed rows); otherwise the quoting is
    broken (an unclosed quote: a cut-off file or an unescaped quote).
    """
    try:
        return [rec for _, rec in _csv_records(text, spec, spec.max_field_chars, on_rows)]
    except csv.Error as exc:
        first_error = exc
    try:
        records = _csv_records(text, spec, len(text) + 1)
    except csv.Error as exc:
        where = int(exc.__notes__[-1])
        raise ExportFormatError(
            f"{name} is malformed CSV near line {where} ({exc}); an unclosed quote usually "
            "means the file was cut off or a quote character is not escaped - deliver the "
            "complete file or fix the quoting.",
            {"file": name, "kind": "malformed_csv", "line": where},
        ) from exc
    header_at = spec.skip_rows_above + spec.header_rows - 1
    header = records[header_at][1] if len(records) > header_at else []
    long = [(r, c, v) for r, (_, rec) in enumerate(records) for c, v in enumerate(rec)
            if len(v) > spec.max_field_chars]
    r, c, value = max(long, key=lambda t: len(t[2]))
    end_line = records[r][0]
    spans = value.count("\n") + 1
    column = f"column {c + 1}" + (f" ({header[c]!r})" if c < len(header) and r > header_at
                                  else "")
    where = f"data row {r - header_at}" if r > header_at else f"record {r + 1}"
    if spans > 1:
        cause = (f"It spans {spans:,} lines (to line {end_line}): a quote that is not closed "
                 "or not escaped usually swallows the lines after it - fix the quoting in the "
                 "export.")
    else:
        cause = ("No survey answer or comment is that long: check the export.")
    raise ExportFormatError(
        f"{name}: the quoted field on {where}, {column}, is {len(value):,} characters long, "
        f"more than the profile's limit file.max_field_chars = {spec.max_field_chars:,} "
        f"({len(long)} such field{'s' if len(long) > 1 else ''} in the file). {cause} If the "
        "text is real, raise file.max_field_chars in the profile.",
        {"file": name, "kind": "field_too_long", "chars": len(value), "column": c + 1,
         "line": end_line, "lines_spanned": spans, "limit": spec.max_field_chars,
         "fields": len(long)},
    ) from first_error


def read_csv(path: Path, spec: FileSpec, on_rows: RowsCallback | None = None) -> RawSheet:
    """Read a CSV export strictly with the profile's encoding and dialect (``on_rows``: the
    module docstring).

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
    records = _parse_csv(name, text, spec, on_rows)
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
    ends_cut = not text.endswith(("\n", "\r")) and not spec.skip_rows_below
    headers, rows, more, skipped = _shape(name, header, records[spec.header_rows:], ends_cut,
                                          spec.trailing_delimiter,
                                          records[spec.header_rows - 1])
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


@dataclass(frozen=True)
class MergedRange:
    """A merged cell range of a sheet, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def coord(self) -> str:
        """The range in A1 notation, e.g. ``B7:C8``."""
        return f"{get_column_letter(self.min_col)}{self.min_row}:" \
               f"{get_column_letter(self.max_col)}{self.max_row}"


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CHUNK = 8 << 20


def _sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member of worksheet ``sheet_name`` (from xl/workbook.xml and its rels)."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rid = next((sh.get(f"{rel}id") for sh in book.iter(f"{main}sheet")
                if sh.get("name") == sheet_name), None)
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{pkg}Relationship")
                   if r.get("Id") == rid), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _error_cells(path: Path, sheet_name: str) -> dict[tuple[int, int], str]:
    """Cells of the sheet holding an Excel error (``t="e"``: ``#N/A``, ``#DIV/0!``...):
    (1-based row, column) -> the error text.

    python-calamine returns such a cell as empty, which would turn it into "not answered";
    the error text is put back instead (as a text cell), so it meets the same rules as any
    other unexpected value. The sheet part is scanned in chunks for ``t="e"`` first; only a
    sheet that has one is searched cell by cell."""
    with zipfile.ZipFile(path) as zf:
        part = _sheet_part(zf, sheet_name)
        if part is None:
            return {}
        found, tail = False, b""
        with zf.open(part) as fh:
            while chunk := fh.read(_CHUNK):
                if b't="e"' in tail + chunk:
                    found = True
                    break
                tail = chunk[-8:]
        if not found:
            return {}
        cells: dict[tuple[int, int], str] = {}
        for match in _ERROR_CELL.finditer(zf.read(part)):
            ref = _CELL_REF.search(match.group(1))
            value = _CELL_VALUE.search(match.group(2))
            if ref is None:
                continue
            col = 0
            for letter in ref.group(1):
                col = col * 26 + letter - 64
            text = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
            cells[(int(ref.group(2)), col)] = text
        return cells


def _sheet_grid(sheet, errors: dict[tuple[int, int], str] | None = None,
                on_rows: RowsCallback | None = None
                ) -> tuple[list[list[Cell]], list[MergedRange]]:
    """A python-calamine sheet as a grid of :func:`_cell_value` values and its merged ranges.

    The grid starts at A1 and covers every cell, merged range and error cell (``errors``,
    :func:`_error_cells`, put back as their text), all rows padded to one width. Rows are
    converted one at a time and equal texts share one ``str`` object (the answer labels
    above all: a national sheet holds millions of copies of a few labels), which keeps the
    grid's memory near the size of its distinct texts. ``on_rows`` is told the rows converted
    of the sheet's ``height``.
    """
    merged = [MergedRange(r0 + 1, c0 + 1, r1 + 1, c1 + 1)
              for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    canonical: dict[str, str] = {}
    rows: list[list[Cell]] = []
    total = sheet.height if on_rows is not None else None
    for raw in sheet.iter_rows():  # converted row by row: no grid of duplicate texts
        rows.append([canonical.setdefault(v, v) if type(v) is str else _cell_value(v)
                     for v in raw])
        if on_rows is not None and len(rows) % PROGRESS_EVERY_ROWS == 0:
            on_rows(len(rows), total)
    if rows:
        # iter_rows ends at the sheet's last cell (sheet.end); pad back to row 1 / column A
        # by the lengths, whichever leading empty rows or columns it left out
        end_row, end_col = sheet.end
        lead_cols = [""] * (end_col + 1 - len(rows[0]))
        if lead_cols:
            rows = [lead_cols + r for r in rows]
        rows[:0] = [[] for _ in range(end_row + 1 - len(rows))]
    width = max((len(r) for r in rows), default=0)
    spans = [(rng.max_row, rng.max_col) for rng in merged] + list(errors or {})
    for max_row, max_col in spans:
        width = max(width, max_col)
        while len(rows) < max_row:
            rows.append([])
    for values in rows:
        if len(values) < width:
            values.extend([""] * (width - len(values)))
    for (r, c), text in (errors or {}).items():
        rows[r - 1][c - 1] = canonical.setdefault(text, text)
    return rows, merged


def read_xlsx(path: Path, spec: FileSpec, on_rows: RowsCallback | None = None) -> RawSheet:
    """Read one sheet of an XLSX export with python-calamine; merged ranges in the header
    rows are filled with their top-left value before ``question | item`` flattening
    (input-faults §6). ``on_rows``: the module docstring.

    Numbers become text (``4``, ``4.5``); date cells stay ``datetime`` (date-only cells at
    midnight); formulas give their cached values; booleans become ``TRUE``/``FALSE``; error
    cells give their error text (``#N/A``), never an empty cell.

    Raises:
        ExportFormatError: broken file, missing sheet (names the sheets found), merged cells
        in data rows, double-decoded text, header only, unnamed columns with values.
    """
    import python_calamine

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
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise unreadable(exc) from exc
    try:
        names = list(wb.sheet_names)
        if spec.sheet is not None:
            if spec.sheet not in names:
                raise ExportFormatError(
                    f"{name} has no sheet {spec.sheet!r}; sheets found: {cap_list(names)}.",
                    {"file": name, "kind": "missing_sheet", "sheets": names},
                )
            title = spec.sheet
        elif len(names) == 1:
            title = names[0]
        else:
            raise ExportFormatError(
                f"{name} has several sheets ({cap_list(names)}) and the profile names "
                "none; set file.sheet in the profile.",
                {"file": name, "kind": "missing_sheet", "sheets": names},
            )
        try:
            grid, merged = _sheet_grid(wb.get_sheet_by_name(title), _error_cells(path, title),
                                       on_rows)
        except (python_calamine.CalamineError, zipfile.BadZipFile, KeyError, ValueError,
                OverflowError, SyntaxError) as exc:
            raise unreadable(exc) from exc
    finally:
        wb.close()
    first_header = spec.skip_rows_above + 1  # 1-based sheet row
    last_header = spec.skip_rows_above + spec.header_rows
    for rng in merged:
        if rng.max_row < first_header:
            continue
        if rng.min_row > last_header or rng.max_row > last_header:
            raise ExportFormatError(
                f"{name} sheet {title!r} has merged cells {rng.coord} below the header "
                "rows; unmerge them so every data cell holds its own value.",
                {"file": name, "kind": "merged_data_cells", "range": rng.coord},
            )
        top_left = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(max(rng.min_row, first_header), rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[r - 1][c - 1] = top_left
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
        raise ExportFormatError(f"{name} sheet {title!r} is empty (no header row).",
                                {"file": name, "kind": "empty_file"})
    if spec.header_rows == 2:
        header = _flatten(records[0], records[1], spec.header_join)
    else:
        header = list(records[0])
    headers, rows, notes, skipped = _shape(name, header, records[spec.header_rows:], False,
                                           name_row=records[spec.header_rows - 1])
    return RawSheet(name, headers, rows, "xlsx", notes, skipped)


def read_export(path: Path, spec: FileSpec, on_rows: RowsCallback | None = None) -> RawSheet:
    """Read one export file as the profile's ``file.type`` says (``on_rows``: the module
    docstring)."""
    if on_rows is not None:
        on_rows(0, None)
    return (read_csv(path, spec, on_rows) if spec.type == "csv"
            else read_xlsx(path, spec, on_rows))
