"""Publication: a complete, versioned snapshot of the curated tables.

A snapshot is written in full to ``published/.<id>.partial/``, renamed to
``published/<id>/`` and only then is ``published/latest`` switched to it (a symlink replaced
with ``os.replace``, which is atomic on POSIX). An analyst who has the previous snapshot's
``mognad.duckdb`` open keeps reading it undisturbed, and never blocks the publication: the new
snapshot is a new file. The last ``keep`` snapshots are kept (default 5).

Contents (architecture doc, "Published snapshot"):
- ``mognad.duckdb`` — a copy of the curated tables in schema ``main``, with table and column
  comments from the dbt docs (never the working warehouse file);
- ``parquet/<table>.parquet`` — the durable contract;
- ``csv/<table>.csv`` — for Swedish Excel: UTF-8 with byte-order mark, ``;`` separator,
  decimal comma, text cells that start with ``= + - @``, tab or carriage return prefixed
  with ``'`` so Excel shows them as text instead of evaluating a formula;
- ``manifest.json`` — snapshot id, time, inputs with content hashes, code version,
  instrument versions, row counts per table.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.publish.health import (
    PublicationError,
    disk_full_reason,
    is_disk_full,
    snapshot_problems,
)
from pipelines.settings import code_version

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make Excel (or LibreOffice) treat a text cell as a formula."""

PUBLISHED_DECIMALS = 10
"""Decimal places every DOUBLE column of a published table is rounded to (DuckDB ``round``,
half away from zero). The marts' sums and means are computed by DuckDB on several threads,
whose order of addition varies from run to run, so the same inputs gave values that differ in
their last bits (55.35, 55.349999999999994): the CSVs' hashes changed, and a page that rounds
to one decimal showed 55,4 in one load and 55,3 in another. Rounded here, the published
value is the same for the same inputs. Ten places keep at least seven significant digits of
every published measure (the smallest, a rate or share, is above 0.001) and leave a
recomputation from published values within the 1e-9 the independent checks allow (nine
did not: a change interval recomputed from rounded indices and standard errors moved by
more); the warehouse's own tables keep the unrounded values."""

SNAPSHOT_DIR_PREFIX = "20"  # snapshot ids start with the UTC year

SURVEY_YEARS_TABLE = "survey_years"
"""The year-status table every snapshot publishes beside the marts (:func:`survey_years_table`)."""

