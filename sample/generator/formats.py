"""Writers for the three export formats seen in the reference county's landing area.

Each writer takes the year's respondents (sorted, with ``running_id`` set) and the items of
the year's instrument version in questionnaire order, and writes one file whose item
columns are ``F01``, ``F02``, … in that order. The exact shapes are those of the export
profiles ``dimios_2018_csv``, ``dimios_2019_xlsx`` and ``dimios_2020_csv`` (see
``sample/README.md``). Output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from .model import DONT_KNOW, Invitation, Respondent
from .reference import Category, Item

#: Target group labels in the 2018 and 2019 exports (column ``Respondentgrupp``).
GROUP_LABELS_2018: dict[str, str] = {
    "fortroendevalda": "Förtroendevald",
    "kommunledning": "Kommunledning",
    "forvaltningsledning": "Förvaltningsledning",
    "strateger": "Strateg/verksamhetsutvecklare",
    "systemansvariga": "Systemansvarig",
}

#: Target group labels in the 2020 export (column ``Målgrupp``).
GROUP_LABELS_2020: dict[str, str] = {
    "fortroendevalda": "Förtroendevalda",
    "kommunledning": "Kommunledning",
    "forvaltningsledning": "Förvaltningsledning",
    "strateger": "Strateger",
    "systemansvariga": "Systemansvariga",
}

#: Answer labels of the 2019 export (scale value -> label); "vet ej" is ``Vet ej``.
ANSWER_LABELS_2019: dict[int, str] = {
    1: "Instämmer inte alls",
    2: "Instämmer till liten del",
    3: "Instämmer delvis",
    4: "Instämmer till stor del",
    5: "Instämmer helt",
}
DONT_KNOW_LABEL_2019 = "Vet ej"

#: "Vet ej" code in the 2020 export.
DONT_KNOW_CODE_2020 = "99"


def item_columns(n_items: int) -> list[str]:
    """``["F01", "F02", …]`` for ``n_items`` items (questionnaire order)."""
    return [f"F{i:02d}" for i in range(1, n_items + 1)]


def _numeric_answer(value: int | str | None, dont_know: str) -> str:
    if value is None:
        return ""
    if value == DONT_KNOW:
        return dont_know
    return str(value)


def write_2018_csv(path: Path, respondents: Sequence[Respondent], items: Sequence[Item]) -> None:
    """Write the 2018 export: Windows-1252, ``;``, CRLF, one header row.

    Columns: Respondent, Inskickad (``YYYY-MM-DD HH:MM``), Organisation (name as spelled),
    Respondentgrupp (``GROUP_LABELS_2018``), Förvaltning, Namn, E-post, F01…Fnn, Kommentar.
    Answers ``1``–``5``, ``Vet ej`` or empty. Raises UnicodeEncodeError if any text is
    outside cp1252 (never silently replaced).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    header = ["Respondent", "Inskickad", "Organisation", "Respondentgrupp", "Förvaltning", "Namn",
              "E-post", *item_columns(len(items)), "Kommentar"]  # fmt: skip
    writer.writerow(header)
    for r in respondents:
        writer.writerow(
            [
                r.running_id,
                r.submitted_at.strftime("%Y-%m-%d %H:%M"),
                r.organisation_label,
                GROUP_LABELS_2018[r.target_group],
                r.department or "",
                r.name,
                r.email,
                *(_numeric_answer(r.answers[i.item_code], "Vet ej") for i in items),
                r.comment or "",
            ]
        )
    path.write_bytes(buffer.getvalue().encode("cp1252", errors="strict"))


def write_2020_csv(path: Path, respondents: Sequence[Respondent], items: Sequence[Item]) -> None:
    """Write the 2020 export: UTF-8 with BOM, ``,``, LF, minimal ``"`` quoting.

    Columns: RespondentID, Skickad (ISO ``YYYY-MM-DDTHH:MM:SS``), Kommunkod (SCB code text,
    region ``06``), Målgrupp (``GROUP_LABELS_2020``), Enhet, Epost, F01…Fnn. Answers
    ``1``–``5``, ``99`` for "vet ej", empty for blank.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["RespondentID", "Skickad", "Kommunkod", "Målgrupp", "Enhet", "Epost",
                     *item_columns(len(items))])  # fmt: skip
    for r in respondents:
        writer.writerow(
            [
                r.running_id,
                r.submitted_at.strftime("%Y-%m-%dT%H:%M:%S"),
                r.organisation_code,
                GROUP_LABELS_2020[r.target_group],
                r.department or "",
                r.email,
                *(_numeric_answer(r.answers[i.item_code], DONT_KNOW_CODE_2020) for i in items),
            ]
        )
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def vary_label(label: str, rng: np.random.Generator, share: float = 0.05) -> str:
    """With probability ``share``, return a hand-typed variant of an answer label: lower
    case, upper case, surrounding spaces, or a doubled inner space; else ``label``."""
    if rng.random() >= share:
        return label
    kind = int(rng.integers(4))
    if kind == 0:
        return label.lower()
    if kind == 1:
        return label.upper()
    if kind == 2:
        return f" {label} "
    return label.replace(" ", "  ", 1) if " " in label else f"{label} "


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry one fixed timestamp (for byte-identical XLSX)."""

    fixed_time: tuple[int, int, int, int, int, int] = (2019, 11, 15, 8, 0, 0)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # noqa: D102
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.fixed_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # noqa: D102
        # openpyxl streams each worksheet to a temporary file and adds it with write(),
        # which would stamp the file's mtime: add its bytes with the fixed time instead.
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes(),
                      compress_type, compresslevel)  # fmt: skip


