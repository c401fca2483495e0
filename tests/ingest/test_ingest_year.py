"""ingest_year on small files shaped like the sample (priority a)."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import hmac

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_support import (
    HEAD_2020,
    SECRET,
    answers,
    codebook,
    row_2018,
    write_2018,
    write_2019,
    write_2020,
    write_invitations,
)

from pipelines.ingest import SCHEMAS, ingest_year, write_tables


def hmac16(message: str) -> str:
    return hmac.new(SECRET, message.encode(), hashlib.sha256).hexdigest()[:16]


def by_respondent(result):
    ans = result.tables["survey_answers"].to_pylist()
    out: dict[str, dict[str, tuple]] = {}
    for a in ans:
        out.setdefault(a["respondent_id"], {})[a["item_code"]] = (
            a["answer_value"], a["answer_status"], a["answer_raw"])
    return out


def test_2018_csv_shape_ingests(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [
        row_2018("2018-000001", "2018-10-15 14:03", "Aneby kommun", "Förtroendevald",
                 "Socialförvaltningen", "Anna Lind", "anna.lind@aneby.example.se",
                 answers("1", "Vet ej", "", "5"), "Bra – men för långt, café"),
        row_2018("2018-000002", "2018-10-16 09:00", "Jonkoping", "Systemansvarig",
                 "Serviceförvaltningen", "Bo Ek", "Bo.Ek@jkpg.example.se",
                 answers(fill="4")),
        row_2018("2018-000003", "2018-10-17 10:30", "Region Jönköping",
                 "Strateg/verksamhetsutvecklare",
                 "", "Cia Al", "", answers("2", fill="vet ej")),
    ])
    write_invitations(folder, ["0604,fortroendevalda,10,email", "0680,systemansvariga,,link"])
    result = ingest_year(folder, 2018, secret=SECRET)

    assert result.profile_name == "dimios_2018_csv"
    assert result.instrument_version == "v2018"
    resp = result.tables["respondents"].to_pylist()
    ids = [hmac16("2018|email|anna.lind@aneby.example.se"),
           hmac16("2018|email|bo.ek@jkpg.example.se"),
           hmac16("2018|id|2018-000003")]
    assert [r["respondent_id"] for r in resp] == ids
    assert [r["organisation_code"] for r in resp] == ["0604", "0680", "06"]
    assert [r["target_group"] for r in resp] == ["fortroendevalda", "systemansvariga",
                                                 "strateger"]
    assert [r["department"] for r in resp] == ["Socialförvaltningen", "Serviceförvaltningen",
                                               None]
    assert resp[0]["submitted_at"] == dt.datetime(2018, 10, 15, 14, 3)
    assert [r["source_row"] for r in resp] == [1, 2, 3]
    assert {r["source_file"] for r in resp} == {"dimios_export_2018.csv"}

    items = codebook("v2018")
    ans = by_respondent(result)
    assert list(ans[ids[0]]) == items  # codebook order, all 36
    assert ans[ids[0]][items[0]] == (1, "answered", "1")
    assert ans[ids[0]][items[1]] == (None, "dont_know", "Vet ej")
    assert ans[ids[0]][items[2]] == (None, "blank", "")
    assert ans[ids[0]][items[3]] == (5, "answered", "5")
    assert ans[ids[2]][items[5]] == (None, "dont_know", "vet ej")
    # hand count: 108 cells; dont_know 1 + 35; blank 1
    s = result.stats
    assert (s["respondents"], s["answers"], s["dont_know"], s["blank"], s["answered"]) == (
        3, 108, 36, 1, 71)
    assert s["duplicates_removed"] == 0
    inv = result.tables["invitations"].to_pylist()
    assert inv == [
        {"survey_year": 2018, "organisation_code": "0604", "target_group": "fortroendevalda",
         "invited": 10, "invitation_method": "email"},
        {"survey_year": 2018, "organisation_code": "0680", "target_group": "systemansvariga",
         "invited": None, "invitation_method": "link"},
    ]
    for name, table in result.tables.items():
        assert table.schema.equals(SCHEMAS[name])
    # identity and free text appear nowhere
    everything = " ".join(str(v) for t in result.tables.values() for col in t.columns
                          for v in col.to_pylist())
    for secret_value in ("Anna Lind", "anna.lind", "Bo.Ek", "Cia Al", "café"):
        assert secret_value not in everything
    names = {f["name"]: f for f in result.input_files}
    assert names["dimios_export_2018.csv"]["rows"] == 3
    raw = (folder / "dimios_export_2018.csv").read_bytes()
    assert names["dimios_export_2018.csv"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert names["dimios_export_2018.csv"]["bytes"] == len(raw)


def test_2019_xlsx_two_row_header_labels(tmp_path):
    folder = tmp_path / "2019"
    labels = ["Instämmer inte alls", "instämmer till liten del", " Instämmer  delvis ",
              "INSTÄMMER TILL STOR DEL", "Instämmer helt", "VET EJ", None]
    write_2019(folder, [
        ["2019-000001", dt.datetime(2019, 10, 1, 8, 15), "Jönköpings kommun", "Kommunledning",
         "Kommunledningskontoret", "x@jkpg.example.se", *labels, *["Instämmer delvis"] * 29],
        ["2019-000002", dt.datetime(2019, 10, 2, 9, 0), "RJL", "Förvaltningsledning",
         "Regional utveckling", "y@rjl.example.se", *["Vet ej"] * 36],
    ])
    result = ingest_year(folder, 2019, secret=SECRET)
    items = codebook("v2018")
    rid = hmac16("2019|email|x@jkpg.example.se")
    ans = by_respondent(result)
    assert [ans[rid][c][:2] for c in items[:7]] == [
        (1, "answered"), (2, "answered"), (3, "answered"), (4, "answered"), (5, "answered"),
        (None, "dont_know"), (None, "blank")]
    assert ans[rid][items[2]][2] == "Instämmer  delvis"  # trimmed, inner spaces kept
    resp = result.tables["respondents"].to_pylist()
    assert [r["organisation_code"] for r in resp] == ["0680", "06"]
    assert [r["target_group"] for r in resp] == ["kommunledning", "forvaltningsledning"]
    assert resp[0]["submitted_at"] == dt.datetime(2019, 10, 1, 8, 15)
    assert result.stats["dont_know"] == 1 + 36
    assert result.stats["blank"] == 1
    assert result.stats["answered"] == 72 - 38


def test_2020_csv_bom_codes_and_99(tmp_path):
    folder = tmp_path / "2020"
    write_2020(folder, [
        ["R1", "2020-10-12T09:30:00", "0680", "Strateger", "Utbildningsförvaltningen",
         "a@x.example.se", *answers("99", "", "2")],
        ["R2", "2020-10-13T10:00:00", "06", "Förtroendevalda", "", "", *answers(fill="5")],
    ])
    result = ingest_year(folder, 2020, secret=SECRET)
    assert result.instrument_version == "v2020"
    items = codebook("v2020")
    resp = result.tables["respondents"].to_pylist()
    assert [r["organisation_code"] for r in resp] == ["0680", "06"]
    assert [r["target_group"] for r in resp] == ["strateger", "fortroendevalda"]
    assert resp[1]["department"] is None
    assert [r["instrument_version"] for r in resp] == ["v2020", "v2020"]
    ans = by_respondent(result)
    r1 = hmac16("2020|email|a@x.example.se")
    assert ans[r1][items[0]] == (None, "dont_know", "99")
    assert ans[r1][items[1]] == (None, "blank", "")
    assert ans[r1][items[2]] == (2, "answered", "2")
    assert set(ans[hmac16("2020|id|r2")][c] for c in items) == {(5, "answered", "5")}
    assert any("byte-order mark" in w for w in result.warnings)
    assert any("invitations.csv" in w for w in result.warnings)
    assert result.tables["invitations"].num_rows == 0


def test_write_tables_parquet_with_explicit_schema(tmp_path):
    folder = tmp_path / "2020"
    write_2020(folder, [["R1", "2020-10-12T09:30:00", "0604", "Strateger", "E", "",
                         *answers("1", "99", "")]])
    result = ingest_year(folder, 2020, secret=SECRET)
    paths = write_tables(result, tmp_path / "out")
    assert set(paths) == {"survey_answers", "respondents", "invitations"}
    for name, path in paths.items():
        table = pq.read_table(path)
        expected = SCHEMAS[name]
        if name == "respondents":  # Parquet has no second unit: whole seconds stored as ms
            i = expected.get_field_index("submitted_at")
            expected = expected.set(i, expected.field(i).with_type(pa.timestamp("ms")))
        assert table.schema.equals(expected)
    answers_t = pq.read_table(paths["survey_answers"])
    assert answers_t.num_rows == 36
    assert answers_t.column("answer_value").to_pylist()[:3] == [1, None, None]
    resp = pq.read_table(paths["respondents"])
    assert resp.column("submitted_at").to_pylist() == [dt.datetime(2020, 10, 12, 9, 30)]
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []


def test_duplicate_submissions_keep_latest(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [
        row_2018("2018-000001", "2018-10-15 14:03", "Aneby", "Kommunledning", "A", "N",
                 "same@x.example.se", answers(fill="1")),
        row_2018("2018-000002", "2018-10-20 08:00", "Aneby", "Kommunledning", "A", "N",
                 " SAME@x.example.se ", answers(fill="2")),
        row_2018("2018-000003", "2018-10-18 08:00", "Aneby", "Kommunledning", "A", "N",
                 "same@x.example.se", answers(fill="3")),
        row_2018("2018-000004", "2018-10-18 08:00", "Aneby", "Kommunledning", "A", "N",
                 "other@x.example.se", answers(fill="4")),
    ])
    result = ingest_year(folder, 2018, secret=SECRET)
    resp = result.tables["respondents"].to_pylist()
    assert [r["source_row"] for r in resp] == [2, 4]
    assert result.stats["duplicates_removed"] == 2
    values = set(result.tables["survey_answers"].column("answer_value").to_pylist())
    assert values == {2, 4}
    assert any("duplicate rule fired: 2" in w for w in result.warnings)


def test_pseudonym_changes_with_key(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [row_2018("1", "2018-10-15 14:03", "Aneby", "Kommunledning", "", "",
                                 "a@b.se", answers())])
    one = ingest_year(folder, 2018, secret=SECRET)
    two = ingest_year(folder, 2018, secret=b"another-secret-key-0123456789")
    id1 = one.tables["respondents"]["respondent_id"][0].as_py()
    id2 = two.tables["respondents"]["respondent_id"][0].as_py()
    assert len(id1) == 16 and int(id1, 16) >= 0
    assert id1 != id2


def test_year_outside_folder_rejected_with_count(tmp_path):
    from pipelines.ingest import MappingError

    folder = tmp_path / "2018"
    write_2018(folder, [
        row_2018("1", "2018-10-15 14:03", "Aneby", "Kommunledning", "", "", "", answers()),
        row_2018("2", "2019-01-02 10:00", "Aneby", "Kommunledning", "", "", "", answers()),
        row_2018("3", "2017-12-31 23:59", "Aneby", "Kommunledning", "", "", "", answers()),
    ])
    with pytest.raises(MappingError) as err:
        ingest_year(folder, 2018, secret=SECRET)
    assert gc.isenabled()  # the read's paused garbage collector is set back on an error
    msg = str(err.value)
    assert "2 submissions dated outside 2018" in msg
    assert "2017: 1 row, 2019: 1 row" in msg
    assert "rows 2, 3" in msg


def test_header_alias_case_space_quotes_nfd(tmp_path):
    import unicodedata

    header = list(HEAD_2020)
    header[0] = ' "respondentid" '
    header[3] = unicodedata.normalize("NFD", " MÅLGRUPP")
    header[4] = "  enhet"
    folder = tmp_path / "2020"
    write_2020(folder, [["1", "2020-10-12T09:30:00", "0604", "Strateger", "Soc", "",
                         *answers()]], header=header)
    result = ingest_year(folder, 2020, secret=SECRET)
    assert result.tables["respondents"]["department"].to_pylist() == ["Soc"]
