"""One or more tests per fault kind of input-faults.md (kinds 1-11) and invitations.csv.

Every rejected input must raise the right IngestError subclass with a message naming the
file and the specifics; values in the asserts are written by hand from the inputs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from ingest_support import (
    HEAD_2018,
    HEAD_2020,
    SECRET,
    answers,
    codebook,
    csv_text,
    custom_profile,
    ok_row_2018,
    ok_row_2020,
    row_2018,
    write_2018,
    write_2019,
    write_2020,
    write_invitations,
)

from pipelines.ingest import (
    ExportFormatError,
    IngestError,
    MappingError,
    ingest_year,
)


def load(folder, year, **kw):
    return ingest_year(folder, year, secret=SECRET, **kw)


def write_bytes_2018(folder, data: bytes, name="dimios_export_2018.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profile.txt").write_text("dimios_2018_csv", encoding="utf-8")
    (folder / name).write_bytes(data)
    return folder / name


def text_2018(rows, header=HEAD_2018) -> str:
    return csv_text(header, rows, ";", "\r\n")


# --- 1. encoding -------------------------------------------------------------------------


def test_encoding_cp1252_decoded_strictly(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1", "Nässjö kommun", comment="Bra – men dyrt, café"),
                        ok_row_2018("2", "Sävsjö")])
    raw = (folder / "dimios_export_2018.csv").read_bytes()
    assert b"N\xe4ssj\xf6" in raw and b"\x96" in raw  # really cp1252 bytes
    result = load(folder, 2018)
    assert result.tables["respondents"]["organisation_code"].to_pylist() == ["0682", "0684"]


def test_encoding_utf8_bytes_under_cp1252_profile_rejected_as_double_decoded(tmp_path):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, text_2018([ok_row_2018("1", "Jönköping")]).encode("utf-8"))
    with pytest.raises(ExportFormatError) as err:
        load(folder, 2018)
    assert "double-decoded" in str(err.value)
    assert "'Ã¶'" in str(err.value)
    assert "dimios_export_2018.csv" in str(err.value)


def test_encoding_cp1252_bytes_under_utf8_profile_rejected(tmp_path):
    folder = tmp_path / "2020"
    folder.mkdir()
    (folder / "profile.txt").write_text("dimios_2020_csv", encoding="utf-8")
    data = csv_text(HEAD_2020, [ok_row_2020()], ",", "\n").encode("cp1252")
    (folder / "x.csv").write_bytes(data)
    with pytest.raises(ExportFormatError, match=r"x\.csv is not valid utf-8: byte b'\\xe5'"
                                                r".*line 1.*Windows-1252"):
        load(folder, 2020)


def test_encoding_cp1252_undefined_byte_rejected(tmp_path):
    folder = tmp_path / "2018"
    data = text_2018([ok_row_2018(comment="x")]).encode("cp1252").replace(b";x\r\n",
                                                                           b";x\x81\r\n")
    write_bytes_2018(folder, data)
    with pytest.raises(ExportFormatError, match=r"not valid cp1252: byte b'\\x81'.*line 2"):
        load(folder, 2018)


def test_encoding_latin1_profile_turns_dash_into_c1_control_rejected(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2018_csv", {"file": {"encoding": "latin-1"}})
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018(comment="bra \u2013 men"), ok_row_2018("2")])
    with pytest.raises(ExportFormatError) as err:
        load(folder, 2018, profiles_dir=profiles)
    assert "control characters U+0096 on line 2" in str(err.value)


@pytest.mark.parametrize("fragment", ["Ã¶", "Ã¤", "Ã…", "â€“", "Ã–"])
def test_encoding_double_decoded_patterns_rejected(tmp_path, fragment):
    folder = tmp_path / "2020"
    write_2020(folder, [ok_row_2020(), ["2", "2020-10-12T09:30:00", "0604", "Strateger",
                                        f"Utbildningsf{fragment}rvaltningen", "",
                                        *answers()]])
    with pytest.raises(ExportFormatError) as err:
        load(folder, 2020)
    assert f"double-decoded (UTF-8 read as Windows-1252/Latin-1): {fragment!r} on line 3" in str(
        err.value)


def test_encoding_real_swedish_text_not_flagged(tmp_path):
    folder = tmp_path / "2020"
    dept = "Ärende – Åtgärd … Öppen, hä… ÅÄÖ åäö é ü"
    write_2020(folder, [["1", "2020-10-12T09:30:00", "0604", "Strateger", dept, "",
                         *answers()]])
    assert load(folder, 2020).tables["respondents"]["department"].to_pylist() == [dept]


def test_encoding_latin1_profile_nel_control_not_swallowed_as_line_break(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2018_csv", {"file": {"encoding": "latin-1"}})
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018(comment="vänta…")])  # cp1252 0x85 -> U+0085 in latin-1
    with pytest.raises(ExportFormatError, match="control characters U\\+0085 on line 2"):
        load(folder, 2018, profiles_dir=profiles)


def test_encoding_double_decoded_text_in_xlsx_rejected(tmp_path):
    folder = tmp_path / "2019"
    write_2019(folder, [["1", None, "JÃ¶nkÃ¶pings kommun", "Kommunledning", "", "",
                         *["Vet ej"] * 36]])
    with pytest.raises(ExportFormatError, match="double-decoded.*'Ã¶'.*on sheet row 3"):
        load(folder, 2019)


# --- 2. byte-order mark ---------------------------------------------------------------


def test_bom_in_first_header_removed(tmp_path):
    folder = tmp_path / "2020"
    path = write_2020(folder, [ok_row_2020()])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfRespondentID")
    result = load(folder, 2020)
    assert result.stats["respondents"] == 1
    from pipelines.ingest import load_profile
    from pipelines.ingest.readers import read_csv

    sheet = read_csv(path, load_profile("dimios_2020_csv").file)
    assert sheet.headers[0] == "RespondentID"  # not "\ufeffRespondentID"


def test_bom_before_quoted_first_header_removed(tmp_path):
    folder = tmp_path / "2020"
    header = ['"RespondentID"'] + HEAD_2020[1:]
    write_2020(folder, [ok_row_2020()], header=header)  # written as """RespondentID"""
    assert load(folder, 2020).stats["respondents"] == 1


def test_bom_in_file_under_cp1252_profile_rejected(tmp_path):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, b"\xef\xbb\xbf" + text_2018([ok_row_2018()]).encode("cp1252"))
    with pytest.raises(ExportFormatError, match="byte-order mark but profile encoding is cp1252"):
        load(folder, 2018)


# --- 3. delimiter and decimal mark ---------------------------------------------------------


def test_delimiter_from_profile_never_sniffed(tmp_path):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, csv_text(HEAD_2018, [ok_row_2018()], ",", "\r\n").encode("cp1252"))
    with pytest.raises(MappingError) as err:
        load(folder, 2018)
    assert ("none of the profile dimios_2018_csv's columns is in the first row, so it is not "
            "the header. The row has 1 field and holds 43 ',' characters: is ',' the file's "
            "delimiter (file.delimiter)?") in str(err.value)


def test_decimal_mark_numbers_parsed_strictly_and_counted(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2018_csv",
                              {"answers": {"labels": None, "numeric": True}})
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1", ans=answers("4,0", "3", "Vet ej", "2,5")),
                        ok_row_2018("2", ans=answers("4.0", "3,75", "7"))])
    with pytest.raises(MappingError) as err:
        load(folder, 2018, profiles_dir=profiles)
    msg = str(err.value)
    assert "'2,5' in dimios_export_2018.csv column 'F04' (1 row)" in msg  # not an integer
    assert "'4.0' in dimios_export_2018.csv column 'F01' (1 row)" in msg  # '.' is not the mark
    assert "'3,75' in dimios_export_2018.csv column 'F02' (1 row)" in msg
    assert "'7' in dimios_export_2018.csv column 'F03' (1 row)" in msg  # outside the scale
    write_2018(folder, [ok_row_2018("1", ans=answers("4,0", "3", "Vet ej", "+2"))])
    result = load(folder, 2018, profiles_dir=profiles)
    vals = result.tables["survey_answers"]["answer_value"].to_pylist()[:4]
    assert vals == [4, 3, None, 2]


# --- 4. row shape ---------------------------------------------------------------------------


def test_row_shape_wholly_empty_trailing_field_dropped(tmp_path):
    folder = tmp_path / "2018"
    text = text_2018([ok_row_2018("1"), ok_row_2018("2")]).replace("\r\n", ";\r\n")
    text = text.replace("Kommentar;\r\n", "Kommentar\r\n", 1)  # header keeps its count
    write_bytes_2018(folder, text.encode("cp1252"))
    result = load(folder, 2018)
    assert result.stats["respondents"] == 2
    assert ("dimios_export_2018.csv: every data row ends with 1 empty field beyond the "
            "header's 44 (a delimiter at the end of each line); dropped") in result.warnings


def _rows_ending_in_delimiter(rows):
    """Every data line ends with ';' (the header does not), as in input-faults §4."""
    lines = text_2018(rows).split("\r\n")
    return "\r\n".join([lines[0]] + [ln + ";" if ln else ln for ln in lines[1:]])


def test_row_shape_trailing_delimiter_file_loads_exactly_as_without(tmp_path):
    rows = [ok_row_2018("1", ans=answers("4", "Vet ej", "2"), comment="bra"),
            ok_row_2018("2", "Sävsjö", ans=answers("", "5")),
            ok_row_2018("3", "Nässjö")]
    plain, ending = tmp_path / "plain" / "2018", tmp_path / "ending" / "2018"
    write_bytes_2018(plain, text_2018(rows).encode("cp1252"))
    write_bytes_2018(ending, _rows_ending_in_delimiter(rows).encode("cp1252"))
    a, b = load(plain, 2018), load(ending, 2018)
    for table in ("survey_answers", "respondents"):
        assert a.tables[table].equals(b.tables[table])
    assert a.tables["survey_answers"].num_rows == 3 * 36
    assert b.tables["survey_answers"]["answer_raw"].to_pylist()[:3] == ["4", "Vet ej", "2"]


def test_row_shape_row_lacking_a_field_in_a_trailing_delimiter_file_rejected(tmp_path):
    """The shift input-faults §4 forbids: all rows end in ';' and row 2 lacks one field, so
    it has the header's 44 fields once its trailing field is counted. Read per row it would
    load with every value moved one column to the left; the file's shape is 45."""
    rows = [ok_row_2018("1"), ok_row_2018("2", comment="x"), ok_row_2018("3")]
    del rows[1][4]  # the department field is missing; the comment 'x' is its last field
    folder = tmp_path / "2018"
    write_bytes_2018(folder, _rows_ending_in_delimiter(rows).encode("cp1252"))
    with pytest.raises(ExportFormatError) as err:
        load(folder, 2018)
    assert err.value.details["kind"] == "row_shape"
    assert err.value.details["rows"] == [2]
    assert ("this file's data rows have 45 fields (2 of 3 rows; the header has 44 fields); "
            "data row 2 (44 fields) differs") in err.value.reason