def write_2019_xlsx(
    path: Path,
    respondents: Sequence[Respondent],
    items: Sequence[Item],
    categories: Sequence[Category],
    rng: np.random.Generator,
    document_time: dt.datetime,
) -> None:
    """Write the 2019 export: one sheet ``Svar`` with a two-row header.

    Row 1: for each category block of item columns, ``"<Kategori> – hur väl stämmer
    påståendena?"`` in the block's first cell, merged across the block; empty over the
    background columns. Row 2: Respondent, Inskickad, Organisation, Respondentgrupp,
    Förvaltning, E-post, F01…Fnn. ``Inskickad`` holds Excel datetime cells; answers are
    label text (``ANSWER_LABELS_2019``, ``Vet ej``) with about 5 % case/spacing variants
    (``vary_label``); blanks are empty cells. The document properties and every zip entry
    carry ``document_time`` so the file is byte-identical for identical input.
    Raises ValueError if the items of a category are not contiguous.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Svar"
    background = ["Respondent", "Inskickad", "Organisation", "Respondentgrupp", "Förvaltning",
                  "E-post"]  # fmt: skip
    columns = [*background, *item_columns(len(items))]
    names = {c.category_code: c.name_sv for c in categories}

    first_col = len(background) + 1
    blocks: list[tuple[str, int, int]] = []
    for offset, item in enumerate(items):
        col = first_col + offset
        if blocks and blocks[-1][0] == item.category_code:
            blocks[-1] = (item.category_code, blocks[-1][1], col)
        else:
            if any(b[0] == item.category_code for b in blocks):
                raise ValueError(f"items of category {item.category_code} are not contiguous")
            blocks.append((item.category_code, col, col))
    for code, start, end in blocks:
        ws.cell(row=1, column=start, value=f"{names[code]} – hur väl stämmer påståendena?")
        if end > start:
            ws.merge_cells(start_row=1, start_column=start, end_row=1, end_column=end)

    for col, name in enumerate(columns, start=1):
        ws.cell(row=2, column=col, value=name)

    for row, r in enumerate(respondents, start=3):
        ws.cell(row=row, column=1, value=r.running_id)
        stamp = ws.cell(row=row, column=2, value=r.submitted_at)
        stamp.number_format = "yyyy-mm-dd hh:mm"
        ws.cell(row=row, column=3, value=r.organisation_label)
        ws.cell(row=row, column=4, value=GROUP_LABELS_2018[r.target_group])
        if r.department:
            ws.cell(row=row, column=5, value=r.department)
        ws.cell(row=row, column=6, value=r.email)
        for offset, item in enumerate(items):
            value = r.answers[item.item_code]
            if value is None:
                continue
            label = DONT_KNOW_LABEL_2019 if value == DONT_KNOW else ANSWER_LABELS_2019[int(value)]
            ws.cell(row=row, column=first_col + offset, value=vary_label(label, rng))

    wb.properties.creator = "mognad sample generator"
    wb.properties.created = document_time
    wb.properties.modified = document_time
    archive = _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.fixed_time = document_time.timetuple()[:6]
    ExcelWriter(wb, archive).save()  # save_workbook() would stamp "modified" with now()


def write_invitations(path: Path, invitations: Sequence[Invitation]) -> None:
    """Write ``invitations.csv`` (contract §2): UTF-8, ``,``, LF, header
    ``organisation_code,target_group,invited,invitation_method``; ``invited`` empty for
    ``link``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["organisation_code", "target_group", "invited", "invitation_method"])
    for inv in invitations:
        invited = "" if inv.invited is None else str(inv.invited)
        writer.writerow([inv.organisation_code, inv.target_group, invited, inv.invitation_method])
    path.write_bytes(buffer.getvalue().encode("utf-8"))
