"""Sign-off log: record, clear, status, history, versions, validation, append-only, locking."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

import pytest

from pipelines.signoff import (
    SignoffError,
    apply_signoffs_to_snapshot,
    clear_if_data_changed,
    clear_signoff,
    manifest_year_entry,
    record_signoff,
    signoff_history,
    signoff_log_path,
    signoff_status,
)

T1 = dt.datetime(2026, 3, 2, 9, 15, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 3, 10, 0, 0, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 3, 4, 11, 30, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _lines(root: Path) -> list[dict]:
    return [json.loads(x) for x in signoff_log_path(root).read_text("utf-8").splitlines()]


def test_log_lives_in_the_data_root(tmp_path):
    assert signoff_log_path(tmp_path) == tmp_path / "signoff" / "signoffs.jsonl"


def test_nothing_signed_off(tmp_path):
    assert signoff_status(tmp_path, 2019) is None
    assert signoff_history(tmp_path) == []
    assert clear_signoff(tmp_path, 2019, "ingen anledning") is None
    assert not signoff_log_path(tmp_path).exists() or _lines(tmp_path) == []


def test_record_status_clear_history_with_versions(tmp_path):
    first = record_signoff(tmp_path, 2019, " Anna Berg ", "Granskat på rådsmötet", "fp1", now=T1)
    assert first == {
        "event": "signed_off",
        "year": 2019,
        "by": "Anna Berg",
        "at": "2026-03-02T09:15:00Z",
        "comment": "Granskat på rådsmötet",
        "data_fingerprint": "fp1",
        # the meeting is the day of recording in Stockholm when not given; no items decided
        "meeting_date": "2026-03-02",
        "body": "Digitaliseringsrådet",
        "decisions": [],
        "version": 1,
    }
    assert signoff_status(tmp_path, "2019") == first
    other = record_signoff(tmp_path, "2018", "Per Ek", "", "fp0", now=T1)
    assert other["version"] == 1  # versions count per year
    assert signoff_status(tmp_path, 2020) is None

    cleared = clear_signoff(tmp_path, 2019, "Fel i inbjudningarna", now=T2)
    assert cleared == {
        "event": "cleared",
        "year": 2019,
        "by": "mognad",
        "at": "2026-03-03T10:00:00Z",
        "comment": "Fel i inbjudningarna",
        "data_fingerprint": "fp1",
        "version": 2,
    }
    assert signoff_status(tmp_path, 2019) is None
    assert signoff_status(tmp_path, 2018) == other
    assert clear_signoff(tmp_path, 2019, "igen") is None  # already cleared: nothing written

    again = record_signoff(tmp_path, 2019, "Anna Berg", "Rättat", "fp2", now=T3)
    assert again["version"] == 3
    assert again["at"] == "2026-03-04T10:30:00Z"  # +01:00 stored as UTC
    assert signoff_status(tmp_path, 2019) == again
    assert [e["version"] for e in signoff_history(tmp_path, 2019)] == [1, 2, 3]
    assert [e["event"] for e in signoff_history(tmp_path, 2019)] == [
        "signed_off", "cleared", "signed_off"]  # fmt: skip
    assert [e["year"] for e in signoff_history(tmp_path)] == [2019, 2018, 2019, 2019]


def test_log_is_append_only(tmp_path):
    record_signoff(tmp_path, 2019, "Anna", "ok", "fp1", now=T1)
    before = signoff_log_path(tmp_path).read_bytes()
    clear_signoff(tmp_path, 2019, "omladdning", now=T2)
    record_signoff(tmp_path, 2019, "Bo", "ok igen", "fp2", now=T3)
    after = signoff_log_path(tmp_path).read_bytes()
    assert after.startswith(before)  # earlier lines untouched
    assert len(_lines(tmp_path)) == 3
    assert _lines(tmp_path)[0]["by"] == "Anna"


def test_text_is_stored_as_utf8_json_lines(tmp_path):
    record_signoff(tmp_path, 2019, "Åsa Öberg", 'Rad 1\nRad 2 "citat"', "fp", now=T1)
    raw = signoff_log_path(tmp_path).read_text("utf-8")
    assert raw.count("\n") == 1 and "Åsa Öberg" in raw
    assert signoff_status(tmp_path, 2019)["comment"] == 'Rad 1\nRad 2 "citat"'


@pytest.mark.parametrize("year", [19, "19", "20190", "2019a", True, None, 2019.0, " "])
def test_year_must_have_four_digits(tmp_path, year):
    with pytest.raises(SignoffError, match="Året ska anges med fyra siffror, till exempel 2019"):
        record_signoff(tmp_path, year, "Anna", "", "fp")


@pytest.mark.parametrize("by", ["", "   ", None])
def test_by_must_not_be_empty(tmp_path, by):
    with pytest.raises(SignoffError) as error:
        record_signoff(tmp_path, 2019, by, "", "fp")
    assert str(error.value) == (
        "Namnet på den som registrerar godkännandet (--by) saknas; ange det med --by.")
    assert not signoff_log_path(tmp_path).exists() or _lines(tmp_path) == []


def test_other_invalid_input(tmp_path):
    with pytest.raises(SignoffError, match="Fingeravtrycket för årets inlästa data saknas"):
        record_signoff(tmp_path, 2019, "Anna", "", "")
    with pytest.raises(SignoffError) as error:
        record_signoff(tmp_path, 2019, "A" * 201, "", "fp")
    assert str(error.value) == (
        "Namnet på den som registrerar godkännandet (--by): 201 tecken är för många, högst 200 "
        "får plats. Korta texten, eller hänvisa till protokollet i stället för att klistra in det.")
    with pytest.raises(SignoffError, match="innehåller osynliga styrtecken .*skriv in texten igen"):
        record_signoff(tmp_path, 2019, "Anna\x00", "", "fp")
    with pytest.raises(SignoffError, match="måste ha en tidszon"):
        record_signoff(tmp_path, 2019, "Anna", "", "fp", now=dt.datetime(2026, 1, 1))
    with pytest.raises(SignoffError, match=r"^Kommentaren \(--comment\) ska vara text \(angivet: int\)\.$"):
        record_signoff(tmp_path, 2019, "Anna", 5, "fp")
    record_signoff(tmp_path, 2019, "Anna", "", "fp")
    with pytest.raises(SignoffError, match="Skälet till att godkännandet hävs saknas"):
        clear_signoff(tmp_path, 2019, " ")


def test_malformed_line_is_reported_not_repaired(tmp_path):
    record_signoff(tmp_path, 2019, "Anna", "", "fp", now=T1)
    path = signoff_log_path(tmp_path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    before = path.read_bytes()
    with pytest.raises(SignoffError, match="signoffs.jsonl, rad 2: inte ett JSON-objekt"):
        signoff_status(tmp_path, 2019)
    with pytest.raises(SignoffError, match="rätta raden för hand"):
        record_signoff(tmp_path, 2019, "Bo", "", "fp")
    assert path.read_bytes() == before


def test_reload_rule_clears_only_when_the_data_changed(tmp_path):
    assert clear_if_data_changed(tmp_path, 2019, "fp1") is None  # not signed off
    record_signoff(tmp_path, 2019, "Anna", "ok", "fp1", now=T1)
    assert clear_if_data_changed(tmp_path, 2019, "fp1", now=T2) is None  # same data
    assert signoff_status(tmp_path, 2019) is not None
    cleared = clear_if_data_changed(tmp_path, 2019, "fp2", now=T2)
    assert cleared["event"] == "cleared" and cleared["version"] == 2
    assert cleared["data_fingerprint"] == "fp1" and cleared["new_data_fingerprint"] == "fp2"
    # why and which sign-off, in Stockholm time (09:15 UTC is 10:15 in March)
    assert cleared["comment"] == (
        "Data för 2019 har lästs in på nytt och är inte längre de som rådet granskade "
        "(godkännande version 1, registrerat av Anna den 2 mars 2026 kl. 10:15): filerna i "
        "landing/2019 har ändrats. Året är preliminärt och rådets beslut gäller inte förrän "
        "rådet granskat året igen.")
    assert signoff_status(tmp_path, 2019) is None
    assert clear_if_data_changed(tmp_path, 2019, "fp3") is None  # nothing left to clear


def test_manifest_year_entry(tmp_path):
    assert manifest_year_entry(tmp_path, 2019) == {"status": "preliminary"}
    record_signoff(tmp_path, 2019, "Anna", "ok", "fp1", now=T1)
    expected = {
        "status": "signed_off",
        "signoff": {"by": "Anna", "at": "2026-03-02T09:15:00Z", "comment": "ok", "version": 1,
                    "data_fingerprint": "fp1", "meeting_date": "2026-03-02", "body": "Digitaliseringsrådet", "decisions": []},
    }  # fmt: skip
    assert manifest_year_entry(tmp_path, 2019) == expected
    assert manifest_year_entry(tmp_path, 2019, "fp1") == expected
    assert manifest_year_entry(tmp_path, 2019, "other") == {"status": "preliminary"}
    # cleared: preliminary, and when, by whom and why it was cleared
    clear_if_data_changed(tmp_path, 2019, "fp2", now=T2)
    entry = manifest_year_entry(tmp_path, 2019, "fp2")
    assert entry["status"] == "preliminary" and set(entry) == {"status", "cleared"}
    assert entry["cleared"]["at"] == "2026-03-03T10:00:00Z"
    assert entry["cleared"]["by"] == "mognad" and entry["cleared"]["version"] == 2
    assert entry["cleared"]["comment"].startswith("Data för 2019 har lästs in på nytt")
    # signed off again: the clearing is history, not the year's state
    record_signoff(tmp_path, 2019, "Anna", "igen", "fp2", now=T2)
    assert manifest_year_entry(tmp_path, 2019, "fp2")["status"] == "signed_off"
    assert "cleared" not in manifest_year_entry(tmp_path, 2019, "fp2")
    assert manifest_year_entry(tmp_path, 2018) == {"status": "preliminary"}


def test_manifest_entry_is_read_by_the_report(tmp_path):
    """The two modules agree on the manifest shape: a signed-off year shows who and when."""
    from pipelines.reports.council import review_state

    record_signoff(tmp_path, 2019, "Anna Berg", "Bra", "fp1", now=T1)
    state = review_state({"years": {"2019": manifest_year_entry(tmp_path, 2019)}}, 2019)
    assert state["signed_off"] is True
    # the body's decision at its meeting first (the meeting date defaults to the day of
    # recording), then who recorded it and when, in Stockholm time
    assert state["text"] == ("Mätningen 2019 är granskad och godkänd av Digitaliseringsrådet "
                             "vid sammanträdet den 2 mars 2026 (registrerat av Anna Berg den 2 mars "
                             "2026 kl. 10:15).")
    assert state["comment"] == "Bra" and state["version"] == 1
    record_signoff(tmp_path, 2019, "Anna Berg", "", "fp1", meeting_date=dt.date(2026, 2, 26),
                   body="Digitaliseringsrådet Jönköpings län", now=T1)
    later = review_state({"years": {"2019": manifest_year_entry(tmp_path, 2019)}}, 2019)
    assert later["detail"] == ("av Digitaliseringsrådet Jönköpings län vid sammanträdet den "
                               "26 februari 2026 (registrerat av Anna Berg den 2 mars 2026 "
                               "kl. 10:15).")
    preliminary = review_state({"years": {"2019": {"status": "preliminary"}}}, 2019)
    assert preliminary["signed_off"] is False
    assert preliminary["text"] == ("Preliminära resultat: digitaliseringsrådet har ännu inte "
                                   "granskat och godkänt mätningen 2019; siffrorna kan ändras.")
    assert preliminary["cleared"] is None
    clear_signoff(tmp_path, 2019, "Filerna ändrades", now=T2)
    cleared = review_state({"years": {"2019": manifest_year_entry(tmp_path, 2019)}}, 2019)
    assert cleared["signed_off"] is False
    assert cleared["cleared"] == {"at": "3 mars 2026 kl. 11:00", "by": "mognad",
                                  "reason": "Filerna ändrades", "version": 3}
    # reviewed once: the status no longer says the council has not yet reviewed the year
    assert cleared["text"] == ("Preliminära resultat: digitaliseringsrådets godkännande av "
                               "mätningen 2019 har hävts eftersom uppgifterna ändrats; "
                               "siffrorna kan ändras.")
    assert cleared["detail"] == ("rådets godkännande har hävts; året är preliminärt tills "
                                 "rådet granskat det igen.")


def test_apply_signoffs_to_a_published_snapshot(council_tiny_snapshot, tmp_path):
    """A sign-off made after publishing shows in the snapshot's manifest and report; a
    sign-off of other data (another fingerprint) does not, and replaces the sign-off the
    snapshot was published with (the council's tiny snapshot has 2018 signed off)."""
    from tiny_build import copy_snapshot

    from pipelines.reports.council import build_quality_report

    snapshot = copy_snapshot(council_tiny_snapshot, tmp_path / council_tiny_snapshot.name)
    manifest = json.loads((snapshot / "manifest.json").read_text("utf-8"))
    manifest["inputs"] = [
        {"year": 2018, "landing_fingerprint": "fp2018"},
        {"year": 2019, "landing_fingerprint": "fp2019"},
    ]
    (snapshot / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    root = tmp_path / "data"
    record_signoff(root, 2019, "Anna Berg", "Bra", "fp2019", now=T1)
    record_signoff(root, 2018, "Bo Ek", "", "old-data", now=T1)

    years = apply_signoffs_to_snapshot(snapshot, root)
    assert years["2019"] == {
        "instrument_version": "vtest",
        "status": "signed_off",
        "signoff": {"by": "Anna Berg", "at": "2026-03-02T09:15:00Z", "comment": "Bra",
                    "version": 1, "data_fingerprint": "fp2019", "meeting_date": "2026-03-02", "body": "Digitaliseringsrådet", "decisions": []},
    }  # fmt: skip
    assert years["2018"] == {"instrument_version": "vtest", "status": "preliminary"}
    stored = json.loads((snapshot / "manifest.json").read_text("utf-8"))
    assert stored["years"] == years and stored["inputs"] == manifest["inputs"]
    page = build_quality_report(snapshot)[2].read_text("utf-8")
    assert ("av Digitaliseringsrådet vid sammanträdet den 2 mars 2026 (registrerat av Anna Berg den "
            "2 mars 2026 kl. 10:15).") in page

    clear_signoff(root, 2019, "Omladdning", now=T2)
    assert apply_signoffs_to_snapshot(snapshot, root)["2019"]["status"] == "preliminary"
    # the year page says when and why the sign-off was cleared
    page = build_quality_report(snapshot)[2].read_text("utf-8")
    assert ("Rådets godkännande hävdes den 3 mars 2026 kl. 11:00 (version 2 i "
            "granskningsloggen). Skäl: Omladdning") in page
    # the undecided page speaks to the council, not in commands (the secretary's command is
    # in docs/council.md)
    assert "Efter sammanträdet registreras besluten, och sidan visar dem." in page
    assert "mognad sign-off" not in page


def _sign_many(args) -> None:
    root, worker, count = args
    for k in range(count):
        record_signoff(root, 2019, f"worker {worker}", f"{worker}:{k}", f"fp{k}")


def test_concurrent_appends_from_processes(tmp_path):
    """Four processes sign off the same year 25 times each: every line is whole and the
    versions in the file run 1..100 without gaps or repeats (the lock serialises reading
    the log, numbering the event and appending it)."""
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        pool.map(_sign_many, [(str(tmp_path), w, 25) for w in range(4)])
    lines = _lines(tmp_path)
    assert len(lines) == 100
    assert [e["version"] for e in lines] == list(range(1, 101))
    for worker in range(4):
        mine = [e["comment"] for e in lines if e["by"] == f"worker {worker}"]
        assert mine == [f"{worker}:{k}" for k in range(25)]


def test_a_cleared_sign_off_reads_the_same_from_the_published_row(tmp_path):
    """One rule for a year's status: the published survey_years row of a year whose sign-off
    a changed reload cleared holds when (UTC) and why, and the reports reading that row say
    the same sentence as the council's page reading the manifest; a never-reviewed year and
    a signed-off year likewise."""
    from pipelines.publish.snapshot import survey_years_table
    from pipelines.reports.council import review_state, survey_year_review

    record_signoff(tmp_path, 2019, "Anna", "ok", "fp1", now=T1)
    clear_if_data_changed(tmp_path, 2019, "fp2", now=T2)
    record_signoff(tmp_path, 2020, "Anna", "ok", "fp9", meeting_date=dt.date(2026, 2, 26), now=T1)
    years = {
        "2018": {"instrument_version": "v1", **manifest_year_entry(tmp_path, 2018)},
        "2019": {"instrument_version": "v1", **manifest_year_entry(tmp_path, 2019, "fp2")},
        "2020": {"instrument_version": "v2", **manifest_year_entry(tmp_path, 2020, "fp9")},
    }
    rows = {r["survey_year"]: r for r in survey_years_table(years, "snap").to_pylist()}
    cleared = rows[2019]
    assert (cleared["status"], cleared["signed_off_by"], cleared["signoff_version"]) == (
        "preliminär", None, None)
    assert cleared["signoff_cleared_at"] == dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
    assert cleared["signoff_cleared_reason"].startswith(
        "Data för 2019 har lästs in på nytt och är inte längre de som rådet granskade")
    assert rows[2018]["signoff_cleared_at"] is None and rows[2020]["signoff_cleared_at"] is None
    assert rows[2020]["signoff_cleared_reason"] is None
    review = survey_year_review(cleared)
    assert review["text"] == ("Preliminära resultat: digitaliseringsrådets godkännande av "
                              "mätningen 2019 har hävts eftersom uppgifterna ändrats; "
                              "siffrorna kan ändras.")
    assert review["cleared"] == {"at": "3 mars 2026 kl. 11:00",
                                 "reason": cleared["signoff_cleared_reason"]}
    manifest = {"years": years}
    for year, row in rows.items():
        from_row, from_manifest = survey_year_review(row), review_state(manifest, year)
        for key in ("signed_off", "label", "text", "detail"):
            assert from_row[key] == from_manifest[key], (year, key)
    assert review_state(manifest, 2019)["cleared"]["version"] == 2
    assert survey_year_review(rows[2018])["text"].startswith(
        "Preliminära resultat: digitaliseringsrådet har ännu inte granskat")
    assert survey_year_review(rows[2020])["text"] == (
        "Mätningen 2020 är granskad och godkänd av Digitaliseringsrådet vid sammanträdet den 26 "
        "februari 2026 (registrerat av Anna den 2 mars 2026 kl. 10:15).")