def test_row_shape_decided_per_file_not_per_row_for_unnamed_header_columns(tmp_path):
    folder = tmp_path / "2018"
    lines = text_2018([ok_row_2018("1"), ok_row_2018("2"), ok_row_2018("3")]).split("\r\n")
    lines[0] += ";;"  # Excel kept two empty columns in the header
    lines[1] += ";"   # and one of them in rows 1 and 3, not in row 2
    lines[3] += ";"
    write_bytes_2018(folder, "\r\n".join(lines).encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"data rows have 45 fields \(2 of 3 rows; the "
                                                r"header has 46 fields\); data row 2 \(44 "
                                                r"fields\) differs"):
        load(folder, 2018)
    lines[2] += ";"
    write_bytes_2018(folder, "\r\n".join(lines).encode("cp1252"))
    result = load(folder, 2018)
    assert result.stats["respondents"] == 3
    assert ("dimios_export_2018.csv: the header's unnamed trailing columns 46-46 are in no "
            "data row; dropped") in result.warnings
    assert ("dimios_export_2018.csv: dropped empty trailing column 45 without a header"
            in result.warnings)


def test_row_shape_profile_trailing_delimiter_catches_a_one_row_shift(tmp_path):
    """A one-row file cannot show its shape: with file.trailing_delimiter the profile does."""
    profiles = custom_profile(tmp_path, "dimios_2018_csv",
                              {"file": {"trailing_delimiter": True}})
    row = ok_row_2018("1")
    del row[4]  # shifted left: the e-mail column gets the first answer, F36 the comment
    folder = tmp_path / "2018"
    write_bytes_2018(folder, _rows_ending_in_delimiter([row]).encode("cp1252"))
    assert load(folder, 2018).stats["respondents"] == 1  # undetectable without the key
    with pytest.raises(ExportFormatError, match=r"file.trailing_delimiter: true\), so every "
                                                r"data row must have 45 fields .* this file's "
                                                r"rows have 44 fields"):
        load(folder, 2018, profiles_dir=profiles)
    good = tmp_path / "good" / "2018"
    write_bytes_2018(good, _rows_ending_in_delimiter([ok_row_2018("1")]).encode("cp1252"))
    assert load(good, 2018, profiles_dir=profiles).stats["respondents"] == 1


