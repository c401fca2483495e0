"""The action register: the handlingsplan template read back, strict validation with file,
row and column named, quarantine, the earlier accepted version kept in force, the status
history between loads."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.actions.columns import ACTIONS_SHEET, headers
from pipelines.actions.register import (
    FileRejected,
    Measurements,
    load_register,
    read_action_file,
)
from pipelines.actions.template import build_template
from pipelines.settings import DataPaths

NOW = dt.datetime(2021, 5, 1, 12, 0, tzinfo=dt.UTC)
KEPT = " och följer med senare publiceringar så länge det den bygger på är oförändrat."
"""The end of a template's origin line: it stays true in a later snapshot that keeps it."""
JKPG = {"organisation_code": "0680", "organisation_name": "Jönköpings kommun"}


def _raw_respondents(root: Path, year: int, last: dt.datetime | None) -> None:
    folder = root / "warehouse" / "raw" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({
        "survey_year": [year, year],
        "organisation_code": ["0680", "0680"],
        "submitted_at": [last - dt.timedelta(days=3) if last else None, last],
    }), folder / "respondents.parquet")


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    """A data root where Jönköping (0680) was measured in 2019 (last answer 15 Oct 2019) and
    2020 (no submission times)."""
    _raw_respondents(tmp_path, 2019, dt.datetime(2019, 10, 15, 9, 30))
    _raw_respondents(tmp_path, 2020, None)
    (tmp_path / "actions").mkdir()
    return DataPaths(tmp_path)


def _template(path: Path) -> Path:
    return build_template(path, JKPG, 2020, [2019, 2020], [
        {"applies_to": "category", "category_name_sv": "Innovation", "category_index": 42.04,
         "recommendation_title_sv": "Titel", "recommendation_sv": "Text."}])


def _filled(path: Path, **changes) -> Path:
    """The template with two actions for 2019 in rows 2 and 3; ``changes`` maps cell
    coordinates of the Åtgärder sheet to new values."""
    _template(path)
    book = openpyxl.load_workbook(path)
    sheet = book[ACTIONS_SHEET]
    row2 = {"C": 2019, "D": "Inför en förvaltningsmodell", "E": "Effektivitet",
            "F": "Systemförvaltning och projektform", "G": "kommunstyrelsen",
            "H": dt.datetime(2020, 3, 16), "I": "IT-enheten", "J": "pågår", "K": "2021-06-30",
            "L": "Anna på IT driver arbetet"}
    row3 = {"C": 2019, "D": "Chefsutbildning", "E": "organisation", "G": "ledningsgruppen",
            "H": "2020-02-10", "I": "HR-avdelningen", "J": "Planerad"}
    for row, values in ((2, row2), (3, row3)):
        for col, value in values.items():
            sheet[f"{col}{row}"] = value
    for coord, value in changes.items():
        coord, _, number_format = coord.partition("_")
        sheet[coord] = value
        if number_format:
            sheet[coord].number_format = number_format
    book.save(path)
    return path


def _read(path: Path, paths: DataPaths):
    return read_action_file(path, _vocab(), Measurements.from_warehouse(paths), today=NOW.date())


def _vocab():
    from pipelines.actions.columns import vocabulary

    return vocabulary()


def test_template_has_lists_and_prefilled_rows(tmp_path: Path):
    book = openpyxl.load_workbook(_template(tmp_path / "t.xlsx"))
    assert book.sheetnames == ["Läs mig", "Åtgärder", "Listor"]
    assert book["Listor"].sheet_state == "hidden"
    sheet = book[ACTIONS_SHEET]
    assert tuple(c.value for c in sheet[1]) == headers()
    assert [sheet["A2"].value, sheet["B2"].value, sheet["C2"].value] == ["0680-2020-01", "0680", 2020]
    assert sheet["A31"].value == "0680-2020-30" and sheet["A32"].value is None
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists["E2:E31"] == "'Listor'!$B$2:$B$7"  # six categories
    assert lists["F2:F31"] == "'Listor'!$C$2:$C$20"  # nineteen factors
    assert lists["J2:J31"] == "'Listor'!$D$2:$D$5"  # four statuses
    assert [book["Listor"].cell(row=r, column=4).value for r in range(2, 6)] == [
        "planerad", "pågår", "genomförd", "avbruten"]
    readme = [v for row in book["Läs mig"].iter_rows(values_only=True) for v in row if v]
    assert "Innovation (index 42,0)" in readme


