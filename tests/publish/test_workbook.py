"""The snapshot's Excel workbook, read back with openpyxl: types, formats, hidden values,
Ja/Nej, dates, the "Läs mig" sheet; and the Swedish names declared in the dbt docs."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.publish.workbook import (
    HIDDEN_MARK,
    README_SHEET,
    WORKBOOK_FILE,
    HiddenReasons,
    sheet_names,
    write_workbook,
)
from pipelines.reports.formatting import percent_number_format

CHECKED_AT = dt.datetime(2026, 11, 3, 14, 7, 30)

DESCRIPTIONS = {
    "maturity_by_organisation": {
        "description": "Maturity per organisation and year.",
        "label_sv": "Mognad per organisation",
        "description_sv": "En rad per organisation och mätår. Grupper med färre än "
        "{min_cell_respondents} svarande döljs.",
        "columns": {"organisation_code": "SCB code.", "maturity_index": "0-100."},
        "column_meta": {
            "organisation_code": {
                "label_sv": "Organisationskod",
                "description_sv": "Organisationens kod hos SCB.",
            },
            "survey_year": {"label_sv": "Mätår"},
            "maturity_index": {
                "label_sv": "Digital mognad",
                "description_sv": "Digital mognad, 0–100: medelvärdet av digital förmåga och "
                "digitalt arv. " + "Tomt när indexet är dolt eller undanhållet. " * 6,
            },
            "response_rate": {
                "label_sv": "Svarsfrekvens",
                "unit": "share",
                "unknown_reason_sv": "Antalet inbjudna är inte känt: enkäten spreds med en "
                "gemensam länk.",
            },
            "cronbach_alpha": {"label_sv": "Cronbachs alfa", "decimals": 2},
            "maturity_index_suppressed": {
                "label_sv": "Digital mognad dold",
                "hides": ["maturity_index"],
                "hidden_reason_sv": "Färre än {min_cell_respondents} svarande (röjandeskydd).",
            },
            "results_withheld": {
                "label_sv": "Resultat undanhållna",
                "hides": ["maturity_index"],
                "hidden_reason_sv": "Resultaten är undanhållna av kvalitetskontrollerna.",
                "reason_column": "withheld_reason",
                "supersedes": True,
            },
            "withheld_reason": {"label_sv": "Skäl till undanhållande"},
            "checked_at": {"label_sv": "Kontrollerad"},
        },
    },
    "organisations": {
        "description": "The county's organisations.",
        "label_sv": "Organisationer",
        "columns": {},
        "column_meta": {"organisation_code": {"label_sv": "Organisationskod"}},
    },
}


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    folder = tmp_path / "20261204T101010-000000Z"
    (folder / "parquet").mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "organisation_code": ["0604", "0617", "0642"],
                "survey_year": pa.array([2019, 2020, 2019], pa.int32()),
                "maturity_index": [52.345678, None, None],
                "response_rate": [0.753, None, 0.45],
                "cronbach_alpha": [0.81234, 0.7, 0.6],
                "maturity_index_suppressed": [False, True, True],
                "results_withheld": [False, False, True],
                "withheld_reason": [None, None, "response_rate: observed 0.2128"],
                "checked_at": pa.array([CHECKED_AT] * 3, pa.timestamp("us")),
            }
        ),
        folder / "parquet" / "maturity_by_organisation.parquet",
    )
    pq.write_table(
        pa.table({"organisation_code": ["0604", "06"]}),
        folder / "parquet" / "organisations.parquet",
    )
    manifest = {
        "snapshot_id": folder.name,
        "created_at": "2026-12-04T10:10:10+00:00",
        "code_version": "abc123",
        "settings": {"min_cell_respondents": 5, "confidence_level": 0.95},
        "tables": {"maturity_by_organisation": {"rows": 3}, "organisations": {"rows": 2}},
        "years": {
            "2019": {
                "instrument_version": "v2018",
                "status": "signed_off",
                "signoff": {"by": "Anna Rådsdotter", "at": "2026-11-20T09:00:00+00:00"},
            },
            "2020": {"instrument_version": "v2020", "status": "preliminary"},
            "2021": {
                "instrument_version": "v2020",
                "status": "preliminary",
                "cleared": {"by": "mognad", "at": "2026-11-25T08:30:00Z", "version": 2,
                            "comment": "Data för 2021 har lästs in på nytt."},
            },
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _sheet(folder: Path, name: str):
    return openpyxl.load_workbook(folder / WORKBOOK_FILE)[name]


def test_sheets_named_in_swedish_after_the_readme(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    book = openpyxl.load_workbook(snapshot / WORKBOOK_FILE)
    assert book.sheetnames == [README_SHEET, "Kolumner", "Mognad per organisation", "Organisationer"]


def test_headers_swedish_then_identifier(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    sheet = _sheet(snapshot, "Mognad per organisation")
    assert [c.value for c in sheet[1]][:4] == [
        "Organisationskod", "Mätår", "Digital mognad", "Svarsfrekvens"]
    assert [c.value for c in sheet[2]][:4] == [
        "organisation_code", "survey_year", "maturity_index", "response_rate"]
    assert sheet.freeze_panes == "A3"


def test_codes_text_numbers_full_and_formatted(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    sheet = _sheet(snapshot, "Mognad per organisation")
    code, year, index, rate, alpha = (sheet.cell(3, j) for j in range(1, 6))
    assert code.value == "0604" and code.data_type == "s" and code.number_format == "@"
    assert year.value == 2019 and year.number_format == "0"
    assert index.value == pytest.approx(52.345678, abs=1e-12)  # stored in full
    assert index.number_format == "0.0"  # shown as 52.3
    assert rate.value == pytest.approx(0.753) and rate.number_format == "0.0\"\u00a0\"%"
    assert alpha.value == pytest.approx(0.81234) and alpha.number_format == "0.00"


def test_hidden_values_are_dots_with_the_reason_in_a_note(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    sheet = _sheet(snapshot, "Mognad per organisation")
    suppressed, withheld = sheet.cell(4, 3), sheet.cell(5, 3)
    assert suppressed.value == HIDDEN_MARK
    # the note gives the reason's text and its number in "Läs mig"
    assert suppressed.comment.text == (
        "Publiceras inte:\nFärre än 5 svarande (röjandeskydd).\nSkäl 1 i Läs mig.")
    assert withheld.value == HIDDEN_MARK
    # withheld: the withholding is the one true reason, though the disclosure flag is set too
    # (Mullsjö 2019 had 20 respondents; its 21 % response rate withheld it)
    assert withheld.comment.text == (
        "Publiceras inte:\nResultaten är undanhållna av kvalitetskontrollerna. (Svarsfrekvens "
        "per organisation: uppmätt 21,28\u00a0%)\nSkäl 3 i Läs mig.")
    # a null of a column that declares why its nulls are unknown is ".." too: 0617's unknown
    # response rate (invited by a shared link), its note saying the value is not known
    unknown = sheet.cell(4, 4)
    assert unknown.value == HIDDEN_MARK and unknown.comment.text == (
        "Okänt:\nAntalet inbjudna är inte känt: enkäten spreds med en gemensam länk.\n"
        "Skäl 2 i Läs mig.")
    # a null that no flag hides and no unknown reason explains stays empty
    sparse = write_sparse_table(snapshot)
    assert sparse.cell(3, 2).value is None and sparse.cell(3, 2).comment is None
    # each reason said in full once, in "Läs mig", with where and how often it applies
    readme = _sheet(snapshot, README_SHEET)
    rows = [tuple(c.value for c in r[:4]) for r in readme.iter_rows()]
    heading = rows.index(("Skäl till ”..”", None, None, None))
    assert rows[heading + 1] == ("Skäl", "Blad", "Celler", "Förklaring")
    assert rows[heading + 2:] == [
        (1, "Mognad per organisation", 1, "Färre än 5 svarande (röjandeskydd)."),
        (2, "Mognad per organisation", 1, "Antalet inbjudna är inte känt: enkäten spreds med "
         "en gemensam länk."),
        (3, "Mognad per organisation", 1, "Resultaten är undanhållna av kvalitetskontrollerna. "
         "(Svarsfrekvens per organisation: uppmätt 21,28\u00a0%)"),
    ]


def test_a_note_names_every_reason_and_its_box_fits_it():
    reasons = HiddenReasons()
    long = " ".join(["abcdefghi"] * 40)
    note = reasons.note("Blad", ["Kort skäl.", long])
    assert note == f"Publiceras inte:\nKort skäl.\n{long}\nSkälen 1 och 2 i Läs mig."
    assert reasons.cells == {"Kort skäl.": {"Blad": 1}, long: {"Blad": 1}}
    # by hand, 39 characters a line: "Publiceras inte:", "Kort skäl.", the 40 words four a
    # line (4 x 9 + 3 = 39) on 10 lines, "Skälen 1 och 2 i Läs mig.": 13 lines, 12 px each
    # plus one line's margin
    assert reasons.box(note) == {"width": 256, "height": 14 * 12}
    # a short note keeps XlsxWriter's default height
    assert reasons.box(reasons.note("Blad", ["Kort skäl."])) == {"width": 256, "height": 74}


def write_sparse_table(snapshot: Path):
    """The snapshot's organisations table with a column of nulls no flag or meta explains;
    its sheet "Organisationer" as openpyxl reads it back."""
    pq.write_table(
        pa.table({"organisation_code": ["0604", "06"], "short_name": pa.array([None, None],
                                                                              pa.string())}),
        snapshot / "parquet" / "organisations.parquet",
    )
    write_workbook(snapshot, DESCRIPTIONS)
    return _sheet(snapshot, "Organisationer")


def test_one_note_per_reason_however_many_cells_it_hides(tmp_path):
    """Three rows hiding two cells each for the same reason: six '..' cells, one reason
    in "Läs mig" counted six times, every cell's note the same reason and reference."""
    folder = tmp_path / "snap"
    (folder / "parquet").mkdir(parents=True)
    pq.write_table(pa.table({
        "department": ["A", "B", "C", "D"],
        "capability_index": [None, None, None, 51.5],
        "legacy_index": [None, None, None, 40.0],
        "department_suppressed": [True, True, True, False],
    }), folder / "parquet" / "maturity_by_department.parquet")  # fmt: skip
    manifest = {"snapshot_id": "snap", "settings": {"min_cell_respondents": 5},
                "tables": {"maturity_by_department": {"rows": 4}}, "years": {}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    descriptions = {"maturity_by_department": {"label_sv": "Mognad per förvaltning", "column_meta": {
        "department_suppressed": {"hides": ["capability_index", "legacy_index"],
                                  "hidden_reason_sv": "Färre än {min_cell_respondents} svarande."},
    }}}  # fmt: skip
    write_workbook(folder, descriptions)
    sheet = _sheet(folder, "Mognad per förvaltning")
    cells = [sheet.cell(r, c) for r in (3, 4, 5) for c in (2, 3)]
    assert [c.value for c in cells] == [HIDDEN_MARK] * 6
    assert {c.comment.text for c in cells} == {
        "Publiceras inte:\nFärre än 5 svarande.\nSkäl 1 i Läs mig."}
    assert sheet.cell(6, 2).value == 51.5 and sheet.cell(6, 2).comment is None
    readme = _sheet(folder, README_SHEET)
    reasons = [tuple(c.value for c in r[:4]) for r in readme.iter_rows()
               if r[3].value == "Färre än 5 svarande."]
    assert reasons == [(1, "Mognad per förvaltning", 6, "Färre än 5 svarande.")]


def test_check_names_and_target_groups_in_words_beside_their_codes(tmp_path, dbt_manifest):
    """With the project's declarations: the quality checks' sheet has the council's check
    title beside each code and the target group's name beside its code (codes in their own
    columns, row 2 empty for the workbook's columns); a share check's observed value and
    thresholds are stored as the 0–1 fraction and shown as percentages, its rule in
    percent; a count check's values are whole numbers; the weighting's pooled target
    groups are named and its status is a Swedish word; a dimension code has its name."""
    from pipelines.transform.assets import mart_descriptions

    descriptions = mart_descriptions()
    folder = tmp_path / "snap"
    (folder / "parquet").mkdir(parents=True)
    pq.write_table(pa.table({
        "survey_year": pa.array([2019, 2019, 2019], pa.int32()),
        "check_name": ["response_rate", "min_respondents", "respondents_within_invited"],
        "target_group": [None, None, "strateger"],
        "observed": [0.2127659574, 20.0, 12.0],
        "warn_threshold": [0.5, None, None],
        "fail_threshold": [0.3, 5.0, None],
        "threshold": ["varning < 0.5; fel < 0.3", "fel < 5", "fel > invited"],
    }), folder / "parquet" / "quality_check_results.parquet")  # fmt: skip
    pq.write_table(pa.table({
        "weighting_status": ["weighted", "invited unknown"],
        "pooled_target_groups": ["kommunledning, systemansvariga", None],
    }), folder / "parquet" / "maturity_by_organisation_weighted.parquet")  # fmt: skip
    pq.write_table(pa.table({"dimension_code": ["capability", "legacy"]}),
                   folder / "parquet" / "internal_consistency_by_category.parquet")
    manifest = {"snapshot_id": "snap", "settings": {"min_cell_respondents": 5}, "years": {},
                "tables": {"quality_check_results": {"rows": 3},
                           "maturity_by_organisation_weighted": {"rows": 2},
                           "internal_consistency_by_category": {"rows": 2}}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_workbook(folder, descriptions)
    sheet = _sheet(folder, "Kvalitetskontroller")
    assert [c.value for c in sheet[1]] == [
        "Mätår", "Kontrollkod", "Kontroll", "Målgruppskod", "Målgrupp", "Observerat värde",
        "Varningsgräns", "Felgräns", "Gräns"]
    assert [c.value for c in sheet[2]][:5] == [
        "survey_year", "check_name", None, "target_group", None]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert [r[1:5] for r in rows] == [
        ["response_rate", "Svarsfrekvens per organisation", None, None],
        ["min_respondents", "Minsta antal svarande", None, None],
        ["respondents_within_invited", "Inte fler svarande än inbjudna", "strateger",
         "Strateger och verksamhetsutvecklare"],
    ]
    percent = percent_number_format(1)
    assert [(c.value, c.number_format) for c in sheet[3][5:8]] == [
        (0.2127659574, percent), (0.5, percent), (0.3, percent)]
    assert sheet.cell(3, 9).value == "varning < 50\u00a0%; fel < 30\u00a0%"
    assert [(c.value, c.number_format) for c in (sheet.cell(4, 6), sheet.cell(4, 8))] == [
        (20, "0"), (5, "0")]
    assert [sheet.cell(r, 9).value for r in (4, 5)] == ["fel < 5", "fel > inbjudna"]
    weighted = _sheet(folder, "Mognad viktad efter målgrupper")
    assert [c.value for c in weighted[1]] == [
        "Viktning", "Sammanslagna målgrupper, koder", "Sammanslagna målgrupper"]
    assert [[c.value for c in r] for r in weighted.iter_rows(min_row=3)] == [
        ["viktad", "kommunledning, systemansvariga", "Kommunledning, Systemansvariga"],
        ["antalet inbjudna okänt", None, None],
    ]
    consistency = _sheet(folder, "Intern konsistens")
    assert [c.value for c in consistency[1]] == ["Dimensionskod", "Dimension"]
    assert [[c.value for c in r] for r in consistency.iter_rows(min_row=3)] == [
        ["capability", "Digital förmåga"], ["legacy", "Digitalt arv"]]
    columns = _sheet(folder, "Kolumner")
    described = [(r[1].value, r[2].value, r[3].value) for r in columns.iter_rows(min_row=2)
                 if r[1].value == "Kontroll"]
    assert described == [("Kontroll", None,
                          "Finns bara i arbetsboken: namnen till koderna i kolumnen check_name.")]


def test_booleans_ja_nej_and_timestamps_as_dates(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    sheet = _sheet(snapshot, "Mognad per organisation")
    assert [sheet.cell(r, 6).value for r in (3, 4, 5)] == ["Nej", "Ja", "Ja"]
    checked = sheet.cell(3, 9)
    assert checked.value == CHECKED_AT.replace(second=30) and checked.is_date
    assert checked.number_format == "yyyy-mm-dd hh:mm"


def test_readme_has_snapshot_year_status_and_descriptions(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    sheet = _sheet(snapshot, README_SHEET)
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Publicering", snapshot.name] == cells[2][:2]
    # times in the readme's text are Stockholm's, as on every page: 10:10 UTC is 11:10 CET
    assert ["Publicerad", "4 december 2026 kl. 11:10"] == cells[3][:2]
    assert not any("UTC" in str(v) for row in cells[:11] for v in row if v)
    assert ["2019", "v2018", "granskad och godkänd"] == cells[8][:3]
    assert "Anna Rådsdotter" in cells[8][3]
    assert "20 november 2026 kl. 10:00" in cells[8][3]  # 09:00 UTC
    # the signed-off year's row shows its status and review in full: wrapping cells (the row
    # as tall as its longest text, workbook.wrapped_row_height) and a column wide enough for
    # the status
    review = sheet.cell(9, 4)
    assert sheet.cell(9, 3).alignment.wrap_text and review.alignment.wrap_text
    assert sheet.column_dimensions["C"].width >= len("granskad och godkänd") + 1
    assert ["2020", "v2020", "preliminär", None] == cells[9][:4]
    # a year whose sign-off was cleared says so (council.review_state, as every report)
    assert ["2021", "v2020", "preliminär", "rådets godkännande har hävts; året är preliminärt "
            "tills rådet granskat det igen."] == cells[10][:4]
    flat = [v for row in cells for v in row if isinstance(v, str)]
    # the Swedish description, its setting filled in; never the English one of the dbt docs
    assert "En rad per organisation och mätår. Grupper med färre än 5 svarande döljs." in flat
    assert "Maturity per organisation and year." not in flat
    assert any("färre än 5 svarande" in v for v in flat)
    assert any("95 % konfidensintervall" in v for v in flat)


def test_columns_sheet_has_swedish_descriptions_in_rows_tall_enough(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    sheet = _sheet(snapshot, "Kolumner")
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)
            if row[0].value == "Mognad per organisation"}
    code = rows["organisation_code"]
    assert [c.value for c in code] == [
        "Mognad per organisation", "Organisationskod", "organisation_code",
        "Organisationens kod hos SCB."]
    assert code[3].alignment.wrap_text is True
    # a column without a Swedish description shows none, not the English "SCB code."
    assert rows["survey_year"][3].value is None
    # 335 characters in a column 100 wide take 4 lines (3 × 99 < 335): 4 × 15 pt plus padding, so the
    # printed row neither cuts the text nor runs into the next row
    index = rows["maturity_index"]
    assert len(index[3].value) == 335
    assert sheet.row_dimensions[index[0].row].height == 4 * 15 + 3
    assert sheet.row_dimensions[code[0].row].height == 15 + 3


def test_readme_rows_fit_their_wrapped_text(snapshot):
    write_workbook(snapshot, DESCRIPTIONS)
    sheet = _sheet(snapshot, README_SHEET)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                merged = next((m for m in sheet.merged_cells.ranges if cell.coordinate in m), None)
                columns = range(merged.min_col, merged.max_col + 1) if merged else [cell.column]
                width = sum(sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width
                            for c in columns)
                needed = len(textwrap.wrap(cell.value, int(width) - 1)) * 15
                height = sheet.row_dimensions[cell.row].height or 15  # unset: the default
                assert height >= needed, cell.value


def test_sheet_names_fit_excel():
    names = sheet_names(
        {"a": {"label_sv": "x" * 31}, "b": {"label_sv": "x" * 31}}, ["a", "b"])
    assert names == {"a": "x" * 31, "b": "x" * 27 + " (2)"}
    with pytest.raises(ValueError, match="forbids"):
        sheet_names({"a": {"label_sv": "a/b"}}, ["a"])
    # a label Excel would cut is an error in the dbt docs, not a name cut mid-word
    with pytest.raises(ValueError, match="longer than Excel's 31 characters"):
        sheet_names({"a": {"label_sv": "Intern konsistens per organisation"}}, ["a"])


def test_the_project_labels_fit_as_sheet_names(dbt_manifest):
    """Every curated table's Swedish label is a whole sheet name (at most 31 characters)."""
    from pipelines.transform.assets import mart_descriptions

    descriptions = mart_descriptions()
    names = sheet_names(descriptions, sorted(descriptions))
    assert names["internal_consistency_by_organisation"] == "Konsistens per organisation"
    assert all(names[t] == descriptions[t]["label_sv"] for t in descriptions)


def test_codes_and_the_pipelines_sentences_in_swedish(tmp_path):
    """A code column with meta.values_sv shows the Swedish word (the code is listed in
    "Kolumner"); a meta.text_sv column shows the pipeline's English sentence in Swedish, with
    the check's title and decimal commas; disclosure reasons as the reports word them."""
    folder = tmp_path / "snap"
    (folder / "parquet").mkdir(parents=True)
    pq.write_table(
        pa.table({
            "invitation_method": ["email", "link", None],
            "threshold": ["varning < 0.5; fel < 0.3", "fel > invited", None],
            "suppression_reason": ["fewer than 5 respondents", "complementary", "results withheld"],
            "alpha_reason": ["fewer than 30 respondents behind a covariance", None, None],
        }),
        folder / "parquet" / "response_rates.parquet",
    )  # fmt: skip
    manifest = {"snapshot_id": "snap", "settings": {"min_cell_respondents": 5},
                "tables": {"response_rates": {"rows": 3}}, "years": {}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    descriptions = {"response_rates": {"label_sv": "Svarsfrekvens", "column_meta": {
        "invitation_method": {"label_sv": "Inbjudningssätt",
                              "values_sv": {"email": "e-post", "link": "länk"}},
        "threshold": {"label_sv": "Gräns", "text_sv": True},
        "suppression_reason": {"label_sv": "Skäl", "text_sv": True},
        "alpha_reason": {"label_sv": "Skäl för alfa", "text_sv": True},
    }}}  # fmt: skip
    write_workbook(folder, descriptions)
    sheet = _sheet(folder, "Svarsfrekvens")
    assert [sheet.cell(r, 1).value for r in (3, 4, 5)] == ["e-post", "länk", None]
    assert [sheet.cell(r, 2).value for r in (3, 4)] == ["varning < 0,5; fel < 0,3", "fel > inbjudna"]
    assert [sheet.cell(r, 3).value for r in (3, 4, 5)] == [
        "färre än 5 svar", "dold för att skydda en liten grupp", "resultaten undanhållna"]
    assert sheet.cell(3, 4).value == "färre än 30 svarande bakom ett par av påståenden"
    columns = _sheet(folder, "Kolumner")
    [described] = [r[3].value for r in columns.iter_rows(min_row=2) if r[2].value == "invitation_method"]
    assert described == "Koder i CSV, Parquet och DuckDB: email = e-post; link = länk."
    [described] = [r[3].value for r in columns.iter_rows(min_row=2) if r[2].value == "threshold"]
    assert described == ("Visas här på svenska; i CSV, Parquet och DuckDB står samma text på "
                         "engelska, med decimalpunkt.")


def test_sheets_print_landscape_fitted_to_the_page_width(snapshot):
    """A table prints landscape, scaled to the page width (Excel's fit-to-pages: as many
    pages down as needed), not at 100 % across hundreds of pages; a table wider than
    PRINT_WIDTH_PER_PAGE column units (250) prints on more pages across, so its text stays
    legible: 40 columns of width 12 (a 10-character label + 2) are 480 units, 2 pages
    across."""
    folder = snapshot
    pq.write_table(pa.table({f"column_{i:02d}": ["x"] for i in range(40)}),
                   folder / "parquet" / "organisations.parquet")
    descriptions = {**DESCRIPTIONS, "organisations": {"label_sv": "Organisationer", "column_meta": {
        f"column_{i:02d}": {"label_sv": f"Kolumn {i:03d}"} for i in range(40)}}}  # fmt: skip
    write_workbook(folder, descriptions)
    book = openpyxl.load_workbook(folder / WORKBOOK_FILE)
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, name
        # fitToWidth left out is 1, the OOXML default; fitToHeight 0 = as many as needed
        assert sheet.page_setup.fitToWidth in (None, 1, 2), name
        assert int(sheet.page_setup.fitToHeight) == 0, name
        assert sheet.page_setup.orientation == "landscape", name
    assert book["Organisationer"].column_dimensions["A"].width == pytest.approx(12.71, abs=0.01)
    assert int(book["Organisationer"].page_setup.fitToWidth) == 2
    assert book["Mognad per organisation"].page_setup.fitToWidth in (None, 1)


def test_every_published_column_has_a_swedish_name(dbt_manifest):
    """The dbt docs declare a Swedish name for every curated table and column, and every
    column a flag hides exists in its table."""
    from pipelines.transform.assets import mart_descriptions

    descriptions = mart_descriptions()
    assert "maturity_by_organisation" in descriptions
    for table, doc in descriptions.items():
        assert doc["label_sv"], table
        meta = doc["column_meta"]
        missing = [c for c in doc["columns"] if not meta[c].get("label_sv")]
        assert not missing, (table, missing)
        for flag, m in meta.items():
            assert set(m.get("hides", [])) <= set(doc["columns"]), (table, flag)
            if m.get("reason_column"):
                assert m["reason_column"] in doc["columns"], (table, flag)
        if "results_withheld" in meta:  # withholding sets the disclosure flags too
            assert meta["results_withheld"].get("supersedes") is True, table
    assert descriptions["organisations"]["column_meta"]["organisation_code"]["label_sv"] == (
        "Organisationskod")


def test_every_published_table_and_column_has_a_swedish_description():
    """The marts' YAML gives every curated table and column a Swedish description
    (``meta.description_sv``) for the workbook's "Läs mig" and "Kolumner" sheets; read from
    the YAML itself, so a new column without one fails here, not silently in Excel."""
    import yaml

    models = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts"
    missing, seen = [], 0
    for path in sorted(models.glob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            if not ((model.get("config") or {}).get("meta") or {}).get("description_sv"):
                missing.append(model["name"])
            for column in model.get("columns", []):
                seen += 1
                meta = (column.get("config") or {}).get("meta") or {}
                if not meta.get("description_sv"):
                    missing.append(f"{model['name']}.{column['name']}")
    assert not missing, f"add meta.description_sv (Swedish) in the marts' YAML for: {missing}"
    assert seen > 300


def test_survey_years_has_swedish_names():
    """survey_years is published beside the marts (not a dbt model): its Swedish names are
    declared with its descriptions, so the workbook's "Mätår" sheet is in Swedish too."""
    from pipelines.publish.snapshot import SURVEY_YEARS_DESCRIPTION

    meta = SURVEY_YEARS_DESCRIPTION["column_meta"]
    assert SURVEY_YEARS_DESCRIPTION["label_sv"] == "Mätår"
    assert set(meta) == set(SURVEY_YEARS_DESCRIPTION["columns"])
    assert all(m["label_sv"] and m["description_sv"] for m in meta.values())
    assert SURVEY_YEARS_DESCRIPTION["description_sv"].startswith("Varje mätår")


def test_a_table_over_the_row_limit_is_listed_not_written(snapshot):
    """With the limit at 2 rows, the 3-row table gets no sheet; "Läs mig" names its CSV and
    Parquet files with its row count, and "Kolumner" still describes its columns."""
    write_workbook(snapshot, DESCRIPTIONS, max_rows=2)
    book = openpyxl.load_workbook(snapshot / WORKBOOK_FILE)
    assert book.sheetnames == [README_SHEET, "Kolumner", "Organisationer"]
    readme = [[c.value for c in row] for row in book[README_SHEET].iter_rows()]
    listed = {row[1]: row for row in readme if row[1] in DESCRIPTIONS}
    big = listed["maturity_by_organisation"]
    assert big[0] == "csv/maturity_by_organisation.csv"
    assert big[2] == 3
    assert big[3].startswith(
        "Inget blad: tabellen har fler än 2 rader. Den finns som csv/maturity_by_organisation.csv "
        "och parquet/maturity_by_organisation.parquet i publiceringen. En rad per organisation")
    assert listed["organisations"][0] == "Organisationer"
    assert listed["organisations"][2] == 2
    columns = [[c.value for c in row] for row in book["Kolumner"].iter_rows()]
    assert ["csv/maturity_by_organisation.csv", "Organisationskod", "organisation_code"] == \
        columns[1][:3]
    assert sum(1 for row in columns if row[0] == "csv/maturity_by_organisation.csv") == 9


def test_a_withheld_rows_ranks_and_type_uncertainty_are_dots(tmp_path, dbt_manifest):
    """With the project's own declarations (the dbt docs' meta.hides): a withheld
    organisation-year shows '..' with the reason for its rank range, its type's
    uncertainty and its change's item count, not empty cells as if nothing were hidden;
    a published row keeps its values; a row published by the council's decision says so."""
    from pipelines.transform.assets import mart_descriptions

    descriptions = mart_descriptions()
    folder = tmp_path / "snap"
    (folder / "parquet").mkdir(parents=True)
    pq.write_table(pa.table({
        "organisation_code": ["0642", "0604"],
        "results_withheld": [True, False],
        "withheld_reason": ["withheld by the quality checks: response_rate: observed 0.2128", None],
        "county_rank_best": pa.array([None, 3], pa.int32()),
        "county_rank_worst": pa.array([None, 9], pa.int32()),
        "is_quadrant_uncertain": [None, False],
        "change_items_compared": pa.array([None, 34], pa.int32()),
        "published_by_council_decision": [False, True],
    }), folder / "parquet" / "maturity_by_organisation.parquet")  # fmt: skip
    manifest = {"snapshot_id": "snap", "settings": {"min_cell_respondents": 5},
                "tables": {"maturity_by_organisation": {"rows": 2}}, "years": {}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_workbook(folder, descriptions, tables=["maturity_by_organisation"])
    sheet = _sheet(folder, descriptions["maturity_by_organisation"]["label_sv"])
    withheld = [sheet.cell(3, j) for j in range(4, 8)]
    assert [c.value for c in withheld] == [HIDDEN_MARK] * 4
    assert withheld[0].comment.text == (
        "Publiceras inte:\nResultaten är undanhållna av kvalitetskontrollerna. (Svarsfrekvens "
        "per organisation: uppmätt 21,28\u00a0%)\nSkäl 1 i Läs mig.")
    readme = _sheet(folder, README_SHEET)
    assert [r[3].value for r in readme.iter_rows() if r[0].value == 1][-1] == (
        "Resultaten är undanhållna av kvalitetskontrollerna. (Svarsfrekvens per organisation: "
        "uppmätt 21,28\u00a0%)")
    assert [sheet.cell(4, j).value for j in range(4, 9)] == [3, 9, "Nej", 34, "Ja"]


def _parts(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_sheet_cells_count_the_tables_written_as_sheets(snapshot):
    from pipelines.publish.workbook import sheet_cells

    assert sheet_cells(snapshot) == 3 * 9 + 2 * 1  # maturity_by_organisation, organisations
    assert sheet_cells(snapshot, max_rows=2) == 2  # the 3-row table gets no sheet


def test_the_workbook_written_beside_in_a_worker_is_the_one_written_here(snapshot, monkeypatch):
    """workbook_beside: below WORKBOOK_PROCESS_MIN_CELLS this process writes the workbook
    before the block; from it a worker process writes it while the block runs. The same
    parts (every file in the xlsx archive, byte for byte)."""
    from pipelines.publish import workbook

    ran = []
    with workbook.workbook_beside(snapshot, DESCRIPTIONS):
        ran.append((snapshot / WORKBOOK_FILE).exists())
    here = _parts(snapshot / WORKBOOK_FILE)
    (snapshot / WORKBOOK_FILE).unlink()
    monkeypatch.setattr(workbook, "WORKBOOK_PROCESS_MIN_CELLS", 29)
    with workbook.workbook_beside(snapshot, DESCRIPTIONS):
        ran.append("beside")
    assert ran == [True, "beside"]
    assert _parts(snapshot / WORKBOOK_FILE) == here
    assert "xl/worksheets/sheet3.xml" in here  # Läs mig, Kolumner and the tables' sheets


def test_a_failed_workbook_worker_is_raised_after_the_block(snapshot, monkeypatch):
    from pipelines.publish import workbook

    (snapshot / "parquet" / "organisations.parquet").unlink()
    monkeypatch.setattr(workbook, "WORKBOOK_PROCESS_MIN_CELLS", 0)
    ran = []
    with (pytest.raises(RuntimeError, match="(?s)workbook worker process failed.*No Parquet "
                                            "file for table organisations"),
          workbook.workbook_beside(snapshot, DESCRIPTIONS)):
        ran.append(True)
    assert ran == [True]
    assert not (snapshot / WORKBOOK_FILE).exists()


def test_an_error_in_the_block_stops_the_workbook_worker(snapshot, tmp_path, monkeypatch):
    """The block's own error reaches the caller; the worker is killed and reaped."""
    import os
    import sys
    import time

    from pipelines.publish import workbook

    pid_file = tmp_path / "worker.pid"
    fake = tmp_path / "fake-python"
    fake.write_text(f"#!/bin/sh\ncat >/dev/null\necho $$ > {pid_file}\nsleep 30\n"
                    f"touch {tmp_path / 'worker.done'}\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    monkeypatch.setattr(workbook, "WORKBOOK_PROCESS_MIN_CELLS", 0)
    with pytest.raises(ValueError, match="the council's pages failed"):  # noqa: PT012
        with workbook.workbook_beside(snapshot, DESCRIPTIONS):
            while not pid_file.exists() or not pid_file.read_text().strip():
                time.sleep(0.01)
            raise ValueError("the council's pages failed")
    assert not (tmp_path / "worker.done").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