def test_row_shape_footer_row_points_to_skip_rows_below(tmp_path):
    folder = tmp_path / "2018"
    text = text_2018([ok_row_2018("1"), ok_row_2018("2")]) + "Totalt;2\r\n"
    write_bytes_2018(folder, text.encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"the last data row \(row 3\) has fewer "
                                                r"fields .* set file.skip_rows_below: 1 in "
                                                r"the profile"):
        load(folder, 2018)


def test_row_shape_value_beyond_header_rejected_with_rows(tmp_path):
    folder = tmp_path / "2018"
    lines = text_2018([ok_row_2018(str(i)) for i in range(1, 5)]).split("\r\n")
    lines[2] += ";x"
    lines[4] += ";;y"
    write_bytes_2018(folder, "\r\n".join(lines).encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"data rows have 44 fields \(2 of 4 rows, the "
                                                r"header's count\); data rows 2 \(45 fields\), "
                                                r"4 \(46 fields\) differ"):
        load(folder, 2018)
    lines[1] += ";;"
    lines[2] += ";"
    lines[3] += ";;"
    write_bytes_2018(folder, "\r\n".join(lines).encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"every data row has 46 fields, more than the "
                                                r"header's 44, and the fields beyond the header "
                                                r"hold values on rows 2, 4"):
        load(folder, 2018)


def test_row_shape_short_rows_rejected_with_rows(tmp_path):
    folder = tmp_path / "2018"
    lines = text_2018([ok_row_2018(str(i)) for i in range(1, 5)]).split("\r\n")
    lines[1] = lines[1].rsplit(";", 1)[0]
    lines[3] = lines[3].rsplit(";", 2)[0]
    write_bytes_2018(folder, "\r\n".join(lines).encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"data rows 1 \(43 fields\), 3 \(42 fields\) "
                                                "differ"):
        load(folder, 2018)


def test_row_shape_unnamed_trailing_column_with_values_rejected(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1") + [""], ok_row_2018("2") + ["oops"]],
               header=HEAD_2018 + [""])
    with pytest.raises(ExportFormatError, match="column 45 has no header name but values on "
                                                "row 2"):
        load(folder, 2018)
    write_2018(folder, [ok_row_2018("1") + [""], ok_row_2018("2") + [" "]],
               header=HEAD_2018 + [""])
    assert load(folder, 2018).stats["respondents"] == 2


# --- 5. header names -----------------------------------------------------------------------


def test_header_duplicate_rejected_and_named(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018() + ["x"]], header=HEAD_2018 + [" kommentar "])
    with pytest.raises(MappingError, match="duplicate column names 'Kommentar'"):
        load(folder, 2018)


def test_header_required_missing_lists_them_and_found(tmp_path):
    folder = tmp_path / "2018"
    header = [h for h in HEAD_2018 if h not in ("Organisation", "F07")]
    row = ok_row_2018()
    row = [v for h, v in zip(HEAD_2018, row, strict=True) if h not in ("Organisation", "F07")]
    write_2018(folder, [row], header=header)
    with pytest.raises(MappingError) as err:
        load(folder, 2018)
    assert "lacks required columns for organisation, EFF07" in str(err.value)
    # the header names to look for, as the 2018 profile declares them (columns.organisation,
    # items.EFF07), so the engineer need not open the profile
    assert ("the profile expects organisation (a column named 'Organisation'), EFF07 (a column "
            "named 'F07')") in str(err.value)
    assert "'Respondentgrupp'" in str(err.value)
    assert err.value.details["missing"] == ["organisation", "EFF07"]


def test_header_unmapped_column_rejected(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018() + ["5"]], header=HEAD_2018 + ["F37"])
    with pytest.raises(MappingError, match="does not map: 'F37'; map them \\(an alias"):
        load(folder, 2018)


def test_header_renamed_between_years_through_aliases(tmp_path):
    header = ["Kommun" if h == "Organisation" else h for h in HEAD_2018]
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018()], header=header)
    with pytest.raises(MappingError, match="'Kommun'"):
        load(folder, 2018)
    profiles = custom_profile(tmp_path, "dimios_2018_csv", {"columns": {"organisation": {
        "aliases": ["Organisation", "Kommun"]}}})
    assert load(folder, 2018, profiles_dir=profiles).stats["respondents"] == 1