def test_template_formats_and_checks_as_read_back(tmp_path: Path):
    """What openpyxl (the register's reader, and Excel's user) sees of the formats: codes
    as text, dates as ÅÅÅÅ-MM-DD, the filled-in columns grey, the header white on dark blue,
    the header row frozen, the Åtgärder sheet open and printed on A4 landscape, every column
    on the page's width, the header row on every page; dates checked without an input
    prompt."""
    book = openpyxl.load_workbook(_template(tmp_path / "t.xlsx"))
    assert book.active.title == ACTIONS_SHEET
    sheet = book[ACTIONS_SHEET]
    assert sheet.freeze_panes == "A2"
    setup = sheet.page_setup  # fitToWidth absent (None) is the file format's default: 1 page
    assert (setup.orientation, str(setup.paperSize), setup.fitToWidth, setup.fitToHeight,
            sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.print_title_rows) == (
        "landscape", "9", None, 0, True, "$1:$1")
    header = sheet["A1"]
    assert (header.font.b, header.font.color.rgb[-6:], header.fill.fill_type,
            header.fill.fgColor.rgb[-6:], header.alignment.wrap_text) == (
        True, "FFFFFF", "solid", "1F4E79", True)
    formats = {c: (sheet[f"{c}31"].number_format, sheet[f"{c}31"].fill.fill_type,
                   bool(sheet[f"{c}31"].alignment.wrap_text)) for c in "ABCDHL"}
    assert formats == {
        "A": ("@", "solid", False), "B": ("@", "solid", False),
        "C": ("General", "solid", False), "D": ("@", None, True),
        "H": ("yyyy-mm-dd", None, False), "L": ("@", None, True)}
    assert sheet["C2"].data_type == "n" and isinstance(sheet["C2"].value, int)
    assert sheet["A2"].fill.fgColor.rgb[-6:] == "EDEDED"
    checks = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert sorted(checks) == ["C2:C31", "E2:E31", "F2:F31", "H2:H31", "J2:J31", "K2:K31"]
    decided = checks["H2:H31"]
    assert (decided.type, decided.operator, decided.formula1, decided.errorTitle) == (
        "date", "greaterThan", "DATE(2000,1,1)", "Beslutsdatum")
    assert checks["C2:C31"].formula1 == "'Listor'!$A$2:$A$3"  # the years 2019 and 2020
    assert all(dv.allow_blank and dv.showErrorMessage and not dv.showInputMessage
               for dv in checks.values())
    assert [book["Listor"].cell(row=r, column=1).value for r in (1, 2, 3)] == ["Mätår", 2019, 2020]
    readme = book["Läs mig"]
    assert (readme["A1"].font.b, readme["A1"].font.sz) == (True, 16)
    assert readme["A1"].value == "Handlingsplan: Jönköpings kommun (0680)"


def test_filled_template_is_read_with_codes_and_dates(tmp_path: Path, paths: DataPaths):
    records = _read(_filled(tmp_path / "plan.xlsx"), paths)
    assert [(r["action_id"], r["category_code"], r["factor_code"], r["status"], r["decided_on"],
             r["due_date"], r["source_row"]) for r in records] == [
        ("0680-2020-01", "effektivitet", "eff_forvaltning", "pågår", dt.date(2020, 3, 16),
         dt.date(2021, 6, 30), 2),
        ("0680-2020-02", "organisation", None, "planerad", dt.date(2020, 2, 10), None, 3),
    ]
    assert records[0]["follow_up_note"] == "Anna på IT driver arbetet"
    assert records[0]["survey_year"] == 2019 and records[0]["organisation_code"] == "0680"