SURVEY_YEARS_DESCRIPTION = {
    "description": "Each survey year in this snapshot and whether digitaliseringsrådet has "
    "reviewed it: 'preliminär' until the council signs it off, then 'granskad' (mognad "
    "sign-off; a reload that changes the year's data makes it preliminär again).",
    "columns": {
        "survey_year": "The survey year.",
        "instrument_version": "The questionnaire version answered that year.",
        "status": "'preliminär' or 'granskad'.",
        "signed_off_by": "Who recorded the council's sign-off (null while preliminär).",
        "signed_off_at": "When the sign-off was recorded (UTC; null while preliminär).",
        "meeting_date": "The date of the council meeting that decided (null while preliminär).",
        "decided_by": "The body that decided, e.g. Digitaliseringsrådet.",
        "signoff_version": "The sign-off's version in the append-only sign-off log.",
        "signoff_cleared_at": "When the council's last sign-off of the year was cleared (UTC; "
        "null unless the year's latest sign-off event is a clearing, e.g. a reload whose data "
        "changed).",
        "signoff_cleared_reason": "Why that sign-off was cleared, in Swedish as the sign-off "
        "log states it (null unless signoff_cleared_at is set).",
        "snapshot_id": "This snapshot's id (the folder name under published/).",
    },
    "label_sv": "Mätår",
    "description_sv": "Varje mätår i publiceringen och om digitaliseringsrådet har granskat "
    "det: preliminär tills rådet har godkänt året, sedan granskad. Läses ett granskat år in "
    "igen med ändrade uppgifter blir det preliminärt på nytt.",
    "column_meta": {
        "survey_year": {"label_sv": "Mätår", "description_sv": "Mätåret."},
        "instrument_version": {
            "label_sv": "Enkätversion",
            "description_sv": "Den enkätversion som besvarades det året.",
        },
        "status": {"label_sv": "Status", "description_sv": "preliminär eller granskad."},
        "signed_off_by": {
            "label_sv": "Godkännandet registrerat av",
            "description_sv": "Vem som registrerade rådets godkännande; tomt så länge året är "
            "preliminärt.",
        },
        "signed_off_at": {
            "label_sv": "Godkännandet registrerat (UTC)",
            "description_sv": "När godkännandet registrerades (UTC); tomt så länge året är "
            "preliminärt.",
        },
        "meeting_date": {
            "label_sv": "Sammanträdesdatum",
            "description_sv": "Datum för det sammanträde där rådet beslutade; tomt så länge "
            "året är preliminärt.",
        },
        "decided_by": {
            "label_sv": "Beslutande organ",
            "description_sv": "Det organ som beslutade, till exempel Digitaliseringsrådet.",
        },
        "signoff_version": {
            "label_sv": "Godkännandets version",
            "description_sv": "Godkännandets version i loggen över godkännanden (som bara "
            "växer).",
        },
        "signoff_cleared_at": {
            "label_sv": "Godkännandet hävdes (UTC)",
            "description_sv": "När rådets senaste godkännande av året hävdes (UTC), till "
            "exempel när året lästes in på nytt med ändrade uppgifter; tomt om godkännandet "
            "inte har hävts.",
        },
        "signoff_cleared_reason": {
            "label_sv": "Skäl till att godkännandet hävdes",
            "description_sv": "Varför godkännandet hävdes, med loggens ord; tomt om "
            "godkännandet inte har hävts.",
        },
        "snapshot_id": {
            "label_sv": "Publicering",
            "description_sv": "Publiceringens id (mappens namn under published/).",
        },
    },
}
"""Table and column descriptions of ``survey_years`` (as the dbt docs give the marts')."""

YEAR_STATUS_SV = {"signed_off": "granskad", "preliminary": "preliminär"}
"""The manifest's year status (pipelines.signoff.manifest_year_entry) in the table's words."""


SURVEY_YEARS_SCHEMA = pa.schema(
    [
        ("survey_year", pa.int32()),
        ("instrument_version", pa.string()),
        ("status", pa.string()),
        ("signed_off_by", pa.string()),
        ("signed_off_at", pa.timestamp("s", tz="UTC")),
        ("meeting_date", pa.date32()),
        ("decided_by", pa.string()),
        ("signoff_version", pa.int32()),
        ("signoff_cleared_at", pa.timestamp("s", tz="UTC")),
        ("signoff_cleared_reason", pa.string()),
        ("snapshot_id", pa.string()),
    ]
)
"""The columns of ``survey_years``, in published order (described in
:data:`SURVEY_YEARS_DESCRIPTION`)."""