# --- 6. two-row XLSX headers --------------------------------------------------------------------


def test_xlsx_two_row_header_item_under_wrong_question_rejected(tmp_path):
    folder = tmp_path / "2019"
    write_2019(folder, [["1", None, "Aneby", "Kommunledning", "", "", *["Vet ej"] * 36]])
    wb = openpyxl.load_workbook(folder / "dimios_export_2019.xlsx")
    ws = wb["Svar"]
    ws.unmerge_cells("G1:M1")  # Effektivitet block F01..F07
    ws.merge_cells("G1:L1")  # F07 now falls outside the question
    wb.save(folder / "dimios_export_2019.xlsx")
    with pytest.raises(MappingError, match="lacks required columns for EFF07"):
        load(folder, 2019)


def test_xlsx_merged_cells_in_data_rows_rejected(tmp_path):
    folder = tmp_path / "2019"
    write_2019(folder, [["1", None, "Aneby", "Kommunledning", "", "", *["Vet ej"] * 36],
                        ["2", None, "Aneby", "Kommunledning", "", "", *["Vet ej"] * 36]])
    wb = openpyxl.load_workbook(folder / "dimios_export_2019.xlsx")
    wb["Svar"].merge_cells("C3:C4")
    wb.save(folder / "dimios_export_2019.xlsx")
    with pytest.raises(ExportFormatError, match="merged cells C3:C4 below the header rows"):
        load(folder, 2019)


def test_xlsx_missing_sheet_named(tmp_path):
    folder = tmp_path / "2019"
    write_2019(folder, [["1", None, "Aneby", "Kommunledning", "", "", *["Vet ej"] * 36]],
               sheet="Blad1")
    with pytest.raises(ExportFormatError, match="has no sheet 'Svar'; sheets found: Blad1"):
        load(folder, 2019)


# --- 7. answer values -------------------------------------------------------------------------


def test_answers_outside_mapping_named_with_column_value_count(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1", ans=answers("1", "2", "6")),
                        ok_row_2018("2", ans=answers("1", "2", "6")),
                        ok_row_2018("3", ans=answers("1", "2", "NA")),
                        ok_row_2018("4", ans=answers("Vet inte"))])
    with pytest.raises(MappingError) as err:
        load(folder, 2018)
    msg = str(err.value)
    assert ("answer mapping: '6' in dimios_export_2018.csv column 'F03' (2 rows), "
            "'NA' in dimios_export_2018.csv column 'F03' (1 row), "
            "'Vet inte' in dimios_export_2018.csv column 'F01' (1 row) - add them") in msg
    assert err.value.details["answers"][0] == {
        "file": "dimios_export_2018.csv", "column": "F01", "value": "Vet inte", "rows": 1}


def test_answers_blank_is_not_dont_know_and_na_is_not_missing(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2018_csv", {"answers": {"blank": ["-"]}})
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1", ans=answers("", "  ", "-", "VET  EJ"))])
    result = load(folder, 2018, profiles_dir=profiles)
    got = result.tables["survey_answers"].to_pylist()[:4]
    assert [(a["answer_status"], a["answer_raw"]) for a in got] == [
        ("blank", ""), ("blank", ""), ("blank", "-"), ("dont_know", "VET  EJ")]
    with pytest.raises(IngestError):  # "NA" stays a value, and one the profile lacks
        write_2018(folder, [ok_row_2018("1", ans=answers("NA"))])
        load(folder, 2018, profiles_dir=profiles)


# --- 8. organisation identity -------------------------------------------------------------------


def test_organisation_unmatched_stops_load_with_list(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1", "Aneby"), ok_row_2018("2", "Jönköpings kommun "),
                        ok_row_2018("3", "Atlantis kommun"), ok_row_2018("4", "Jönköpingg"),
                        ok_row_2018("5", "Atlantis kommun"), ok_row_2018("6", "0680 Jönköping")])
    with pytest.raises(MappingError) as err:
        load(folder, 2018)
    msg = str(err.value)
    assert ("not in the register or alias list: '0680 Jönköping' (1 row), 'Atlantis kommun' "
            "(2 rows), 'Jönköpingg' (1 row)") in msg
    assert err.value.details["organisations"] == {"Atlantis kommun": 2, "Jönköpingg": 1,
                                                  "0680 Jönköping": 1}


def test_organisation_code_without_leading_zero_only_in_code_mode(tmp_path):
    folder = tmp_path / "2020"
    write_2020(folder, [ok_row_2020("1", "680"), ok_row_2020("2", "6"),
                        ok_row_2020("3", " 0604 ")])
    result = load(folder, 2020)  # dimios_2020_csv: match: code
    assert result.tables["respondents"]["organisation_code"].to_pylist() == ["0680", "06",
                                                                             "0604"]
    folder18 = tmp_path / "2018"
    write_2018(folder18, [ok_row_2018("1", "0680"), ok_row_2018("2", "680")])
    with pytest.raises(MappingError, match=r"'680' \(1 row\)"):
        load(folder18, 2018)  # match: name -> an exact code matches, a shortened one not


def test_target_group_unmapped_label_stops_load(tmp_path):
    folder = tmp_path / "2018"
    rows = [row_2018("1", "2018-10-15 14:03", "Aneby", "Förtroendevalda", "", "", "",
                     answers()),
            row_2018("2", "2018-10-15 14:03", "Aneby", "Rektor", "", "", "", answers()),
            row_2018("3", "2018-10-15 14:03", "Aneby", "strateger", "", "", "", answers())]
    write_2018(folder, rows)
    with pytest.raises(MappingError) as err:
        load(folder, 2018)
    # 'Förtroendevalda' is the seed's Swedish name and 'strateger' a seed code: both accepted
    assert "target groups not mapped: 'Rektor' (1 row) - add" in str(err.value)