@pytest.mark.parametrize(("changes", "where", "what"), [
    ({"B3": "0999"}, "rad 3, kolumn Organisationskod (B)", "okänd organisation ”0999”"),
    ({"B3": 680}, "rad 3, kolumn Organisationskod (B)", "är ett tal"),
    ({"E2": "Effektivitetet"}, "rad 2, kolumn Kategori (E)", "okänd kategori ”Effektivitetet”"),
    ({"J3": "klar"}, "rad 3, kolumn Status (J)", "okänd status ”klar”"),
    ({"H3": "16/3 2020"}, "rad 3, kolumn Beslutsdatum (H)", "”16/3 2020” är inte ett datum"),
    ({"H3": "2020-02-30"}, "rad 3, kolumn Beslutsdatum (H)", "inget giltigt datum"),
    ({"H3_General": 43906}, "rad 3, kolumn Beslutsdatum (H)", "ett tal (43906), inte ett datum"),
    ({"H2": dt.datetime(2019, 10, 1)}, "rad 2, kolumn Beslutsdatum (H)",
     "daterat före mätningen 2019 som det svarar på (senaste svar 2019-10-15)"),
    ({"C3": 2020, "H3": "2019-12-01"}, "rad 3, kolumn Beslutsdatum (H)",
     "daterat före mätåret 2020"),
    ({"C3": 2018}, "rad 3, kolumn Mätår (C)", "ingen inläst mätning 2018"),
    ({"F3": "Öppna data och öppen källkod"}, "rad 3, kolumn Faktor (F)",
     "faktorn hör inte till den valda kategorin"),
    ({"D3": "=cmd|' /C calc'!A0"}, "rad 3, kolumn Åtgärd (D)", "kan tolkas som en formel"),
    ({"I3": "@SUM(1+1)"}, "rad 3, kolumn Ansvarig funktion eller enhet (I)", "kan tolkas som en formel"),
    ({"L2": "kontakt anna.berg@jonkoping.se"}, "rad 2, kolumn Uppföljning (L)", "e-postadress"),
    ({"I2": "ring 070-123 45 67"}, "rad 2, kolumn Ansvarig funktion eller enhet (I)", "telefonnummer"),
    ({"G3": None}, "rad 3, kolumn Beslutat av (G)", "värde saknas"),
    ({"K2": "2020-01-01"}, "rad 2, kolumn Klart senast (K)", "ligger före beslutet"),
    ({"H2": dt.datetime(2022, 1, 1)}, "rad 2, kolumn Beslutsdatum (H)", "ligger i framtiden"),
    ({"N4": "anteckning"}, "rad 4, kolumn N4", "värde utanför tabellen"),
    ({"A3": "0680-2020-01"}, "rad 3, kolumn Åtgärds-id (A)", "finns redan på rad 2"),
    ({"A2": "Kompetensinventering i alla förvaltningar"}, "rad 2, kolumn Åtgärds-id (A)",
     "id:t ”Kompetensinventering i alla förvaltningar” har inte mallens form "
     "organisationskod-år-nummer (t.ex. 0680-2019-01)"),
    ({"A3": "0680-2020"}, "rad 3, kolumn Åtgärds-id (A)", "har inte mallens form"),
    ({"A3": "0682-2020-02"}, "rad 3, kolumn Åtgärds-id (A)",
     "id:t 0682-2020-02 hör till organisationen 0682, inte till 0680"),
])
def test_faults_name_file_row_and_column(tmp_path, paths, changes, where, what):
    path = _filled(tmp_path / "plan.xlsx", **changes)
    with pytest.raises(FileRejected) as caught:
        _read(path, paths)
    text = caught.value.text()
    line = next((x for x in text.splitlines() if what in x), None)
    assert line is not None, text
    assert line.strip().startswith(f"plan.xlsx, blad Åtgärder, {where}:"), text


def test_formula_merged_cells_and_extra_sheet_are_rejected(tmp_path, paths):
    path = _filled(tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[ACTIONS_SHEET]
    sheet["K3"] = "=DATE(2021,1,1)"
    sheet["D5"] = "Sammanfogad"
    sheet.merge_cells("D5:E5")
    book.create_sheet("Blad1")
    book.save(path)
    with pytest.raises(FileRejected) as caught:
        _read(path, paths)
    text = caught.value.text()
    assert "plan.xlsx: arbetsboken har blad som inte finns i mallen: Blad1" in text
    assert "plan.xlsx, blad Åtgärder, rad 5: sammanfogade celler D5:E5" in text
    assert "plan.xlsx, blad Åtgärder, rad 3, kolumn K3: cellen innehåller en formel" in text


@pytest.mark.parametrize(("name", "content", "what"), [
    ("plan.xlsx", b"<html><body>Inloggning</body></html>", "inte en Excel-arbetsbok (.xlsx)"),
    ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "krypterad eller äldre Excel-fil"),
    ("plan.pdf", b"%PDF-1.4", "okänd filtyp ”.pdf”"),
    ("plan.csv", ";".join(headers()).encode("cp1252") + b"\r\n", "inte UTF-8"),
    ("plan.csv", b"", "filen är tom"),
])
def test_broken_files_are_rejected_with_a_reason(tmp_path, paths, name, content, what):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRejected) as caught:
        _read(path, paths)
    assert what in caught.value.text()