def _utc_time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def survey_year_row(
    year: int | str, entry: Mapping[str, Any], snapshot_id: str | None = None
) -> dict[str, Any]:
    """One row of ``survey_years`` (columns of :data:`SURVEY_YEARS_SCHEMA`) from a manifest's
    ``years[<year>]`` entry (:func:`pipelines.signoff.manifest_year_entry`'s shape).

    The one mapping from the sign-off log's state of a year to the year's published status:
    ``status`` is 'granskad' for a signed-off year (its ``signoff``'s ``by``, ``at``,
    ``meeting_date``, ``body``, ``version`` fill the sign-off columns), else 'preliminär'
    with those columns null; ``signoff_cleared_at``/``signoff_cleared_reason`` hold the
    entry's ``cleared`` event's ``at`` (UTC datetime) and ``comment`` when the year's latest
    sign-off event is a clearing, else null. The reports state a year's review from this row
    (:func:`pipelines.reports.council.survey_year_review`), read back from the table or, for
    the council's page, made here from the manifest.
    """
    signed_off = entry.get("status") == "signed_off"
    signoff = (entry.get("signoff") or {}) if signed_off else {}
    cleared = (entry.get("cleared") or {}) if not signed_off else {}
    meeting = signoff.get("meeting_date")
    return {
        "survey_year": int(year),
        "instrument_version": entry.get("instrument_version"),
        "status": YEAR_STATUS_SV["signed_off" if signed_off else "preliminary"],
        "signed_off_by": signoff.get("by"),
        "signed_off_at": _utc_time(signoff.get("at")),
        "meeting_date": dt.date.fromisoformat(meeting) if meeting else None,
        "decided_by": signoff.get("body"),
        "signoff_version": signoff.get("version"),
        "signoff_cleared_at": _utc_time(cleared.get("at")),
        "signoff_cleared_reason": cleared.get("comment") if cleared else None,
        "snapshot_id": snapshot_id,
    }


def survey_years_table(years: Mapping[str, Mapping[str, Any]], snapshot_id: str) -> pa.Table:
    """``survey_years`` from a manifest's ``years`` mapping: one row per year
    (:func:`survey_year_row`), ascending."""
    rows = [survey_year_row(year, entry, snapshot_id) for year, entry in sorted(years.items())]
    return pa.Table.from_pylist(rows, schema=SURVEY_YEARS_SCHEMA)


@dataclass(frozen=True)
class Snapshot:
    """A finished publication: its id, folder and manifest."""

    snapshot_id: str
    path: Path
    manifest: dict[str, Any]
    unchanged: bool = False
    """True when the inputs were those of ``latest``, so no new snapshot was made."""


def new_snapshot_id(now: dt.datetime | None = None) -> str:
    """``YYYYMMDDTHHMMSS-ffffffZ``: the UTC time to the microsecond, so ids sort by age."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S-%f}Z"


def excel_safe_text(value: str) -> str:
    """Neutralise formula injection in a text cell for spreadsheet users.

    Returns the text with a leading apostrophe when it starts with one of
    ``FORMULA_PREFIXES`` (OWASP "CSV injection" guidance), else unchanged.
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def format_csv_cell(value: Any) -> str:
    """One cell as Swedish Excel reads it: decimal comma, ISO dates, empty for null.

    Numbers are written in full precision (``repr`` of a float) with ``,`` as decimal mark;
    booleans as ``true``/``false``; text through ``excel_safe_text``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return repr(value).replace(".", ",")
    if hasattr(value, "is_finite") and hasattr(value, "as_tuple"):  # Decimal
        return format(value, "f").replace(".", ",")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return excel_safe_text(str(value))


_FORMULA_START = "^[" + "".join("\\" + c if c in "-]\\^" else c for c in FORMULA_PREFIXES) + "]"
"""Regular expression: a text that starts with one of ``FORMULA_PREFIXES``."""

CSV_DIALECT = {"delimiter": ";", "quoting": csv.QUOTE_MINIMAL, "lineterminator": "\r\n"}
"""The published CSVs' dialect (Python's ``csv.writer`` arguments; quote character ``"``)."""

_CSV_QUOTE_NEEDED = '[;"\r\n]'
"""Regular expression: a cell that ``csv.QUOTE_MINIMAL`` encloses in quotes with
:data:`CSV_DIALECT` (the delimiter, the quote character, a character of the line end)."""

REPR_FIXED_RANGE = (1e-4, 1e9)
"""Magnitudes (from, below) that a float's ``repr`` and Arrow's cast to text both write in
fixed notation with the same shortest round-trip digits, Arrow without ``repr``'s ``.0`` on
a whole number (``100`` for 100.0). ``repr`` writes fixed notation from 1e-4 to below 1e16,
Arrow (pyarrow 26) from 1e-7 to below 1e10; outside this range, inside both with a margin,
the two can differ (``repr`` ``1e-05``, Arrow ``0.00001``; ``repr`` ``123456789012.0``,
Arrow ``1.23456789012e+11``): those cells are written with ``repr`` one by one."""