# --- 9. respondents ------------------------------------------------------------------------------


def test_duplicates_without_email_use_tool_respondent_id(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [
        row_2018("A-1", "2018-10-15 14:03", "Aneby", "Kommunledning", "", "", "",
                 answers(fill="1")),
        row_2018("a-1", "2018-10-15 14:02", "Aneby", "Kommunledning", "", "", "",
                 answers(fill="2")),
        row_2018("A-2", "2018-10-15 14:03", "Aneby", "Kommunledning", "", "", "",
                 answers(fill="3")),
    ])
    result = load(folder, 2018)
    assert result.stats["duplicates_removed"] == 1
    assert result.tables["respondents"]["source_row"].to_pylist() == [1, 3]


def test_duplicates_across_two_files_of_a_year(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [row_2018("1", "2018-10-15 14:03", "Aneby", "Kommunledning", "", "",
                                 "p@x.se", answers(fill="1"))], name="a.csv")
    write_2018(folder, [row_2018("9", "2018-10-15 14:03", "Aneby", "Kommunledning", "", "",
                                 "P@x.se", answers(fill="5")),
                        ok_row_2018("10")], name="b.csv")
    result = load(folder, 2018)
    resp = result.tables["respondents"].to_pylist()
    # equal times: the later file wins
    assert [(r["source_file"], r["source_row"]) for r in resp] == [("b.csv", 1), ("b.csv", 2)]
    assert result.stats["files"] == 2 and result.stats["duplicates_removed"] == 1


def test_blank_respondent_id_rejected(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1"), ok_row_2018(" "), ok_row_2018("")])
    with pytest.raises(MappingError, match="respondent id empty on rows 2, 3"):
        load(folder, 2018)


# --- 10. year -------------------------------------------------------------------------------------


def test_year_rule_warn_loads_and_reports(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2018_csv", {"year_rule": "warn"})
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1"),
                        row_2018("2", "2019-01-03 10:00", "Aneby", "Kommunledning", "", "", "",
                                 answers())])
    result = load(folder, 2018, profiles_dir=profiles)
    assert result.stats["respondents"] == 2
    assert any("1 submission dated outside 2018 (2019: 1 row; row 2)" in w
               for w in result.warnings)


def test_year_bad_timestamp_format_rejected(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1"),
                        row_2018("2", "15/10/2018 14:03", "Aneby", "Kommunledning", "", "", "",
                                 answers())])
    with pytest.raises(MappingError, match="does not match format '%Y-%m-%d %H:%M' on row 2"):
        load(folder, 2018)


# --- 11. broken files ---------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf"])
def test_broken_empty_file(tmp_path, data):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, data)
    with pytest.raises(ExportFormatError, match="dimios_export_2018.csv is empty"):
        load(folder, 2018)


def test_broken_header_only(tmp_path):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, (";".join(HEAD_2018) + "\r\n").encode("cp1252"))
    with pytest.raises(ExportFormatError, match="has a header but no data rows"):
        load(folder, 2018)


def test_broken_truncated_inside_quoted_field(tmp_path):
    folder = tmp_path / "2018"
    text = text_2018([ok_row_2018("1"), ok_row_2018("2", comment="bra; men")])
    cut = text[: text.index("bra;") + 4]  # ends inside the open quote
    write_bytes_2018(folder, cut.encode("cp1252"))
    with pytest.raises(ExportFormatError, match="malformed CSV near line 3.*unclosed quote"):
        load(folder, 2018)


def test_broken_truncated_short_last_row(tmp_path):
    folder = tmp_path / "2018"
    text = text_2018([ok_row_2018("1"), ok_row_2018("2")])
    write_bytes_2018(folder, text[: len(text) - 20].encode("cp1252"))
    with pytest.raises(ExportFormatError, match="appears truncated: its last data row \\(2\\)"):
        load(folder, 2018)


def test_broken_pdf_behind_csv_name(tmp_path):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(ExportFormatError, match="is a PDF document"):
        load(folder, 2018)


def test_broken_html_behind_xlsx_name(tmp_path):
    folder = tmp_path / "2019"
    folder.mkdir()
    (folder / "profile.txt").write_text("dimios_2019_xlsx", encoding="utf-8")
    (folder / "export.xlsx").write_bytes(b"\n<!DOCTYPE html><html><body>Logga in</body></html>")
    with pytest.raises(ExportFormatError, match="export.xlsx is an HTML page"):
        load(folder, 2019)


def test_broken_zip_that_is_not_a_workbook(tmp_path):
    folder = tmp_path / "2019"
    folder.mkdir()
    (folder / "profile.txt").write_text("dimios_2019_xlsx", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("export.csv", "a;b\n")
    (folder / "export.xlsx").write_bytes(buf.getvalue())
    with pytest.raises(ExportFormatError, match="ZIP archive but not an XLSX workbook.*"
                                                "export.csv"):
        load(folder, 2019)


def test_broken_encrypted_workbook_ole2(tmp_path):
    folder = tmp_path / "2019"
    folder.mkdir()
    (folder / "profile.txt").write_text("dimios_2019_xlsx", encoding="utf-8")
    (folder / "export.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(ExportFormatError, match="encrypted \\(password-protected\\) workbook"):
        load(folder, 2019)


def test_broken_truncated_workbook(tmp_path):
    folder = tmp_path / "2019"
    path = write_2019(folder, [["1", None, "Aneby", "Kommunledning", "", "", *["Vet ej"] * 36]])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExportFormatError, match="damaged ZIP/XLSX file"):
        load(folder, 2019)


def test_broken_csv_text_behind_xlsx_name_and_xlsx_behind_csv(tmp_path):
    folder = tmp_path / "2019"
    folder.mkdir()
    (folder / "profile.txt").write_text("dimios_2019_xlsx", encoding="utf-8")
    (folder / "export.xlsx").write_text("Respondent;Inskickad\n1;2\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not an XLSX workbook.*text file"):
        load(folder, 2019)
    f2018 = tmp_path / "2018"
    xlsx = write_2019(tmp_path / "tmpx", [["1"] + [""] * 41], profile=False)
    write_bytes_2018(f2018, xlsx.read_bytes())
    with pytest.raises(ExportFormatError, match="ZIP archive or XLSX workbook, not a CSV"):
        load(f2018, 2018)


def test_folder_with_unexpected_file_rejected_lock_file_skipped(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018()])
    (folder / "~$dimios_export_2018.csv").write_bytes(b"lock")
    result = load(folder, 2018)
    assert any("~$dimios_export_2018.csv" in w for w in result.warnings)
    (folder / "notes.docx").write_bytes(b"x")
    with pytest.raises(ExportFormatError, match="not CSV exports for profile dimios_2018_csv: "
                                                "notes.docx"):
        load(folder, 2018)