def test_csv_with_the_same_columns_is_accepted(tmp_path, paths):
    path = tmp_path / "plan.csv"
    row = ["0680-2019-01", "0680", "2019", "Öppna data", "Innovation", "", "kommunstyrelsen",
           "2020-04-01", "digitaliseringsstrateg", "genomförd", "", ""]
    path.write_text(";".join(headers()) + "\r\n" + ";".join(row) + "\r\n", encoding="utf-8-sig")
    [record] = _read(path, paths)
    assert (record["category_code"], record["status"], record["decided_on"]) == (
        "innovation", "genomförd", dt.date(2020, 4, 1))
    path.write_text(";".join(headers()) + "\n" + ";".join(row) + ";extra\n", encoding="utf-8")
    with pytest.raises(FileRejected, match="rad 2: raden har 13 fält, rubriken 12"):
        _read(path, paths)


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "state.json"}


def test_rejected_file_keeps_the_earlier_version_and_history_records_changes(tmp_path, paths):
    inbox = paths.root / "actions"
    good = _filled(inbox / "jkpg.xlsx")
    first = load_register(paths, now=NOW)
    assert (first.accepted, first.actions, first.status_changes) == (["jkpg.xlsx"], 2, 2)
    register = paths.warehouse / "actions"
    before = _digest(register)

    # A broken re-delivery of the same file: rejected, quarantined once, register unchanged.
    _filled(tmp_path / "broken.xlsx", J2="klar")
    good.write_bytes((tmp_path / "broken.xlsx").read_bytes())
    second = load_register(paths, now=NOW + dt.timedelta(days=1))
    assert second.kept_previous == ["jkpg.xlsx"] and second.actions == 2
    assert "rad 2, kolumn Status (J): okänd status ”klar”" in second.rejected["jkpg.xlsx"]
    [quarantined] = (paths.quarantine / "actions").iterdir()
    assert (quarantined / "jkpg.xlsx").exists()
    assert "okänd status ”klar”" in (quarantined / "reason.txt").read_text("utf-8")
    assert _digest(register) == before
    third = load_register(paths, now=NOW + dt.timedelta(days=2))
    assert third.rejected and not third.quarantined  # same content: quarantined once

    # The corrected file moves action 01 to genomförd: one history row more.
    _filled(good, J2="genomförd")
    fourth = load_register(paths, now=NOW + dt.timedelta(days=3))
    assert (fourth.accepted, fourth.status_changes) == (["jkpg.xlsx"], 1)
    history = pq.read_table(register / "action_status_history.parquet").to_pylist()
    assert [(h["action_id"], h["status"], h["observed_at"].date()) for h in history] == [
        ("0680-2020-01", "pågår", dt.date(2021, 5, 1)),
        ("0680-2020-02", "planerad", dt.date(2021, 5, 1)),
        ("0680-2020-01", "genomförd", dt.date(2021, 5, 4)),
    ]


def test_an_action_id_in_two_files_rejects_the_later_file(tmp_path, paths):
    inbox = paths.root / "actions"
    _filled(inbox / "a.xlsx")
    _filled(inbox / "b.xlsx")
    outcome = load_register(paths, now=NOW)
    assert outcome.accepted == ["a.xlsx"] and outcome.actions == 2
    assert "id:t 0680-2020-01 används redan i a.xlsx" in outcome.rejected["b.xlsx"]


def test_lock_files_are_ignored(tmp_path, paths):
    (paths.root / "actions" / "~$plan.xlsx").write_bytes(b"lock")
    (paths.root / "actions" / ".~lock.plan.xlsx#").write_bytes(b"lock")
    outcome = load_register(paths, now=NOW)
    assert (outcome.accepted, outcome.rejected, outcome.actions) == ([], {}, 0)


