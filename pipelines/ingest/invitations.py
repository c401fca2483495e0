"""Read and validate ``invitations.csv`` (data-contracts.md §2; ingest brief rule 12)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyarrow as pa

from .errors import ExportFormatError, MappingError, cap_list, row_list
from .normalise import norm_header
from .readers import check_file_kind
from .reference import Reference
from .schemas import INVITATIONS

INVITATION_COLUMNS = ["organisation_code", "target_group", "invited", "invitation_method"]
_INT = re.compile(r"^\d+$")


def read_invitations(path: Path, year: int, ref: Reference) -> pa.Table:
    """Parse ``invitations.csv`` into the ``invitations`` table (schema in schemas.py).

    Rules: UTF-8 (a BOM is removed), comma, header exactly ``organisation_code,target_group,
    invited,invitation_method`` (any order, normalised names, no extra columns);
    ``organisation_code`` must be a register code written exactly (``0604``, not ``604``);
    ``target_group`` a code from target_groups.csv; ``invitation_method`` ``email`` (``invited``
    a non-negative integer, digits only) or ``link`` (``invited`` empty -> null); one row per
    organisation and target group.

    Raises:
        ExportFormatError: broken file, invalid UTF-8, bad header, malformed CSV, row shape.
        MappingError: unknown codes, bad counts or methods, duplicate pairs (all listed).
    """
    name = Path(path).name
    data = check_file_kind(Path(path), "csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportFormatError(
            f"{name} is not valid UTF-8 (byte offset {exc.start}); save it as UTF-8.",
            {"file": name, "kind": "decode_error"},
        ) from exc
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise ExportFormatError(f"{name} is malformed CSV ({exc}).",
                                {"file": name, "kind": "malformed_csv"}) from exc
    records = [r for r in records if any(c.strip() for c in r)]
    if not records:
        raise ExportFormatError(f"{name} is empty.", {"file": name, "kind": "empty_file"})
    header = [norm_header(h) for h in records[0]]
    if sorted(header) != sorted(INVITATION_COLUMNS):
        raise ExportFormatError(
            f"{name} must have the columns {', '.join(INVITATION_COLUMNS)}; found "
            f"{cap_list(records[0])}.",
            {"file": name, "kind": "bad_header", "found": records[0]},
        )
    pos = {h: header.index(h) for h in INVITATION_COLUMNS}
    problems: list[str] = []
    bad_shape = [i for i, r in enumerate(records[1:], start=1) if len(r) != len(header)]
    if bad_shape:
        raise ExportFormatError(
            f"{name} has rows with a field count different from the header's on "
            f"{row_list(bad_shape)}.",
            {"file": name, "kind": "row_shape", "rows": bad_shape},
        )
    out = {c: [] for c in INVITATION_COLUMNS}
    unknown_org: dict[str, list[int]] = {}
    unknown_tg: dict[str, list[int]] = {}
    bad_method: dict[str, list[int]] = {}
    bad_count: list[int] = []
    link_with_count: list[int] = []
    seen: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(records[1:], start=1):
        org = r[pos["organisation_code"]].strip()
        tg = r[pos["target_group"]].strip()
        inv = r[pos["invited"]].strip()
        method = r[pos["invitation_method"]].strip().lower()
        if org not in ref.organisations:
            unknown_org.setdefault(org, []).append(i)
        if tg not in ref.target_groups:
            unknown_tg.setdefault(tg, []).append(i)
        if method == "email":
            if not _INT.match(inv):
                bad_count.append(i)
                value = None
            else:
                value = int(inv)
        elif method == "link":
            if inv:
                link_with_count.append(i)
            value = None
        else:
            bad_method.setdefault(method, []).append(i)
            value = None
        seen.setdefault((org, tg), []).append(i)
        out["organisation_code"].append(org)
        out["target_group"].append(tg)
        out["invited"].append(value)
        out["invitation_method"].append(method)
    for val, rows in unknown_org.items():
        problems.append(f"unknown organisation_code {val!r} on {row_list(rows)}")
    for val, rows in unknown_tg.items():
        problems.append(f"unknown target_group {val!r} on {row_list(rows)}")
    for val, rows in bad_method.items():
        problems.append(f"invitation_method {val!r} is neither email nor link on "
                        f"{row_list(rows)}")
    if bad_count:
        problems.append(f"invited is not a non-negative integer for an email invitation on "
                        f"{row_list(bad_count)}")
    if link_with_count:
        problems.append(f"invited must be empty for a link invitation on "
                        f"{row_list(link_with_count)}")
    for (org, tg), rows in seen.items():
        if len(rows) > 1:
            problems.append(f"organisation_code {org!r} with target_group {tg!r} repeated: "
                            f"the same pair on {row_list(rows)}")
    if problems:
        raise MappingError(
            f"{name} is invalid: {'; '.join(problems[:20])}"
            + (f"; and {len(problems) - 20} more problems" if len(problems) > 20 else "")
            + " (data row 1 = first row below the header).",
            {"file": name, "kind": "invitations", "problems": problems},
        )
    n = len(out["organisation_code"])
    return pa.table(
        {"survey_year": pa.array([year] * n, pa.int32()),
         "organisation_code": pa.array(out["organisation_code"], pa.string()),
         "target_group": pa.array(out["target_group"], pa.string()),
         "invited": pa.array(out["invited"], pa.int32()),
         "invitation_method": pa.array(out["invitation_method"], pa.string())},
        schema=INVITATIONS,
    )


def empty_invitations() -> pa.Table:
    """The invitations table with no rows (no invitations.csv: every rate is unknown)."""
    return INVITATIONS.empty_table()