# --- 12 (brief). invitations.csv ----------------------------------------------------


def _inv_folder(tmp_path, lines):
    folder = tmp_path / "2020"
    write_2020(folder, [ok_row_2020()])
    write_invitations(folder, lines)
    return folder


def test_invitations_all_problems_listed(tmp_path):
    folder = _inv_folder(tmp_path, [
        "0604,strateger,5,email",
        "604,strateger,5,email",
        "0680,rektorer,5,email",
        "0680,strateger,12.5,email",
        "0682,strateger,,email",
        "0683,strateger,7,link",
        "0684,strateger,3,post",
        "0604,strateger,6,email",
    ])
    with pytest.raises(MappingError) as err:
        load(folder, 2020)
    msg = str(err.value)
    assert "unknown organisation_code '604' on row 2" in msg
    assert "unknown target_group 'rektorer' on row 3" in msg
    assert "invitation_method 'post' is neither email nor link on row 7" in msg
    assert "not a non-negative integer for an email invitation on rows 4, 5" in msg
    assert "must be empty for a link invitation on row 6" in msg
    assert ("organisation_code '0604' with target_group 'strateger' repeated: the same pair "
            "on rows 1, 8") in msg


def test_invitations_bad_header(tmp_path):
    folder = tmp_path / "2020"
    write_2020(folder, [ok_row_2020()])
    (folder / "invitations.csv").write_text("kommun,grupp,antal\n0604,strateger,5\n",
                                            encoding="utf-8")
    with pytest.raises(ExportFormatError, match="must have the columns organisation_code, "
                                                "target_group, invited, invitation_method"):
        load(folder, 2020)


def test_invitations_fewer_than_respondents_warns(tmp_path):
    folder = _inv_folder(tmp_path, ["0604,strateger,0,email"])
    result = load(folder, 2020)
    assert "0604/strateger: 1 respondent but only 0 invited" in result.warnings


def test_items_per_version_follow_codebook(tmp_path):
    # 2020 file with v2020 header order: F13 is the new item of v2020
    folder = tmp_path / "2020"
    ans = ["1"] * 36
    ans[12] = "5"
    write_2020(folder, [ok_row_2020(ans=ans)])
    result = load(folder, 2020)
    got = {a["item_code"]: a["answer_value"] for a in result.tables["survey_answers"].to_pylist()}
    v2020, v2018 = codebook("v2020"), codebook("v2018")
    new = [c for c in v2020 if c not in v2018]
    assert got[v2020[12]] == 5 and sorted(got) == sorted(v2020)
    assert len(new) == 1


def test_rows_above_and_below_skipped_as_profile_says(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2018_csv",
                              {"file": {"skip_rows_above": 2, "skip_rows_below": 1}})
    folder = tmp_path / "2018"
    body = text_2018([ok_row_2018("1"), ok_row_2018("2")])
    text = "sep=;\r\nExport 2018-11-01\r\n" + body + "Totalt;2\r\n\r\n"
    write_bytes_2018(folder, text.encode("cp1252"))
    result = load(folder, 2018, profiles_dir=profiles)
    assert result.stats["respondents"] == 2
    with pytest.raises(IngestError):  # without the profile's skips the file does not map
        load(folder, 2018)


def test_xlsx_numeric_cells_with_numeric_profile(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2019_xlsx",
                              {"answers": {"labels": None, "numeric": True,
                                           "dont_know": ["99"]}})
    folder = tmp_path / "2019"
    when = dt.datetime(2019, 10, 1, 8, 0, 0, 700_000)
    write_2019(folder, [["1", when, "Aneby", "Kommunledning", "", "",
                         1, 2.0, 99, None, "5", *[3] * 31]])
    result = load(folder, 2019, profiles_dir=profiles)
    got = result.tables["survey_answers"].to_pylist()[:6]
    assert [(a["answer_value"], a["answer_status"], a["answer_raw"]) for a in got] == [
        (1, "answered", "1"), (2, "answered", "2"), (None, "dont_know", "99"),
        (None, "blank", ""), (5, "answered", "5"), (3, "answered", "3")]
    # XLSX date cells are rounded to whole seconds
    assert result.tables["respondents"]["submitted_at"].to_pylist() == [
        dt.datetime(2019, 10, 1, 8, 0, 1)]
    write_2019(folder, [["1", when, "Aneby", "Kommunledning", "", "", 4.5, *[3] * 35]])
    with pytest.raises(MappingError, match=r"'4.5' in dimios_export_2019.xlsx column "
                                           r"'Effektivitet – hur väl stämmer påståendena\? \| F01' \(1 row\)"):
        load(folder, 2019, profiles_dir=profiles)


