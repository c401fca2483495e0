"""Builders for small export files shaped like the bundled sample (h1 brief, Step 3)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "dbt_project" / "seeds"
SECRET = b"test-secret-key-0123456789abcdef"


def codebook(version: str) -> list[str]:
    """Item codes of a version in sort order, read straight from the seed."""
    with (SEEDS / "instrument_items.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["instrument_version"] == version]
    return [r["item_code"] for r in sorted(rows, key=lambda r: int(r["sort_order"]))]


ITEM_COLS = [f"F{i:02d}" for i in range(1, 37)]

HEAD_2018 = ["Respondent", "Inskickad", "Organisation", "Respondentgrupp", "Förvaltning",
             "Namn", "E-post", *ITEM_COLS, "Kommentar"]
HEAD_2019 = ["Respondent", "Inskickad", "Organisation", "Respondentgrupp", "Förvaltning",
             "E-post", *ITEM_COLS]
HEAD_2020 = ["RespondentID", "Skickad", "Kommunkod", "Målgrupp", "Enhet", "Epost", *ITEM_COLS]


def answers(*first: str, fill: str = "3") -> list[str]:
    """36 answer cells: ``first`` then ``fill``."""
    return list(first) + [fill] * (36 - len(first))


def csv_text(header: list[str], rows: list[list[str]], delimiter: str, newline: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quotechar='"')
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write_2018(folder: Path, rows: list[list[str]], header: list[str] | None = None,
               name: str = "dimios_export_2018.csv", profile: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(csv_text(header or HEAD_2018, rows, ";", "\r\n").encode("cp1252"))
    if profile:
        (folder / "profile.txt").write_text("dimios_2018_csv\n", encoding="utf-8")
    return path


def row_2018(rid: str, when: str, org: str, group: str, dept: str, name: str, email: str,
             ans: list[str], comment: str = "") -> list[str]:
    return [rid, when, org, group, dept, name, email, *ans, comment]


def write_2020(folder: Path, rows: list[list[str]], header: list[str] | None = None,
               name: str = "dimios_export_2020.csv", profile: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(csv_text(header or HEAD_2020, rows, ",", "\n").encode("utf-8-sig"))
    if profile:
        (folder / "profile.txt").write_text("dimios_2020_csv\n", encoding="utf-8")
    return path


BLOCKS_2018 = [("Effektivitet – hur väl stämmer påståendena?", 7),
               ("Innovation – hur väl stämmer påståendena?", 6),
               ("Balansering – hur väl stämmer påståendena?", 6),
               ("Organisation – hur väl stämmer påståendena?", 5),
               ("Användare – hur väl stämmer påståendena?", 5),
               ("Teknik – hur väl stämmer påståendena?", 7)]


def write_2019(folder: Path, rows: list[list[object]], header: list[str] | None = None,
               name: str = "dimios_export_2019.xlsx", profile: bool = True,
               sheet: str = "Svar") -> Path:
    """Two-row header: category question merged over its item columns (row 1)."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    head = header or HEAD_2019
    ws.append([None] * len(head))
    ws.append(head)
    col = head.index("F01") + 1 if "F01" in head else None
    if col:
        for text, width in BLOCKS_2018:
            ws.cell(row=1, column=col, value=text)
            ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + width - 1)
            col += width
    for r in rows:
        ws.append(r)
    path = folder / name
    wb.save(path)
    if profile:
        (folder / "profile.txt").write_text("dimios_2019_xlsx\n", encoding="utf-8")
    return path


def write_invitations(folder: Path, lines: list[str]) -> Path:
    path = folder / "invitations.csv"
    text = "organisation_code,target_group,invited,invitation_method\n" + "".join(
        ln + "\n" for ln in lines)
    path.write_text(text, encoding="utf-8")
    return path


T = dt.datetime


@pytest.fixture
def secret() -> bytes:
    return SECRET


def custom_profile(tmp_path: Path, base: str, changes: dict) -> Path:
    """Copy profile ``base`` into ``tmp_path/profiles`` with nested ``changes`` applied
    (a value of None deletes the key); returns the profiles folder."""
    import yaml

    data = yaml.safe_load((REPO / "profiles" / f"{base}.yaml").read_text(encoding="utf-8"))

    def merge(dst: dict, src: dict) -> None:
        for k, v in src.items():
            if v is None:
                dst.pop(k, None)
            elif isinstance(v, dict) and isinstance(dst.get(k), dict):
                merge(dst[k], v)
            else:
                dst[k] = v

    merge(data, changes)
    out = tmp_path / "profiles"
    out.mkdir(exist_ok=True)
    (out / f"{base}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    return out


def ok_row_2018(rid: str = "1", org: str = "Aneby", ans: list[str] | None = None,
                comment: str = "") -> list[str]:
    return row_2018(rid, "2018-10-15 14:03", org, "Kommunledning", "Soc", "N", "",
                    ans or answers(), comment)


def ok_row_2020(rid: str = "1", org: str = "0604", ans: list[str] | None = None) -> list[str]:
    return [rid, "2020-10-12T09:30:00", org, "Strateger", "Soc", "", *(ans or answers())]