def test_measurements_hold_the_last_answer_per_organisation_and_year(tmp_path):
    """Timestamps (as the ingest writes them, milliseconds) are reduced per organisation and
    year: the latest of its respondents' times, nulls skipped, None when every one is null;
    a column of ISO texts is parsed row by row, an unparsable text counting as none."""
    raw = tmp_path / "warehouse" / "raw"
    (raw / "2020").mkdir(parents=True)
    (raw / "2019").mkdir()
    t = dt.datetime
    pq.write_table(pa.table({
        "survey_year": pa.array([2020] * 6, pa.int32()),
        "organisation_code": ["0680", "0680", "0680", "0682", "0682", "0683"],
        "submitted_at": pa.array([t(2020, 10, 2, 8), None, t(2020, 10, 9, 17, 5, 1), None, None,
                                  t(2020, 9, 30, 23, 59, 59)], pa.timestamp("ms")),
    }), raw / "2020" / "respondents.parquet")
    pq.write_table(pa.table({
        "survey_year": [2019, 2019, 2019],
        "organisation_code": ["0680", "0680", "0682"],
        "submitted_at": ["2019-10-15T09:30:00", "2019-10-01T10:00:00", "inte en tid"],
    }), raw / "2019" / "respondents.parquet")
    assert Measurements.from_warehouse(DataPaths(tmp_path)).last_answer == {
        ("0680", 2020): t(2020, 10, 9, 17, 5, 1),
        ("0682", 2020): None,
        ("0683", 2020): t(2020, 9, 30, 23, 59, 59),
        ("0680", 2019): t(2019, 10, 15, 9, 30),
        ("0682", 2019): None,
    }


def test_a_load_without_files_to_validate_reads_no_respondents(tmp_path, paths):
    """The respondents are read only to validate a file: with none (and with the accepted
    file unchanged) a damaged respondents file is not even opened; a new file reads it."""
    damaged = paths.warehouse / "raw" / "2019" / "respondents.parquet"
    intact = damaged.read_bytes()
    damaged.write_bytes(b"not parquet")
    assert load_register(paths, now=NOW).actions == 0
    damaged.write_bytes(intact)
    _filled(paths.root / "actions" / "jkpg.xlsx")
    assert load_register(paths, now=NOW).accepted == ["jkpg.xlsx"]
    damaged.write_bytes(b"not parquet")
    again = load_register(paths, now=NOW + dt.timedelta(days=1))
    assert (again.accepted, again.actions, again.status_changes) == (["jkpg.xlsx"], 2, 0)
    _filled(paths.root / "actions" / "jkpg.xlsx", J2="genomförd")
    with pytest.raises(pa.ArrowInvalid):
        load_register(paths, now=NOW + dt.timedelta(days=2))


def _targets(folder: Path) -> list:
    from pipelines.actions.template import TemplateTarget

    recs = [{"applies_to": "category", "category_name_sv": "Innovation", "category_index": 42.04,
             "recommendation_title_sv": "Titel", "recommendation_sv": "Text."}]
    return [TemplateTarget(folder / f"{code}_{name}.xlsx",
                           {"organisation_code": code, "organisation_name": name.title()},
                           2020, [2019, 2020], recs, "20261205T000000-000000Z")
            for code, name in (("0604", "aneby"), ("0617", "gnosjo"), ("0680", "jonkoping"))]


def _cells(path: Path) -> list[tuple]:
    book = openpyxl.load_workbook(path)
    return [(ws.title, ws.sheet_state, c.coordinate, c.value, c.number_format, c.fill.fill_type)
            for ws in book.worksheets for row in ws.iter_rows() for c in row]


def _workbook_cells(path: Path) -> list[tuple]:
    """Every cell of every sheet (value, number format, fill, bold) with each sheet's state,
    row heights and drop-down lists: what a user of the template sees."""
    book = openpyxl.load_workbook(path)
    return [(ws.title, ws.sheet_state,
             sorted((r, d.height) for r, d in ws.row_dimensions.items() if d.height),
             sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation),
             [(c.coordinate, c.value, c.number_format, c.fill.fill_type, c.fill.fgColor.rgb,
               c.font.b) for row in ws.iter_rows() for c in row])
            for ws in book.worksheets]