def _dk_folder(tmp_path, pairs):
    """2020-shaped file whose every item column is followed by '<item> vet ej'."""
    header = HEAD_2020[:6]
    for c in HEAD_2020[6:]:
        header += [c, f"{c} vet ej"]
    cells = []
    for i in range(36):
        cells += list(pairs[i]) if i < len(pairs) else ["3", ""]
    folder = tmp_path / "2020"
    write_2020(folder, [["1", "2020-10-12T09:30:00", "0604", "Strateger", "", "", *cells]],
               header=header)
    return folder


def test_answers_dont_know_as_separate_column(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2020_csv", {"answers": {
        "dont_know_columns": {"template": "{column} vet ej", "marks": ["X"]}}})
    folder = _dk_folder(tmp_path, [("", "x"), ("3", ""), ("99", ""), ("", "")])
    got = load(folder, 2020, profiles_dir=profiles).tables["survey_answers"].to_pylist()[:4]
    assert [(a["answer_value"], a["answer_status"], a["answer_raw"]) for a in got] == [
        (None, "dont_know", "x"), (3, "answered", "3"), (None, "dont_know", "99"),
        (None, "blank", "")]
    folder = _dk_folder(tmp_path, [("4", "X"), ("", "?"), ("", "?")])
    with pytest.raises(MappingError) as err:
        load(folder, 2020, profiles_dir=profiles)
    msg = str(err.value)
    assert "'?' in dimios_export_2020.csv columns 'F02 vet ej' (1 row), 'F03 vet ej' (1 row)" in msg
    assert "both an answer and a 'vet ej' mark for the same item: F01 (1 row)" in msg


def test_answers_dont_know_column_missing_is_named(tmp_path):
    profiles = custom_profile(tmp_path, "dimios_2020_csv", {"answers": {
        "dont_know_columns": {"template": "{column} vet ej", "marks": ["X"]}}})
    folder = tmp_path / "2020"
    write_2020(folder, [ok_row_2020()])
    with pytest.raises(MappingError, match="lacks required columns for 'F01 vet ej' "
                                           r"\(vet ej of EFF01\), 'F02 vet ej' "):
        load(folder, 2020, profiles_dir=profiles)


def test_year_column_other_year_rejected_or_warned(tmp_path):
    change = {"columns": {"survey_year": {"aliases": ["År"]}}}
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1") + ["2018"], ok_row_2018("2") + ["2019"],
                        ok_row_2018("3") + [""]], header=HEAD_2018 + ["År"])
    with pytest.raises(MappingError, match=r"year column says another year than 2018 on 2 "
                                           r"rows \(''\: 1 row, '2019': 1 row; rows 2, 3\)"):
        load(folder, 2018, profiles_dir=custom_profile(tmp_path, "dimios_2018_csv", change))
    warn = custom_profile(tmp_path, "dimios_2018_csv", {**change, "year_rule": "warn"})
    result = load(folder, 2018, profiles_dir=warn)
    assert result.stats["respondents"] == 3
    assert any("year column says another year" in w for w in result.warnings)


def test_row_shape_empty_header_row_points_to_skip_rows(tmp_path):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, (";;\r\n" + text_2018([ok_row_2018()])).encode("cp1252"))
    with pytest.raises(ExportFormatError, match="header row is empty.*skip_rows_above"):
        load(folder, 2018)


def test_encoding_utf16_unicode_text_named(tmp_path):
    folder = tmp_path / "2018"
    write_bytes_2018(folder, text_2018([ok_row_2018()]).encode("utf-16"))
    with pytest.raises(ExportFormatError, match="is UTF-16 text .* profile encoding is cp1252"):
        load(folder, 2018)