def _float_cells(column: pa.Array) -> pa.Array:
    """A float column's cells as :func:`format_csv_cell` writes them (``repr`` with a decimal
    comma, empty for null and NaN): Arrow's text in :data:`REPR_FIXED_RANGE` and for zero,
    with ``.0`` added to a whole number, ``repr`` cell by cell elsewhere."""
    low, high = REPR_FIXED_RANGE
    magnitude = pc.abs(column)
    fixed = pc.or_(pc.and_(pc.greater_equal(magnitude, low), pc.less(magnitude, high)),
                   pc.equal(magnitude, 0))
    text = pc.cast(column, pa.string())
    whole = pc.invert(pc.match_substring(text, "."))
    text = pc.if_else(pc.and_(fixed, whole), pc.binary_join_element_wise(text, ".0", ""), text)
    text = pc.replace_substring(text, ".", ",")
    # NaN and infinities are outside the range too; a null stays null (an empty cell)
    others = pc.indices_nonzero(pc.fill_null(pc.invert(fixed), False)).to_pylist()
    if not others:
        return text
    cells = text.to_pylist()
    values = column.to_pylist()
    for i in others:
        cells[i] = format_csv_cell(values[i])
    return pa.array(cells, pa.string())


def _csv_cells(column: pa.Array) -> pa.Array:
    """One column's cells as :func:`format_csv_cell` writes them (a string array, null where
    the cell is empty), formatted a column at a time: text, integers and booleans with Arrow
    compute, floats by :func:`_float_cells`, other types cell by cell."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        quoted = pc.binary_join_element_wise("'", column, "")
        return pc.if_else(pc.match_substring_regex(column, _FORMULA_START), quoted, column)
    if pa.types.is_integer(kind):
        return pc.cast(column, pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "true", "false")
    if pa.types.is_floating(kind):
        return _float_cells(column)
    return pa.array([format_csv_cell(v) for v in column.to_pylist()], pa.string())


def _csv_lines(columns: list[pa.Array]) -> pa.Array:
    """The lines of a CSV (each ending in CRLF) from its columns, each cell as
    :func:`_csv_cells` writes it and quoted as ``csv.writer`` with :data:`CSV_DIALECT` quotes
    it: a cell holding ``;``, ``"``, CR or LF in ``"``, its ``"`` doubled; a line of one empty
    cell as ``""``. The cells of numbers and booleans (digits, sign, decimal comma, ``e``,
    ``inf``, ``true``, ``false``) never need quotes and are not searched."""
    fields = []
    for column in columns:
        cells = pc.fill_null(_csv_cells(column), "")
        kind = column.type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)
                or pa.types.is_boolean(kind)):
            needed = pc.match_substring_regex(cells, _CSV_QUOTE_NEEDED)
            if pc.any(needed).as_py():
                quoted = pc.binary_join_element_wise(
                    '"', pc.replace_substring(cells, '"', '""'), '"', "")
                cells = pc.if_else(needed, quoted, cells)
        fields.append(cells)
    if len(fields) == 1:
        fields = [pc.if_else(pc.equal(fields[0], ""), '""', fields[0])]
    # the line end joined to the last cells, not to the lines: a copy of one column, not all
    fields[-1] = pc.binary_join_element_wise(fields[-1], "", CSV_DIALECT["lineterminator"])
    return pc.binary_join_element_wise(*fields, CSV_DIALECT["delimiter"])


def _text_bytes(text: pa.Array) -> memoryview:
    """The UTF-8 bytes of a string array's values, one after the other (no nulls), read
    from its data buffer between its first and last offset."""
    width = pa.int64() if pa.types.is_large_string(text.type) else pa.int32()
    _, offsets_buffer, data = text.buffers()
    offsets = pa.Array.from_buffers(width, len(text) + 1, [None, offsets_buffer],
                                    offset=text.offset)
    return memoryview(data)[offsets[0].as_py():offsets[-1].as_py()]


def write_excel_csv_table(path: Path, table: pa.Table, batch_rows: int = 65536) -> int:
    """Write an Arrow table as a CSV for Swedish Excel (UTF-8 BOM, ``;``, CRLF, a header
    row), each cell as :func:`format_csv_cell` writes it and quoted as ``csv.writer`` quotes
    it, but formatted and joined a column at a time (:func:`_csv_cells`, :func:`_csv_lines`),
    which is faster than cell by cell and gives the same bytes. Returns the row count."""
    header = io.StringIO()
    csv.writer(header, **CSV_DIALECT).writerow(table.column_names)
    with path.open("wb") as fh:
        fh.write(("\ufeff" + header.getvalue()).encode("utf-8"))
        for batch in table.to_batches(max_chunksize=batch_rows):
            if batch.num_rows == 0:
                continue
            lines = _csv_lines(batch.columns)
            fh.write(_text_bytes(lines))
    return table.num_rows


PARALLEL_CSV_MIN_CELLS = 2_000_000
"""Below this many cells in all (rows x columns) the CSV files are written in this process
alone: starting a worker process costs more than it saves (the county's tables)."""


def _write_csvs_from_parquet(jobs: list[tuple[Path, Path]]) -> dict[Path, int]:
    """``{csv path: rows}`` for each ``(parquet path, csv path)``: the CSV written from the
    Parquet file with :func:`write_excel_csv_table`. Runs in a worker process too."""
    return {csv_path: write_excel_csv_table(csv_path, pq.read_table(parquet_path))
            for parquet_path, csv_path in jobs}


def _split_by_cells(jobs: list[tuple[Path, Path]], sizes: Mapping[Path, int]) -> tuple[list, list]:
    """``jobs`` in two lists of about equal cells (largest first, each to the lighter list)."""
    halves: tuple[list, list] = ([], [])
    loads = [0, 0]
    for job in sorted(jobs, key=lambda j: -sizes[j[1]]):
        lighter = 0 if loads[0] <= loads[1] else 1
        halves[lighter].append(job)
        loads[lighter] += sizes[job[1]]
    return halves


def start_python_worker(module: str, payload: Any, errors: Any) -> subprocess.Popen:
    """A second Python process (``python -m <module>``, the package as this process imported
    it) given ``payload`` as JSON on its standard input; its standard output is a pipe (text),
    its standard error goes to ``errors`` (a file). The publication's work beside its main
    process: the CSV files (this module) and the workbook (:mod:`pipelines.publish.workbook`)."""
    # the package as this process imported it, whatever the child's default path would be
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)}
    worker = subprocess.Popen(
        [sys.executable, "-m", module],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env, text=True,
    )
    worker.stdin.write(json.dumps(payload))
    worker.stdin.close()
    return worker