def test_above_county_scale_no_templates_are_published_and_one_is_made_on_request(
        tiny_snapshot, tmp_path, monkeypatch):
    """At county scale the publication writes every organisation's template into the
    snapshot; above it (the scale lowered to 1 for the tiny snapshot's two organisations with
    results, the count the reports decide on, though one alone has results in 2025) none,
    and no record. ``mognad handlingsplan`` then writes the template of the code asked
    for from the published snapshot into the folder named: the same file, cell by cell, as
    the county publication's; the snapshot is left as it was; an unknown code, a code without
    results in the newest year and a folder inside the snapshot are refused before anything
    is written."""
    from click.testing import CliRunner
    from tiny_build import copy_snapshot

    from pipelines.actions.template import (
        published_templates,
        templates_to_write,
        write_templates,
    )
    from pipelines.cli import main

    county = copy_snapshot(tiny_snapshot, tmp_path / "county" / tiny_snapshot.name)
    written = write_templates(templates_to_write(published_templates(county), county, None))
    # Aneby alone has results in the newest year (2025)
    assert [p.relative_to(county).as_posix() for p in written] == ["handlingsplan/0604_aneby.xlsx"]

    data_root = tmp_path / "data"
    national = copy_snapshot(tiny_snapshot, data_root / "published" / tiny_snapshot.name)
    assert published_templates(national, county_scale=1) == []
    assert templates_to_write([], national, None) == []
    assert not (national / "handlingsplan").exists()

    before = sorted(p.relative_to(national) for p in national.rglob("*"))
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(data_root))
    out = tmp_path / "på begäran"
    run = CliRunner().invoke(main, ["handlingsplan", " 0604 ", "--snapshot", str(national),
                                    "--out", str(out)])
    assert run.exit_code == 0, run.output
    made = out / "0604_aneby.xlsx"
    assert run.output.strip() == str(made.resolve())
    assert _workbook_cells(made) == _workbook_cells(county / "handlingsplan" / "0604_aneby.xlsx")
    readme = openpyxl.load_workbook(made)["Läs mig"]
    assert readme["A2"].value == (f"Efter mätningen 2025. Mallen skapades ur ögonblicksbild "
                                  f"{tiny_snapshot.name}{KEPT}")
    assert sorted(p.relative_to(national) for p in national.rglob("*")) == before

    inside = CliRunner().invoke(main, ["handlingsplan", "0604", "--snapshot", str(national),
                                       "--out", str(national / "handlingsplan")])
    assert inside.exit_code == 2 and "published snapshots are never changed" in inside.output
    for code in ("9999", "0617"):  # unknown; Gnosjö has no results in 2025
        refused = CliRunner().invoke(main, ["handlingsplan", "0604", code, "--snapshot",
                                            str(national), "--out", str(tmp_path / "refused")])
        assert refused.exit_code == 1
        assert ("No organisation with results in the newest survey year has the code "
                f"'{code}'") in refused.output
    assert not (tmp_path / "refused").exists()  # refused before 0604 was written


def test_the_default_folder_of_templates_made_on_request(tiny_snapshot, tmp_path, monkeypatch):
    """Without ``--out`` and ``--snapshot`` the template is read from ``published/latest``
    and written into ``<data root>/reports/handlingsplan/``."""
    from click.testing import CliRunner
    from tiny_build import copy_snapshot

    from pipelines.cli import main

    data_root = tmp_path / "data"
    snapshot = copy_snapshot(tiny_snapshot, data_root / "published" / tiny_snapshot.name)
    (data_root / "published" / "latest").symlink_to(snapshot.name)
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(data_root))
    run = CliRunner().invoke(main, ["handlingsplan", "0604"])
    assert run.exit_code == 0, run.output
    assert run.output.strip() == str(
        (data_root / "reports" / "handlingsplan" / "0604_aneby.xlsx").resolve())