def test_folder_readme_is_not_read_as_an_export(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018()])
    (folder / "README.txt").write_text("leverans 2018", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not CSV exports .*: README.txt"):
        load(folder, 2018)


# --- diagnoses that name the cause and the fix -------------------------------------------------


def test_diagnosis_long_quoted_field_names_limit_and_profile_key(tmp_path):
    folder = tmp_path / "2018"
    long_comment = "lång text; med \"citat\" " * 8_000  # 184,000 characters, quoted by csv
    assert len(long_comment) == 184_000
    write_2018(folder, [ok_row_2018("1"), ok_row_2018("2", comment=long_comment)])
    with pytest.raises(ExportFormatError) as err:
        load(folder, 2018)
    assert err.value.details["kind"] == "field_too_long"
    assert ("the quoted field on data row 2, column 44 ('Kommentar'), is 184,000 characters "
            "long, more than the profile's limit file.max_field_chars = 131,072 (1 such field "
            "in the file). No survey answer or comment is that long") in err.value.reason
    assert "unclosed quote" not in err.value.reason
    profiles = custom_profile(tmp_path, "dimios_2018_csv",
                              {"file": {"max_field_chars": 200_000}})
    assert load(folder, 2018, profiles_dir=profiles).stats["respondents"] == 2


def test_diagnosis_stray_quote_swallowing_lines_is_named_as_such(tmp_path):
    folder = tmp_path / "2018"
    rows = [ok_row_2018(str(i)) for i in range(1, 3001)]
    rows[1][-1] = 'x'
    text = text_2018(rows).replace(";x\r\n", ';"x\r\n', 1)  # opened on data row 2 ...
    text = text.replace("\r\n3000;", '\r\n3000";', 1)      # ... closed on line 3001
    write_bytes_2018(folder, text.encode("cp1252"))
    with pytest.raises(ExportFormatError) as err:
        load(folder, 2018)
    assert err.value.details["lines_spanned"] == 2_999
    assert ("the quoted field on data row 2, column 44 ('Kommentar'), is "
            in err.value.reason)
    assert ("It spans 2,999 lines (to line 3001): a quote that is not closed or not escaped "
            "usually swallows the lines after it") in err.value.reason


def test_diagnosis_header_repeated_in_the_data(tmp_path):
    folder = tmp_path / "2018"
    text = (text_2018([ok_row_2018("1"), ok_row_2018("2")])
            + text_2018([ok_row_2018("3")]))  # a second export pasted below the first
    write_bytes_2018(folder, text.encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"the header is repeated on data row 3 \(data "
                                                r"row 1 = first row below the header\): "
                                                r"probably two exports pasted into one file"):
        load(folder, 2018)


def test_diagnosis_preamble_lines_point_to_skip_rows_above(tmp_path):
    folder = tmp_path / "2018"
    text = "Export DiMiOS 2018-11-01\r\n" + text_2018([ok_row_2018("1"), ok_row_2018("2")])
    write_bytes_2018(folder, text.encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"every data row has 44 fields, more than the "
                                                r"header's 1.* set file.skip_rows_above"):
        load(folder, 2018)


def test_diagnosis_xlsx_title_above_the_header_points_to_skip_rows_above(tmp_path):
    folder = tmp_path / "2019"
    path = write_2019(folder, [["1", dt.datetime(2019, 10, 1, 8), "Aneby", "Kommunledning",
                                "", "", *["Instämmer helt"] * 36]])
    wb = openpyxl.load_workbook(path)
    ws = wb["Svar"]
    ws.insert_rows(1)
    ws["A1"] = "DiMiOS 2019 - export"
    wb.save(path)
    with pytest.raises(ExportFormatError, match=r"no header name but values .* set "
                                                r"file.skip_rows_above"):
        load(folder, 2019)


def test_diagnosis_xlsx_totals_row_points_to_skip_rows_below(tmp_path):
    folder = tmp_path / "2019"
    label = "Instämmer helt"
    write_2019(folder, [["1", dt.datetime(2019, 10, 1, 8), "Aneby", "Kommunledning", "", "",
                         *[label] * 36],
                        ["2", dt.datetime(2019, 10, 1, 9), "Habo", "Kommunledning", "", "",
                         *[label] * 36],
                        ["Totalt", None, None, None, None, None, *[label] * 36]])
    with pytest.raises(MappingError, match=r"only the last data row \(row 3\) fails to map - "
                                           r"if it is a totals or footer row, set "
                                           r"file.skip_rows_below: 1 in the profile"):
        load(folder, 2019)


def test_diagnosis_unmapped_header_names_the_nearest_known(tmp_path):
    folder = tmp_path / "2018"
    head = [("Förvaltnng" if h == "Förvaltning" else h) for h in HEAD_2018]
    write_2018(folder, [ok_row_2018("1")], header=head)
    with pytest.raises(MappingError, match=r"does not map: 'Förvaltnng' \(nearest known: "
                                           r"'Förvaltning' \(department\)\)"):
        load(folder, 2018)
    head = [("Organisaton" if h == "Organisation" else h) for h in HEAD_2018]
    write_2018(folder, [ok_row_2018("1")], header=head)
    with pytest.raises(MappingError, match=r"lacks required columns for organisation .*"
                                           r"nearest unmapped headers: organisation - the file "
                                           r"has 'Organisaton', not 'Organisation'"):
        load(folder, 2018)


def test_xlsx_error_cell_is_its_error_text_never_blank(tmp_path):
    """python-calamine returns an error cell (#N/A) as empty; the reader puts the error text
    back, so it is an unmapped answer, not "not answered"."""
    folder = tmp_path / "2019"
    path = write_2019(folder, [["1", dt.datetime(2019, 10, 1, 8), "Aneby", "Kommunledning",
                                "", "", *["Instämmer helt"] * 36]])
    wb = openpyxl.load_workbook(path)
    wb["Svar"]["H3"] = "#N/A"  # openpyxl stores an error code as an error cell (t="e")
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        assert b'<c r="H3" t="e"><v>#N/A</v></c>' in zf.read("xl/worksheets/sheet1.xml")
    with pytest.raises(MappingError, match=r"'#N/A' in dimios_export_2019.xlsx column "
                                           r"'Effektivitet – hur väl stämmer påståendena\? \| "
                                           r"F02' \(1 row\)"):
        load(folder, 2019)


def test_xlsx_sheet_starting_below_and_right_of_a1_keeps_its_positions(tmp_path):
    from pipelines.ingest.profiles import load_profile
    from pipelines.ingest.readers import read_xlsx

    path = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C4"], ws["D4"] = "Respondent", "F01"
    ws["C5"], ws["D5"] = "1", 4
    wb.save(path)
    spec = load_profile("dimios_2019_xlsx").file.model_copy(
        update={"sheet": None, "header_rows": 1, "skip_rows_above": 3})
    with pytest.raises(ExportFormatError, match="columns without a header name at positions "
                                                "1, 2"):
        read_xlsx(path, spec)
    ws.delete_cols(1, 2)
    wb.save(path)
    sheet = read_xlsx(path, spec)
    assert sheet.headers == ["Respondent", "F01"] and sheet.rows == [(1, ["1", "4"])]


def test_email_address_in_the_department_column_stops_the_load_without_quoting_it(tmp_path):
    # the department is published as text: an e-mail address there (a shifted column or a
    # cell filled in wrongly) would reach every table, report and deck
    folder = tmp_path / "2018"
    rows = [row_2018("1", "2018-10-15 14:03", "Aneby", "strateger", "Socialförvaltningen", "",
                     "", answers()),
            row_2018("2", "2018-10-15 14:03", "Aneby", "strateger", "lena.ek@eksjo.example.se",
                     "", "", answers()),
            row_2018("3", "2018-10-15 14:03", "Aneby", "strateger", "Lena.Ek@Eksjo.Example.SE",
                     "", "", answers())]
    write_2018(folder, rows)
    with pytest.raises(MappingError) as err:
        load(folder, 2018)
    msg = str(err.value)
    assert ("the department column holds an e-mail address (personal data, never published) "
            "on rows 2, 3; the columns may be shifted") in msg
    assert "@" not in msg and "lena" not in msg.lower()