def worker_failure(what: str, errors: Any) -> RuntimeError:
    """The error for a worker process that failed: ``The <what> worker process failed:``
    and the last 4,000 characters of its error output (``errors``, the file it wrote)."""
    errors.seek(0)
    return RuntimeError(f"The {what} worker process failed:\n{errors.read()[-4000:]}")


def _start_csv_worker(jobs: list[tuple[Path, Path]], errors: Any) -> subprocess.Popen:
    """A second Python process (``python -m pipelines.publish.snapshot``) writing ``jobs``'
    CSVs, given as JSON on its standard input; its standard error goes to ``errors``."""
    return start_python_worker("pipelines.publish.snapshot",
                               [[str(p), str(c)] for p, c in jobs], errors)


def write_csv_files(
    jobs: list[tuple[Path, Path]], beside: Callable[[], None] | None = None
) -> dict[Path, int]:
    """Write the CSV of each ``(parquet path, csv path)`` from its Parquet file, and run
    ``beside()`` (the caller's other work, which must not read these CSVs); returns
    ``{csv path: rows}``.

    Below ``PARALLEL_CSV_MIN_CELLS`` cells in all (rows x columns), this process writes the
    files, then runs ``beside()``. From that size on, a second Python process writes files
    while this process works: without ``beside``, the files are split in two halves of about
    equal cells (:func:`_split_by_cells`), one written by the worker and one here; with
    ``beside``, the worker writes them all while this process runs ``beside()`` (the
    publication's workbook, in a process of its own, and the council's pages): formatting
    cells and ``beside()``'s work are Python work bound to one core each, and the machines
    have two. Same bytes in every case: each file is written by
    :func:`write_excel_csv_table`.

    Errors: an exception of ``beside()`` is raised as it is, after the worker is stopped
    (killed and waited for: it does not go on writing). A worker that fails raises
    RuntimeError with the worker's error output (the last 4,000 characters), after
    ``beside()`` or this process's half has finished. Either way the caller removes what was
    written.
    """
    sizes = {}
    for parquet_path, csv_path in jobs:
        meta = pq.ParquetFile(parquet_path).metadata
        sizes[csv_path] = meta.num_rows * meta.num_columns
    if sum(sizes.values()) < PARALLEL_CSV_MIN_CELLS:
        written = _write_csvs_from_parquet(jobs)
        if beside is not None:
            beside()
        return written
    halves = _split_by_cells(jobs, sizes)
    in_workers = [jobs] if beside is not None else halves[:1]
    written: dict[Path, int] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        workers: list[subprocess.Popen] = []
        outputs = []
        try:
            for half in in_workers:
                workers.append(_start_csv_worker(half, errors))
            if beside is not None:
                beside()
            else:
                written = _write_csvs_from_parquet(halves[1])
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        finally:
            for worker in workers:
                outputs.append(worker.stdout.read())
                worker.wait()
        if any(worker.returncode != 0 for worker in workers):
            raise worker_failure("CSV", errors)
    for output in outputs:
        written.update({Path(path): rows for path, rows in json.loads(output).items()})
    return written


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _published_columns(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The select list that publishes ``relation``'s columns in their order and under their
    names, each DOUBLE column rounded to :data:`PUBLISHED_DECIMALS` places (its type kept)."""
    columns = con.execute(f"describe {relation}").fetchall()
    return ", ".join(
        f"round({_ident(name)}, {PUBLISHED_DECIMALS}) as {_ident(name)}"
        if column_type == "DOUBLE" else _ident(name)
        for name, column_type, *_ in columns
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build_snapshot(
    warehouse_db: Path,
    published_root: Path,
    tables: list[str],
    *,
    source_schema: str = "marts",
    descriptions: Mapping[str, Mapping[str, Any]] | None = None,
    inputs: list[dict[str, Any]] | None = None,
    extra_manifest: Mapping[str, Any] | None = None,
    extra_dirs: Mapping[str, Path] | None = None,
    finalise: Callable[[Path], None] | None = None,
    keep: int = 5,
    inputs_key: str | None = None,
) -> Snapshot:
    """Publish ``tables`` from ``warehouse_db`` (schema ``source_schema``) as a new snapshot.

    Rows are ordered by all columns so a re-run on unchanged data gives identical files.
    ``extra_dirs`` maps a folder name inside the snapshot to a folder to copy there (e.g.
    ``{"quality/gx": <data docs>}``). ``finalise(folder)`` runs on the partial folder before
    it becomes visible (the reports are built there).

    The sequence: the DuckDB copy and the Parquet files; the ``extra_dirs``; ``manifest.json``
    with everything but the CSVs' rows and hashes (``tables`` maps each table name to
    ``{}``); then the CSVs written from the Parquet files while ``finalise`` runs
    (:func:`write_csv_files`' ``beside``: at national size in worker processes beside it,
    below ``PARALLEL_CSV_MIN_CELLS`` one after the other in this process); then
    ``manifest.json`` again with each table's ``rows`` and CSV ``content_sha256``. So
    ``finalise`` may read the Parquet files, ``mognad.duckdb``, the copied folders and the
    manifest's id, time, code version, settings, years and table names, never the CSVs or
    their rows and hashes in the manifest. Returns the
    ``Snapshot``; ``published_root/latest`` points at it when this returns. ``inputs_key``
    names what the tables were made from (``pipelines.orchestration.publication_key``);
    when it equals the current complete ``latest`` snapshot's, nothing is published (not
    even compared: the same inputs make the same snapshot) and the returned snapshot is the
    current one with ``unchanged=True``. Each table's CSV content hash is recorded in the
    manifest for analysts. Raises ``duckdb.Error`` if a table is missing; in that
    case the partial folder is removed and ``latest`` is untouched. A full disk raises
    :class:`~pipelines.publish.health.PublicationError` saying so (space free, what a
    snapshot needs, what to do), after the same clean-up.
    """
    published_root.mkdir(parents=True, exist_ok=True)
    previous = current_manifest(published_root)
    if inputs_key is not None and previous and previous.get("inputs_key") == inputs_key:
        latest = published_root / "latest"
        return Snapshot(previous["snapshot_id"], latest.resolve(), previous, unchanged=True)
    snapshot_id = new_snapshot_id()
    while (published_root / snapshot_id).exists():  # two publications in one microsecond
        snapshot_id = new_snapshot_id()
    partial = published_root / f".{snapshot_id}.partial"
    final = published_root / snapshot_id
    descriptions = descriptions or {}
    try:
        (partial / "parquet").mkdir(parents=True)
        (partial / "csv").mkdir()
        con = duckdb.connect(str(partial / "mognad.duckdb"))
        try:
            con.execute(f"attach {_sql_literal(str(warehouse_db))} as wh (read_only)")
            for table in tables:
                source = f"wh.{_ident(source_schema)}.{_ident(table)}"
                con.execute(
                    f"create table {_ident(table)} as "
                    f"select {_published_columns(con, source)} from {source} order by all"
                )
                doc = descriptions.get(table, {})
                if doc.get("description"):
                    con.execute(f"comment on table {_ident(table)} is {_sql_literal(doc['description'])}")
                for column, text in (doc.get("columns") or {}).items():
                    if text:
                        try:
                            con.execute(
                                f"comment on column {_ident(table)}.{_ident(column)} is {_sql_literal(text)}"
                            )
                        except duckdb.CatalogException:
                            pass  # documented column not in the table: dbt tests report that
                parquet_path = partial / "parquet" / f"{table}.parquet"
                con.execute(
                    f"copy {_ident(table)} to {_sql_literal(str(parquet_path))} (format parquet)"
                )
            con.execute("detach wh")
            survey_years = survey_years_table((extra_manifest or {}).get("years") or {}, snapshot_id)
            con.register("survey_years_rows", survey_years)
            con.execute(f"create table {SURVEY_YEARS_TABLE} as select * from survey_years_rows")
            con.unregister("survey_years_rows")
            con.execute(
                f"comment on table {SURVEY_YEARS_TABLE} is "
                f"{_sql_literal(SURVEY_YEARS_DESCRIPTION['description'])}"
            )
            for column, text in SURVEY_YEARS_DESCRIPTION["columns"].items():
                con.execute(
                    f"comment on column {SURVEY_YEARS_TABLE}.{_ident(column)} is {_sql_literal(text)}"
                )
            pq.write_table(survey_years, partial / "parquet" / f"{SURVEY_YEARS_TABLE}.parquet")
        finally:
            con.close()
        published = [*tables, SURVEY_YEARS_TABLE]
        for name, source in (extra_dirs or {}).items():
            if source.exists():
                shutil.copytree(source, partial / name)
        manifest = {
            "snapshot_id": snapshot_id,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "code_version": code_version(),
            "duckdb_version": duckdb.__version__,
            "tables": {t: {} for t in published},
            **({"inputs_key": inputs_key} if inputs_key is not None else {}),
            "inputs": inputs or [],
            **(extra_manifest or {}),
        }
        _write_manifest(partial, manifest)
        written = write_csv_files(
            [(partial / "parquet" / f"{t}.parquet", partial / "csv" / f"{t}.csv") for t in published],
            beside=(lambda: finalise(partial)) if finalise is not None else None,
        )
        manifest["tables"] = {
            t: {"rows": written[partial / "csv" / f"{t}.csv"],
                "content_sha256": hashlib.sha256(
                    (partial / "csv" / f"{t}.csv").read_bytes()).hexdigest()}
            for t in published
        }
        _write_manifest(partial, manifest)
        partial.rename(final)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, Exception) and is_disk_full(exc):
            raise _disk_full(published_root, keep, exc) from None
        raise
    try:
        switch_latest(published_root, snapshot_id)
    except Exception as exc:
        shutil.rmtree(final, ignore_errors=True)  # never latest: nobody reads it
        if is_disk_full(exc):
            raise _disk_full(published_root, keep, exc) from None
        raise
    prune_snapshots(published_root, keep=keep)
    return Snapshot(snapshot_id, final, manifest)


def _write_manifest(folder: Path, manifest: Mapping[str, Any]) -> None:
    """``folder/manifest.json``: ``manifest`` as indented JSON, keys sorted, UTF-8."""
    (folder / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )


def _disk_full(published_root: Path, keep: int, exc: Exception) -> PublicationError:
    """The :class:`PublicationError` for a full disk, with the original error's text (raised
    ``from None``: the message is the one to show, not the innermost OS error)."""
    return PublicationError(f"{disk_full_reason(published_root, keep)} "
                            f"(Cause: {type(exc).__name__}: {exc})")


def current_manifest(published_root: Path) -> dict[str, Any] | None:
    """The manifest of the snapshot ``latest`` points at, or None when nothing is published
    or that snapshot is not complete (:func:`~pipelines.publish.health.snapshot_problems`:
    a folder deleted by hand, missing files): then the next publication makes a complete
    one instead of keeping a broken ``latest``."""
    if snapshot_problems(published_root):
        return None
    path = published_root / "latest" / "manifest.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def switch_latest(published_root: Path, snapshot_id: str) -> None:
    """Point ``published_root/latest`` at ``snapshot_id`` atomically (relative symlink)."""
    tmp_link = published_root / f".latest-{uuid.uuid4().hex[:8]}"
    os.symlink(snapshot_id, tmp_link, target_is_directory=True)
    os.replace(tmp_link, published_root / "latest")


def list_snapshots(published_root: Path) -> list[str]:
    """Finished snapshot ids under ``published_root``, oldest first."""
    if not published_root.exists():
        return []
    return sorted(
        p.name
        for p in published_root.iterdir()
        if p.is_dir() and not p.is_symlink() and p.name.startswith(SNAPSHOT_DIR_PREFIX)
    )


def prune_snapshots(published_root: Path, *, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` snapshots (never the one ``latest`` points at).

    Returns the removed ids. An analyst holding an old file open on POSIX keeps reading it:
    the data stays until the file is closed.
    """
    keep = max(keep, 1)
    latest = published_root / "latest"
    current = os.readlink(latest) if latest.is_symlink() else None
    ids = list_snapshots(published_root)
    removed = []
    for snapshot_id in ids[:-keep]:
        if snapshot_id == current:
            continue
        shutil.rmtree(published_root / snapshot_id, ignore_errors=True)
        removed.append(snapshot_id)
    return removed


if __name__ == "__main__":
    # the CSV worker of write_csv_files: [[parquet path, csv path], ...] on standard input,
    # {csv path: rows} on standard output
    _jobs = [(Path(p), Path(c)) for p, c in json.loads(sys.stdin.read())]
    print(json.dumps({str(k): v for k, v in _write_csvs_from_parquet(_jobs).items()}))