def test_readme_rows_are_as_high_as_their_wrapped_text(tmp_path: Path):
    """Neither Excel nor LibreOffice grows a row of wrapped text that XlsxWriter wrote, so
    the template sets each ``Läs mig`` row's height: lines x font size x 1,3 points, the
    lines counted by hand at word breaks (column A: 30 characters of the 11-point font, so
    20 at 16 points; column B: 100); Excel stores heights in whole pixels (0,75 point)."""
    readme = openpyxl.load_workbook(_template(tmp_path / "t.xlsx"))["Läs mig"]
    height = {readme.cell(row=r, column=1).value: readme.row_dimensions[r].height
              for r in range(1, readme.max_row + 1) if readme.cell(row=r, column=1).value}
    # "Handlingsplan:" / "Jönköpings kommun" / "(0680)": three lines at 16 points
    assert height["Handlingsplan: Jönköpings kommun (0680)"] == pytest.approx(3 * 16 * 1.3, abs=0.75)
    # step 2's 135 characters in column B: two lines at 11 points
    assert height["2."] == pytest.approx(2 * 11 * 1.3, abs=0.75)
    assert height["Faktor"] == pytest.approx(11 * 1.3, abs=0.75)  # one line
    # printed: the two columns fit the page's width, as many pages down as needed
    assert readme.sheet_properties.pageSetUpPr.fitToPage
    # (a width of 1 page is the file format's default, which XlsxWriter does not write)
    assert (readme.page_setup.fitToWidth or 1, readme.page_setup.fitToHeight) == (1, 0)


def _snapshot_targets(snapshot: Path, snapshot_id: str, *, year: int = 2020,
                      changed: str | None = None) -> list:
    """``_targets`` in ``snapshot``'s handlingsplan folder, made for ``snapshot_id``; the
    organisation ``changed`` with another recommendation text."""
    import dataclasses

    targets = []
    for target in _targets(snapshot / "handlingsplan"):
        recs = target.recommendations
        if target.org["organisation_code"] == changed:
            recs = [{**recs[0], "recommendation_sv": "En annan text."}]
        targets.append(dataclasses.replace(
            target, snapshot_id=snapshot_id, year=year,
            years=sorted({*target.years, year}), recommendations=recs))
    return targets


def _readme_line(path: Path) -> str:
    return openpyxl.load_workbook(path)["Läs mig"]["A2"].value


def test_templates_whose_inputs_are_unchanged_are_kept_from_the_previous_snapshot(tmp_path):
    """The next publication links the templates whose key is in the previous snapshot's
    record (they name the snapshot that made them) and writes the others; a new measurement
    year changes every template."""
    import json
    import os

    from pipelines.actions.template import templates_to_write, write_templates

    first, second, third = tmp_path / "s1", tmp_path / "s2", tmp_path / "s3"
    made = _snapshot_targets(first, "S1")
    assert templates_to_write(made, first, None) == made  # nothing earlier: all three
    write_templates(made)
    record = json.loads((first / "handlingsplan" / "build_record.json").read_text("utf-8"))
    assert sorted(record["organisations"]) == ["0604", "0617", "0680"]
    assert record["organisations"]["0680"]["files"] == ["handlingsplan/0680_jonkoping.xlsx"]

    again = _snapshot_targets(second, "S2", changed="0617")
    todo = templates_to_write(again, second, first)
    assert [t.org["organisation_code"] for t in todo] == ["0617"]
    write_templates(todo)
    for name in ("0604_aneby.xlsx", "0680_jonkoping.xlsx"):
        assert os.path.samefile(first / "handlingsplan" / name, second / "handlingsplan" / name)
    assert _readme_line(second / "handlingsplan" / "0604_aneby.xlsx") == (
        f"Efter mätningen 2020. Mallen skapades ur ögonblicksbild S1{KEPT}")  # kept: true still
    assert _readme_line(second / "handlingsplan" / "0617_gnosjo.xlsx") == (
        f"Efter mätningen 2020. Mallen skapades ur ögonblicksbild S2{KEPT}")
    assert _cells(second / "handlingsplan" / "0617_gnosjo.xlsx") != _cells(
        first / "handlingsplan" / "0617_gnosjo.xlsx")

    new_year = _snapshot_targets(third, "S3", year=2021)
    assert templates_to_write(new_year, third, second) == new_year
    assert not (third / "handlingsplan" / "0604_aneby.xlsx").exists()


def test_templates_of_another_code_version_are_written_again(tmp_path):
    import json

    from pipelines.actions.template import templates_to_write, write_templates

    first, second = tmp_path / "s1", tmp_path / "s2"
    made = _snapshot_targets(first, "S1")
    write_templates(templates_to_write(made, first, None))
    record_path = first / "handlingsplan" / "build_record.json"
    record = json.loads(record_path.read_text("utf-8"))
    record_path.write_text(json.dumps({**record, "code_version": "another"}), "utf-8")
    again = _snapshot_targets(second, "S2")
    assert templates_to_write(again, second, first) == again
