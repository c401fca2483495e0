"""Load one survey year's landing folder into the raw tables (data-contracts.md §3).

Flow: resolve the export profile -> read each export file strictly -> map columns ->
map organisations, target groups and answers -> year rule -> pseudonymise and drop identity
columns -> duplicate rule -> Arrow tables. Anything that does not map stops the load with
one error listing every problem found (input-faults.md: "loaded exactly, or quarantined").
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.collector import collector_paused

from .errors import (
    ExportFormatError,
    IngestError,
    MappingError,
    ProfileError,
    cap_list,
    count_text,
    row_list,
    with_count,
)
from .invitations import empty_invitations, read_invitations
from .mapping import ANSWERED, BLANK, DONT_KNOW, AnswerMapper, map_columns
from .masking import EMAIL, IdentityMask
from .normalise import norm_key, norm_text
from .profiles import (
    OPTIONAL_COLUMNS,
    PROFILES_DIR,
    SEEDS_DIR,
    ExportProfile,
    load_profile,
    missing_optional_column_text,
    resolve_profile,
)
from .pseudonymise import identity_message, pseudonym
from .readers import RawSheet, read_export
from .reference import Reference, load_reference
from .schemas import RESPONDENTS, SURVEY_ANSWERS

INVITATIONS_FILE = "invitations.csv"
PROFILE_FILE = "profile.txt"
IGNORED_PREFIXES = (".", "~$")


@dataclass
class IngestResult:
    """What :func:`ingest_year` produced.

    Attributes:
        year: the survey year (the landing folder's).
        profile_name, instrument_version: from the export profile.
        tables: ``survey_answers``, ``respondents``, ``invitations`` as pyarrow Tables in the
            schemas of :mod:`pipelines.ingest.schemas` (data-contracts §3).
        input_files: one dict per file read: ``name``, ``sha256`` (hex), ``bytes``, ``rows``
            (data rows; None for profile.txt), ``role`` (``export``/``invitations``/
            ``profile``).
        stats: counts — ``files``, ``rows_read``, ``empty_rows_skipped``,
            ``rows_outside_year`` (rows loaded under ``year_rule: warn`` whose time or year
            column says another year), ``respondents``,
            ``duplicates_removed``, ``answers``, ``answered``, ``dont_know``, ``blank``,
            ``organisations``, ``invitation_rows``.
        warnings: English sentences worth showing in the run log.
    """

    year: int
    profile_name: str
    instrument_version: str
    tables: dict[str, pa.Table]
    input_files: list[dict[str, Any]]
    stats: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def file_facts(path: Path, role: str, rows: int | None) -> dict[str, Any]:
    """``{name, sha256, bytes, rows, role}`` of one input file."""
    data = Path(path).read_bytes()
    return {"name": Path(path).name, "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data), "rows": rows, "role": role}


def find_export_files(landing_year_dir: Path, profile: ExportProfile
                      ) -> tuple[list[Path], list[str]]:
    """The export files of a landing folder, sorted by name, and warnings.

    Every file except ``invitations.csv`` and ``profile.txt`` is an export file. Hidden
    files and Excel lock files (``.*``, ``~$*``) are skipped with a warning.

    Raises:
        ExportFormatError: the folder does not exist, holds no export file, holds a file
        whose extension does not fit the profile's file type, or holds sub-folders.
    """
    folder = Path(landing_year_dir)
    if not folder.is_dir():
        raise ExportFormatError(f"Landing folder {folder} does not exist.",
                                {"kind": "no_folder", "folder": str(folder)})
    warnings: list[str] = []
    exports: list[Path] = []
    wrong: list[str] = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(IGNORED_PREFIXES):
            warnings.append(f"skipped hidden or lock file {p.name}")
            continue
        if p.is_dir():
            wrong.append(p.name + "/")
            continue
        if p.name.lower() in (INVITATIONS_FILE, PROFILE_FILE):
            continue
        if p.suffix.lower() in profile.file.extensions:
            exports.append(p)
        else:
            wrong.append(p.name)
    if wrong:
        raise ExportFormatError(
            f"{folder} holds files that are not {profile.file.type.upper()} exports for "
            f"profile {profile.name}: {cap_list(wrong)}; remove them or use the right "
            "profile.",
            {"kind": "unexpected_files", "files": wrong, "profile": profile.name},
        )
    if not exports:
        raise ExportFormatError(
            f"{folder} holds no {profile.file.type.upper()} export file "
            f"({'/'.join(profile.file.extensions)}) for profile {profile.name}.",
            {"kind": "no_export", "profile": profile.name},
        )
    return exports, warnings


@dataclass
class _Row:
    file_index: int
    source_file: str
    source_row: int
    respondent_raw: str
    email: str | None
    submitted_at: dt.datetime | None
    organisation_code: str
    target_group: str
    department: str | None
    position: int  # the row's index in its file's _AnswerBlock


#: answer_status codes in _AnswerBlock.status (index into STATUS_NAMES)
STATUS_NAMES = (ANSWERED, DONT_KNOW, BLANK)
_ANSWERED, _DONT_KNOW, _BLANK = 0, 1, 2


@dataclass
class _AnswerBlock:
    """One export file's answers, columnar: matrices of shape (rows, items), rows in the
    file's order (``_Row.position``), items in codebook order.

    ``status``: int8 codes of :data:`STATUS_NAMES`; ``value``: int32 scale value (meaningful
    only where status is answered); ``raw``: int32 index into ``raw_texts``, the distinct
    trimmed cell texts of the file (``answer_raw``)."""

    status: np.ndarray
    value: np.ndarray
    raw: np.ndarray
    raw_texts: list[str]


def _raw_text(cell: Any) -> str:
    """The cell as stored in ``answer_raw``: trimmed text, or ISO text for a date cell."""
    return cell.isoformat(sep=" ") if isinstance(cell, dt.datetime) else cell.strip()


def _distinct_codes(column: Sequence) -> tuple[list, np.ndarray]:
    """(distinct cells in first-seen order, int32 index of each cell into them).

    The per-cell work is two C-level passes (dict.fromkeys, map); everything else in the
    answer mapping runs once per distinct value, so a national export is not mapped row by
    row in Python."""
    distinct = list(dict.fromkeys(column))
    lookup = {cell: k for k, cell in enumerate(distinct)}
    index = np.fromiter(map(lookup.__getitem__, column), dtype=np.int32, count=len(column))
    return distinct, index


def _columns(rows: list[list], indexes: list[int]) -> dict[int, Sequence]:
    """Column index -> that column's cells over ``rows`` (one cell list per row, in order).

    The transposition runs in two C-level passes (``itemgetter`` over the rows, then
    ``zip``) instead of one Python comprehension per column."""
    if len(indexes) < 2:  # itemgetter of one index gives the cell, not a 1-tuple
        return {ci: [cells[ci] for cells in rows] for ci in indexes}
    if not rows:
        return {ci: () for ci in indexes}
    by_row = map(operator.itemgetter(*indexes), rows)
    return dict(zip(indexes, zip(*by_row, strict=True), strict=True))


def _seconds(values: list[dt.datetime | None]) -> pa.Array:
    """``timestamp[s]`` array of ``values`` (None -> null; an aware datetime -> its UTC
    instant, as pyarrow converts it), equal to ``pa.array(values, pa.timestamp("s"))``.

    Converted at microsecond unit and cast to seconds, because pyarrow converts datetimes
    to microseconds in C but to seconds value by value; the cast refuses to drop a fraction
    of a second (a profile format with ``%f``), and then the values are converted at second
    unit directly, so the result never differs."""
    try:
        return pa.array(values, pa.timestamp("us")).cast(pa.timestamp("s"))
    except pa.ArrowInvalid:
        return pa.array(values, pa.timestamp("s"))


class _Problems:
    """Collects every mapping problem of a load, then raises one MappingError."""

    def __init__(self) -> None:
        self.orgs: dict[str, int] = {}
        self.tgs: dict[str, int] = {}
        self.answers: dict[tuple[str, str, str], int] = {}
        self.lines: list[str] = []
        self.quoted: set[str] = set()  # cell values quoted in lines or warnings

    def mentioned(self) -> set[str]:
        """Every cell value (``norm_text``) a message of this load may quote."""
        return (set(self.orgs) | set(self.tgs) | {v for _, _, v in self.answers}
                | self.quoted)

    def raise_if_any(self, profile: ExportProfile) -> None:
        parts: list[str] = []
        if self.orgs:
            parts.append(
                f"organisations not in the register or alias list: "
                f"{cap_list(with_count(repr(v), n) for v, n in sorted(self.orgs.items()))} - add "
                "them to dbt_project/seeds/organisation_aliases.csv if they are real spellings"
            )
        if self.tgs:
            parts.append(
                f"target groups not mapped: "
                f"{cap_list(with_count(repr(v), n) for v, n in sorted(self.tgs.items()))} - add "
                "them to the profile's columns.target_group.labels"
            )
        if self.answers:
            by_value: dict[tuple[str, str], list[tuple[str, int]]] = {}
            for (f, c, v), n in self.answers.items():
                by_value.setdefault((f, v), []).append((c, n))
            ordered = sorted(by_value.items(),
                             key=lambda kv: (-sum(n for _, n in kv[1]), kv[0]))
            parts.append(
                "answer values outside the profile's answer mapping: "
                + cap_list(
                    f"{v!r} in {f} column{'s' if len(cols) > 1 else ''} "
                    + cap_list((with_count(repr(c), n) for c, n in cols), limit=10)
                    for (f, v), cols in ordered)
                + " - add them to the profile's answers (labels, dont_know or blank) if they "
                "are valid"
            )
        parts.extend(self.lines)
        if parts:
            raise MappingError(
                f"The export does not map through profile {profile.name}: "
                + "; ".join(parts) + ".",
                {"kind": "mapping", "profile": profile.name,
                 "organisations": dict(self.orgs), "target_groups": dict(self.tgs),
                 "answers": [{"file": f, "column": c, "value": v, "rows": n}
                             for (f, c, v), n in sorted(self.answers.items())],
                 "other": list(self.lines)},
            )


_FIXED_WIDTH_FIELDS = {"%Y": r"(\d{4})", "%m": r"(\d{2})", "%d": r"(\d{2})",
                       "%H": r"(\d{2})", "%M": r"(\d{2})", "%S": r"(\d{2})"}
_TIME_PARTS = ("%Y", "%m", "%d", "%H", "%M", "%S")


@functools.cache
def _fixed_width_time(fmt: str) -> tuple[re.Pattern[str], tuple[int, ...]] | None:
    """For a format made of ``%Y %m %d %H %M %S`` (each at most once, date complete) and
    literal text: a pattern of its zero-padded form and, per group, the index of the part in
    ``_TIME_PARTS``; None for any other format."""
    regex, order = "", []
    for piece in re.split(r"(%.)", fmt):
        if len(piece) == 2 and piece.startswith("%"):
            if piece not in _FIXED_WIDTH_FIELDS or _TIME_PARTS.index(piece) in order:
                return None
            regex += _FIXED_WIDTH_FIELDS[piece]
            order.append(_TIME_PARTS.index(piece))
        elif "%" in piece:
            return None
        else:
            regex += re.escape(piece)
    if not {0, 1, 2} <= set(order):
        return None
    return re.compile(regex), tuple(order)


def _parse_time(cell: Any, fmt: str) -> dt.datetime | None:
    """The submission time of a cell: XLSX datetimes rounded to the second, text parsed with
    the profile's ``strptime`` format; None for an empty cell; raises ValueError for text
    that does not parse. Zero-padded text of a plain numeric format is read directly (the
    same result as ``strptime``, whose locale handling is slow on large exports;
    ``datetime`` checks the ranges); anything else goes through ``strptime``."""
    if isinstance(cell, dt.datetime):
        secs = cell.replace(microsecond=0)
        return secs + dt.timedelta(seconds=1) if cell.microsecond >= 500_000 else secs
    text = str(cell).strip()
    if not text:
        return None
    fixed = _fixed_width_time(fmt)
    match = fixed[0].fullmatch(text) if fixed else None
    if match:
        parts = [0, 1, 1, 0, 0, 0]
        for index, value in zip(fixed[1], match.groups(), strict=True):
            parts[index] = int(value)
        return dt.datetime(*parts)
    return dt.datetime.strptime(text, fmt)


def _map_answers(sheet: RawSheet, item_cols: list[tuple[str, int, int | None]],
                 mapper: AnswerMapper, problems: _Problems,
                 dk_conflicts: dict[str, int]) -> _AnswerBlock:
    """Map every item column of ``sheet`` through the profile's answer mapping, columnar.

    Each column's distinct cells are mapped once (:class:`AnswerMapper`, input-faults §7)
    and the result is spread over the rows with numpy. Unmapped values are counted per
    (file, column, value) into ``problems`` exactly as a per-cell loop would; with separate
    "vet ej" columns a mark turns the answer into dont_know (its raw text is the mark's),
    and a mark beside an answer is counted per item column into ``dk_conflicts``.
    """
    n_rows, n_items = len(sheet.rows), len(item_cols)
    status = np.empty((n_rows, n_items), dtype=np.int8)
    value = np.zeros((n_rows, n_items), dtype=np.int32)
    raw = np.empty((n_rows, n_items), dtype=np.int32)
    raw_ids: dict[str, int] = {}
    mapped_cache: dict[str, tuple[int | None, str] | None] = {}
    codes = {ANSWERED: _ANSWERED, DONT_KNOW: _DONT_KNOW, BLANK: _BLANK}
    columns = _columns([cells for _, cells in sheet.rows],
                       sorted({ci for _, ci, _ in item_cols}
                              | {dki for _, _, dki in item_cols if dki is not None}))

    def raw_id(text: str) -> int:
        return raw_ids.setdefault(text, len(raw_ids))

    for j, (_code, ci, dki) in enumerate(item_cols):
        distinct, index = _distinct_codes(columns[ci])
        d_status = np.empty(len(distinct), dtype=np.int8)
        d_value = np.zeros(len(distinct), dtype=np.int32)
        d_raw = np.empty(len(distinct), dtype=np.int32)
        counts = None
        for k, cell in enumerate(distinct):
            text = _raw_text(cell)
            if text not in mapped_cache:
                mapped_cache[text] = mapper.map(text)
            mapped = mapped_cache[text]
            if mapped is None:
                if counts is None:
                    counts = np.bincount(index, minlength=len(distinct))
                key = (sheet.file_name, sheet.headers[ci], norm_text(text))
                problems.answers[key] = problems.answers.get(key, 0) + int(counts[k])
                mapped = (None, BLANK)
            d_status[k] = codes[mapped[1]]
            d_value[k] = mapped[0] or 0
            d_raw[k] = raw_id(text)
        col_status, col_value, col_raw = d_status[index], d_value[index], d_raw[index]
        if dki is not None:
            dk_distinct, dk_index = _distinct_codes(columns[dki])
            d_mark = np.zeros(len(dk_distinct), dtype=bool)
            d_mark_raw = np.zeros(len(dk_distinct), dtype=np.int32)
            dk_counts = None
            for k, cell in enumerate(dk_distinct):
                text = _raw_text(cell)
                mark = mapper.dont_know_mark(text)
                if mark is None:
                    if dk_counts is None:
                        dk_counts = np.bincount(dk_index, minlength=len(dk_distinct))
                    key = (sheet.file_name, sheet.headers[dki], norm_text(text))
                    problems.answers[key] = problems.answers.get(key, 0) + int(dk_counts[k])
                elif mark:
                    d_mark[k] = True
                    d_mark_raw[k] = raw_id(text)
            marked = d_mark[dk_index]
            conflicts = int(np.count_nonzero(marked & (col_status != _BLANK)))
            if conflicts:
                header = sheet.headers[ci]
                dk_conflicts[header] = dk_conflicts.get(header, 0) + conflicts
            col_status = np.where(marked, np.int8(_DONT_KNOW), col_status)
            col_value = np.where(marked, 0, col_value)
            col_raw = np.where(marked, d_mark_raw[dk_index], col_raw)
        status[:, j], value[:, j], raw[:, j] = col_status, col_value, col_raw
    return _AnswerBlock(status, value, raw, list(raw_ids))


def _extract(sheet: RawSheet, file_index: int, profile: ExportProfile, ref: Reference,
             mapper: AnswerMapper, item_order: list[str], year: int,
             problems: _Problems, warnings: list[str], stats: dict[str, Any],
             mask: IdentityMask) -> tuple[list[_Row], _AnswerBlock]:
    """Map one sheet's rows: background columns per row, answers columnar. Problems are
    collected into ``problems``; the identity-column values that a message would quote are
    added to ``mask``."""
    cmap = map_columns(sheet.file_name, sheet.headers, profile)
    cols = profile.columns
    r = cmap.roles
    for role in OPTIONAL_COLUMNS:
        spec = getattr(cols, role)
        if spec is not None and role not in r:  # required ones missing were rejected above
            warnings.append(missing_optional_column_text(sheet.file_name, role, spec))
    out: list[_Row] = []
    org_cache: dict[str, str | None] = {}
    blank_ids: list[int] = []
    bad_times: list[int] = []
    missing_times: list[int] = []
    wrong_year: dict[int, list[int]] = {}
    tg_labels = {norm_key(k): v for k, v in cols.target_group.labels.items()}
    item_cols = [(code, cmap.items[code], cmap.dont_know.get(code)) for code in item_order]
    year_col: dict[str, list[int]] = {}
    dk_conflicts: dict[str, int] = {}
    failing: list[int] = []  # rows whose organisation or target group does not map
    personal_departments: list[int] = []  # rows whose department holds an e-mail address
    # per distinct cell text: a column of few distinct values is normalised and matched once
    tg_cache: dict[str, str | None] = {}
    dept_cache: dict[str, tuple[str | None, bool]] = {}
    year_cache: dict[str, str] = {}
    for source_row, cells in sheet.rows:
        def text(role: str, cells: list = cells) -> str:
            if role not in r:
                return ""
            v = cells[r[role]]
            return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else str(v)

        rid = norm_text(text("respondent_id"))
        if not rid:
            blank_ids.append(source_row)
        org_raw = text("organisation")
        if org_raw not in org_cache:
            org_cache[org_raw] = ref.match_organisation(org_raw, cols.organisation.match)
        org = org_cache[org_raw]
        if org is None:
            problems.orgs[norm_text(org_raw)] = problems.orgs.get(norm_text(org_raw), 0) + 1
            failing.append(source_row)
        tg_raw = text("target_group")
        if tg_raw not in tg_cache:
            tg_key = norm_key(tg_raw)
            tg_cache[tg_raw] = tg_labels.get(tg_key) or ref.tg_keys.get(tg_key)
        tg = tg_cache[tg_raw]
        if tg is None:
            label = norm_text(tg_raw)
            problems.tgs[label] = problems.tgs.get(label, 0) + 1
            failing.append(source_row)
        submitted = None
        if "submitted_at" in r:
            try:
                submitted = _parse_time(cells[r["submitted_at"]], cols.submitted_at.format)
            except ValueError:
                bad_times.append(source_row)
            else:
                if submitted is None and cols.submitted_at.required:
                    missing_times.append(source_row)
                elif submitted is not None and submitted.year != year:
                    wrong_year.setdefault(submitted.year, []).append(source_row)
        if "survey_year" in r:
            y_raw = text("survey_year")
            if y_raw not in year_cache:
                year_cache[y_raw] = norm_text(y_raw)
            y = year_cache[y_raw]
            if y != str(year):
                year_col.setdefault(y, []).append(source_row)
        dept_raw = text("department")
        if dept_raw not in dept_cache:
            dept_text = norm_text(dept_raw) or None
            dept_cache[dept_raw] = (dept_text,
                                    dept_text is not None and bool(EMAIL.search(dept_text)))
        dept, personal = dept_cache[dept_raw]
        if personal:
            personal_departments.append(source_row)
        email = text("email") if "email" in r else None
        out.append(_Row(file_index, sheet.file_name, source_row, rid, email, submitted,
                        org or "", tg or "", dept, len(out)))
    block = _map_answers(sheet, item_cols, mapper, problems, dk_conflicts)
    name = sheet.file_name
    footer_hint = _footer_hint(name, [i for i, _ in sheet.rows], failing + blank_ids)
    if footer_hint:
        problems.lines.append(footer_hint)
    if blank_ids:
        problems.lines.append(f"{name}: respondent id empty on {row_list(blank_ids)}")
    if personal_departments:
        # the department is published as text: personal data there would reach every output
        problems.lines.append(
            f"{name}: the department column holds an e-mail address (personal data, never "
            f"published) on {row_list(personal_departments)}; the columns may be shifted or "
            "the cell filled in wrongly - fix the export"
        )
    if bad_times:
        problems.lines.append(
            f"{name}: submission time does not match format {cols.submitted_at.format!r} "
            f"on {row_list(bad_times)}"
        )
    if missing_times:
        problems.lines.append(f"{name}: submission time empty on {row_list(missing_times)}")
    if dk_conflicts:
        problems.lines.append(
            f"{name}: both an answer and a 'vet ej' mark for the same item: "
            + cap_list(with_count(c, n) for c, n in sorted(dk_conflicts.items()))
        )
    problems.quoted.update(year_col)
    mentioned = problems.mentioned()
    if mentioned and cmap.identity:
        for _, cells in sheet.rows:
            for ci in cmap.identity:
                cell = cells[ci]
                if isinstance(cell, str) and cell and norm_text(cell) in mentioned:
                    mask.add([cell])
    if profile.year_rule == "warn":
        stats["rows_outside_year"] += len({x for v in [*year_col.values(), *wrong_year.values()]
                                           for x in v})
    _report_outside_year(
        year_col, f"the year column says another year than {year} on {{rows}}",
        "wrong landing folder or wrong year column", name, profile, problems, warnings,
    )
    _report_outside_year(
        wrong_year, f"{{submissions}} dated outside {year}",
        "wrong landing folder or wrong dates", name, profile, problems, warnings,
    )
    return out, block


def _report_outside_year(
    rows_by_year: dict[Any, list[int]],
    head: str,
    cause: str,
    name: str,
    profile: ExportProfile,
    problems: _Problems,
    warnings: list[str],
) -> None:
    """The profile's ``year_rule`` applied to rows of another year than the survey year
    (``rows_by_year``: each other year, as read, to its file rows; nothing when empty):
    ``reject`` adds a problem (the file is refused; ``cause`` says what is likely wrong),
    ``warn`` a warning (the rows are loaded). The message is ``head`` with ``{rows}`` or
    ``{submissions}`` the number of rows and its noun ("1 row", "2 submissions"), then the
    rows per year and the rows themselves in parentheses."""
    if not rows_by_year:
        return
    n = sum(len(v) for v in rows_by_year.values())
    detail = ", ".join(f"{y!r}: {count_text(len(v), 'row')}"
                       for y, v in sorted(rows_by_year.items()))
    head = head.format(rows=count_text(n, "row"), submissions=count_text(n, "submission"))
    msg = f"{name}: {head} ({detail}; {row_list([x for v in rows_by_year.values() for x in v])})"
    if profile.year_rule == "reject":
        problems.lines.append(f"{msg} - {cause}")
    else:
        warnings.append(msg + " - loaded (year_rule: warn)")


#: at most this many failing rows at the end of a file are pointed to file.skip_rows_below
FOOTER_ROWS_MAX = 3


def _footer_hint(name: str, data_rows: list[int], failing: list[int]) -> str | None:
    """A hint when every row that fails to map (blank id, unmatched organisation or target
    group) is among the last data rows of the file, at most :data:`FOOTER_ROWS_MAX` of them
    and running to its end: they look like a totals or footer block, which the profile's
    ``file.skip_rows_below`` leaves out."""
    bad = sorted(set(failing))
    if not bad or len(bad) > FOOTER_ROWS_MAX or bad != data_rows[-len(bad):]:
        return None
    k = len(bad)
    return (f"{name}: only the last {'data row' if k == 1 else f'{k} data rows'} "
            f"({row_list(bad)}) fail{'s' if k == 1 else ''} to map - if "
            f"{'it is a totals or footer row' if k == 1 else 'they are totals or footer rows'}"
            f", set file.skip_rows_below: {k} in the profile")


def _deduplicate(rows: list[_Row], secret: bytes, year: int
                 ) -> tuple[list[tuple[str, _Row]], int]:
    """Duplicate rule (input-faults §9): one respondent identity (the e-mail when present,
    else the tool's respondent id) submitted more than once in a year -> keep the latest
    ``submitted_at`` (ties and missing times: the later file, then the later row), drop the
    others and count them."""
    best: dict[str, tuple[tuple, _Row]] = {}
    for row in rows:
        pid = pseudonym(secret, identity_message(year, row.email, row.respondent_raw))
        rank = (row.submitted_at or dt.datetime.min, row.file_index, row.source_row)
        if pid not in best or rank > best[pid][0]:
            best[pid] = (rank, row)
    kept = sorted(((pid, row) for pid, (_, row) in best.items()),
                  key=lambda t: (t[1].file_index, t[1].source_row))
    return kept, len(rows) - len(kept)


def _answers_table(kept: list[tuple[str, _Row]], blocks: list[_AnswerBlock],
                   item_order: list[str], year: int) -> tuple[pa.Table, dict[str, int]]:
    """The ``survey_answers`` table (contract §3) of the kept respondents, in their order
    (file, then row) with items in codebook order, built from the files' answer blocks with
    numpy/pyarrow (no per-answer Python). Returns the table and counts per answer_status."""
    n_items = len(item_order)
    status_names = pa.array(STATUS_NAMES, pa.string())
    items = pa.array(item_order, pa.string())
    tables: list[pa.Table] = []
    totals = np.zeros(len(STATUS_NAMES), dtype=np.int64)
    for file_index, block in enumerate(blocks):
        picked = [(pid, row.position) for pid, row in kept if row.file_index == file_index]
        if not picked:
            continue
        pids = pa.array([pid for pid, _ in picked], pa.string())
        pos = np.fromiter((p for _, p in picked), dtype=np.int64, count=len(picked))
        status = block.status[pos].ravel()
        value = block.value[pos].ravel()
        raw = block.raw[pos].ravel()
        n = len(picked)
        totals += np.bincount(status, minlength=len(STATUS_NAMES))
        tables.append(pa.table({
            "survey_year": pa.array(np.full(n * n_items, year, dtype=np.int32)),
            "respondent_id": pids.take(pa.array(np.repeat(np.arange(n), n_items))),
            "item_code": pa.concat_arrays([items] * n),  # the codebook order, row after row
            "answer_value": pa.array(value, pa.int32(), mask=status != _ANSWERED),
            "answer_status": status_names.take(pa.array(status)),
            "answer_raw": pa.array(block.raw_texts, pa.string()).take(pa.array(raw)),
        }, schema=SURVEY_ANSWERS))
    answers = (pa.concat_tables(tables).combine_chunks() if tables
               else SURVEY_ANSWERS.empty_table())
    counts = {name: int(totals[k]) for k, name in enumerate(STATUS_NAMES)}
    return answers, counts


def ingest_year(landing_year_dir: Path, year: int, *, secret: bytes,
                profiles_dir: Path = PROFILES_DIR, seeds_dir: Path = SEEDS_DIR,
                profile: str | None = None,
                on_rows: Callable[[str, int, int | None], None] | None = None) -> IngestResult:
    """Ingest every export file of ``landing_year_dir`` plus its ``invitations.csv``.

    Args:
        landing_year_dir: ``$MOGNAD_DATA_DIR/landing/<year>/``.
        year: the survey year the folder stands for.
        secret: HMAC key for pseudonyms (see :func:`load_secret`).
        profile: profile name overriding profile.txt / applies_to_years.
        on_rows: told how far the read of each export file is, as ``(file name, rows read,
            rows of its sheet or None)`` (:mod:`pipelines.ingest.readers`: every
            ``PROGRESS_EVERY_ROWS`` rows); it only watches.

    The read runs with the garbage collector paused (``pipelines.collector.collector_paused``).

    Returns:
        IngestResult whose tables follow data-contracts §3: ``survey_answers`` has one row
        per kept respondent and item of the profile's instrument version (codebook order),
        identity columns and ignored columns appear nowhere. Warnings and error messages
        pass through :class:`~pipelines.ingest.masking.IdentityMask`: no identity value or
        e-mail address is in them.

    Raises:
        ProfileError: no usable profile, or the profile's items differ from the codebook's
            items of its instrument version.
        ExportFormatError: a file cannot be read as the profile says (input-faults §1–6, 11).
        MappingError: unmapped columns, answers, organisations, target groups; blank ids;
            bad or missing times; submissions dated outside ``year`` under
            ``year_rule: reject`` (input-faults §5, 7, 8, 10); invalid invitations.csv.
    """
    folder = Path(landing_year_dir)
    prof = (load_profile(profile, profiles_dir) if profile
            else resolve_profile(folder, year, profiles_dir))
    mask = IdentityMask()
    try:
        with collector_paused():
            result = _ingest(folder, year, prof, secret, seeds_dir, mask, on_rows)
    except IngestError as exc:
        exc.details.setdefault("profile", prof.name)
        mask.error(exc)
        raise
    result.warnings = [mask.text(w) for w in result.warnings]
    return result


def check_profile_items(prof: ExportProfile, ref: Reference) -> list[str]:
    """Check the profile against the seeds; return the codebook's item codes (questionnaire
    order) for the profile's instrument version.

    Raises:
        ProfileError: unknown instrument version; target-group labels mapped to codes not in
        target_groups.csv; the profile's item codes differ from the codebook's (names the
        missing and extra codes).
    """
    if prof.instrument_version not in ref.items:
        raise ProfileError(
            f"Profile {prof.name} names instrument version {prof.instrument_version!r}, which "
            f"is not in instrument_items.csv ({cap_list(sorted(ref.items))}).",
            {"profile": prof.name},
        )
    unknown_tg = sorted({v for v in prof.columns.target_group.labels.values()
                         if v not in ref.target_groups})
    if unknown_tg:
        raise ProfileError(
            f"Profile {prof.name} maps target-group labels to codes not in "
            f"target_groups.csv: {cap_list(unknown_tg)} (known: "
            f"{cap_list(sorted(ref.target_groups))}).",
            {"profile": prof.name, "unknown_target_groups": unknown_tg},
        )
    order = ref.items[prof.instrument_version]
    missing = [c for c in order if c not in prof.items]
    extra = [c for c in prof.items if c not in order]
    if missing or extra:
        raise ProfileError(
            f"Profile {prof.name} items differ from codebook {prof.instrument_version}: "
            f"missing {cap_list(missing) or 'none'}; not in the codebook "
            f"{cap_list(extra) or 'none'}.",
            {"profile": prof.name, "missing": missing, "extra": extra},
        )
    return order


def _ingest(folder: Path, year: int, prof: ExportProfile, secret: bytes,
            seeds_dir: Path, mask: IdentityMask,
            on_rows: Callable[[str, int, int | None], None] | None = None) -> IngestResult:
    ref = load_reference(seeds_dir)
    item_order = check_profile_items(prof, ref)
    exports, warnings = find_export_files(folder, prof)
    mapper = AnswerMapper(prof.answers, prof.file.decimal)
    problems = _Problems()
    stats: dict[str, Any] = {"files": len(exports), "rows_read": 0, "empty_rows_skipped": 0,
                             "rows_outside_year": 0}
    input_files: list[dict[str, Any]] = []
    rows: list[_Row] = []
    blocks: list[_AnswerBlock] = []
    for i, path in enumerate(exports):
        sheet = read_export(path, prof.file,
                            None if on_rows is None else functools.partial(on_rows, path.name))
        warnings.extend(sheet.notes)
        stats["rows_read"] += len(sheet.rows)
        stats["empty_rows_skipped"] += sheet.empty_rows_skipped
        file_rows, block = _extract(sheet, i, prof, ref, mapper, item_order, year, problems,
                                    warnings, stats, mask)
        rows.extend(file_rows)
        blocks.append(block)
        input_files.append(file_facts(path, "export", len(sheet.rows)))
        del sheet, file_rows  # the cells are in the answer block now
    problems.raise_if_any(prof)

    kept, removed = _deduplicate(rows, secret, year)
    if removed:
        warnings.append(f"duplicate rule fired: {removed} earlier submissions of a respondent "
                        "identity dropped, the latest kept")
    inv_path = folder / INVITATIONS_FILE
    if inv_path.is_file():
        invitations = read_invitations(inv_path, year, ref)
        input_files.append(file_facts(inv_path, "invitations", invitations.num_rows))
    else:
        invitations = empty_invitations()
        warnings.append(f"no {INVITATIONS_FILE}: every response rate of {year} is unknown")
    if (folder / PROFILE_FILE).is_file():
        input_files.append(file_facts(folder / PROFILE_FILE, "profile", None))

    resp = {c: [] for c in RESPONDENTS.names}
    for pid, row in kept:
        resp["survey_year"].append(year)
        resp["respondent_id"].append(pid)
        resp["organisation_code"].append(row.organisation_code)
        resp["target_group"].append(row.target_group)
        resp["department"].append(row.department)
        resp["submitted_at"].append(row.submitted_at)
        resp["instrument_version"].append(prof.instrument_version)
        resp["source_file"].append(row.source_file)
        resp["source_row"].append(row.source_row)
    resp["submitted_at"] = _seconds(resp["submitted_at"])
    respondents = pa.table(resp, schema=RESPONDENTS)
    answers, counts = _answers_table(kept, blocks, item_order, year)

    # invited below respondents is for the validation stage to judge; say it here too.
    if invitations.num_rows:
        n_by_cell: dict[tuple[str, str], int] = {}
        for _, row in kept:
            key = (row.organisation_code, row.target_group)
            n_by_cell[key] = n_by_cell.get(key, 0) + 1
        for org, tg, inv in zip(invitations["organisation_code"].to_pylist(),
                                invitations["target_group"].to_pylist(),
                                invitations["invited"].to_pylist(), strict=True):
            if inv is not None and n_by_cell.get((org, tg), 0) > inv:
                answered = count_text(n_by_cell[(org, tg)], "respondent")
                warnings.append(f"{org}/{tg}: {answered} but only {inv} invited")
    stats.update({
        "respondents": respondents.num_rows, "duplicates_removed": removed,
        "answers": answers.num_rows, "answered": counts[ANSWERED],
        "dont_know": counts[DONT_KNOW], "blank": counts[BLANK],
        "organisations": len(set(resp["organisation_code"])),
        "invitation_rows": invitations.num_rows,
    })
    return IngestResult(year, prof.name, prof.instrument_version,
                        {"survey_answers": answers, "respondents": respondents,
                         "invitations": invitations},
                        input_files, stats, warnings)


def write_tables(result: IngestResult, out_dir: Path) -> dict[str, Path]:
    """Write the result's tables as ``out_dir/<table>.parquet`` with their explicit schemas.

    Each file is written to a temporary name in ``out_dir`` and renamed into place, so a
    reader never sees a half-written file. Returns table name -> path.
    """
    from .schemas import SCHEMAS

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, schema in SCHEMAS.items():
        table = result.tables[name]
        if not table.schema.equals(schema):
            table = table.cast(schema)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, out / f"{name}.parquet")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        paths[name] = out / f"{name}.parquet"
    return paths
