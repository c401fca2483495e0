"""The council's decisions: items generated from the checks, the decision record in the
sign-off log, and an overruled withholding that publishes (a real tiny dbt build)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tiny_build import (
    TINY_ANSWERS,
    query,
    run_dbt_build,
    write_tiny_action_register,
    write_tiny_raw,
)

from pipelines.decisions import DecisionError, decision_items, resolve_decisions
from pipelines.signoff import (
    SignoffError,
    clear_signoff,
    manifest_year_entry,
    record_signoff,
    signoff_log_path,
)

WITHHOLDING = ("response_rate", "min_respondents", "respondents_within_invited")
T1 = dt.datetime(2026, 3, 2, 9, 15, 0, tzinfo=dt.UTC)


def row(check, status, org=None, name=None, group=None, item=None, kind="quality"):
    return {
        "check_name": check, "check_kind": kind, "status": status, "organisation_code": org,
        "organisation_name": name, "target_group": group, "item_code": item,
    }  # fmt: skip


CHECKS_2019 = [
    row("required_columns", "godkänd", kind="structural"),
    row("response_rate", "fel", "0642", "Mullsjö kommun"),
    row("response_rate", "varning", "0680", "Jönköpings kommun"),
    row("response_rate", "varning", "0665", "Vaggeryds kommun"),
    row("response_rate", "okänd", "0617", "Gnosjö kommun"),
    row("response_rate", "godkänd", "0604", "Aneby kommun"),
    row("min_respondents", "fel", "0666", "Habo kommun"),
    row("min_respondents", "fel", "0642", "Mullsjö kommun"),
    row("respondents_within_invited", "okänd", "0617", "Gnosjö kommun", group="strateger"),
    row("dont_know_share", "varning", item="INN04"),
    row("dont_know_share", "godkänd", item="EFF01"),
]


def test_items_are_generated_from_the_checks():
    items = decision_items(
        CHECKS_2019,
        check_titles={"min_respondents": "Minsta antal svarande",
                      "response_rate": "Svarsfrekvens per organisation"},
        withholding=WITHHOLDING,
    )  # fmt: skip
    assert [i.key for i in items] == [
        "withheld:0666",  # Habo before Mullsjö (by name)
        "withheld:0642",
        "response_rate:varning",
        "dont_know_share:varning",
        "response_rate:okänd",
    ]
    habo, mullsjo, low, dont_know, unknown = items
    assert mullsjo.title == "Resultaten för Mullsjö kommun publiceras inte"
    # a withheld organisation's checks by their names; the warning item by what it notes
    assert mullsjo.subjects == ("Minsta antal svarande", "Svarsfrekvens per organisation")
    assert low.title == "Svarsfrekvens under varningsgränsen"
    assert mullsjo.choices == ("accept", "overrule") and low.choices == ("accept",)
    assert low.subjects == ("Jönköpings kommun", "Vaggeryds kommun")
    assert dont_know.subjects == ("INN04",)
    # the per-group okänd of respondents_within_invited is not a second unknown-rate item
    assert unknown.subjects == ("Gnosjö kommun",)
    assert decision_items([row("response_rate", "godkänd", "0604")], withholding=WITHHOLDING) == []


def test_a_warning_on_the_whole_year_is_named_in_swedish():
    # a duplicate submission dropped at ingestion sets the structural respondents_unique check
    # to varning for the year's file as a whole: no organisation, no item
    from pipelines.reports.council import decision_view

    rows = [row("respondents_unique", "varning", kind="structural"),
            row("response_rate", "godkänd", "0604", "Aneby kommun")]
    [view] = decision_view(rows, {"years": {}}, 2021)
    assert view["title"] == "Varje svarande en gång"
    assert view["subjects"] == "hela mätåret"


def test_resolve_decisions():
    items = decision_items(CHECKS_2019, withholding=WITHHOLDING)
    decided = resolve_decisions(items, {"0642": "Svaren speglar kommunen; bortfallet är slumpmässigt."})
    assert [(d["item"], d["decision"]) for d in decided] == [
        ("withheld:0666", "accept"),
        ("withheld:0642", "overrule"),
        ("response_rate:varning", "accept"),
        ("dont_know_share:varning", "accept"),
        ("response_rate:okänd", "accept"),
    ]
    assert decided[1]["reason"].startswith("Svaren speglar")
    with pytest.raises(DecisionError) as error:
        resolve_decisions(items, {"0604": "skäl"})
    assert str(error.value) == (
        "--overrule gäller bara organisationer vars resultat undanhålls; 0604 undanhålls inte "
        "det här året. Undanhållna: 0642 (Mullsjö kommun), 0666 (Habo kommun).")
    with pytest.raises(DecisionError) as error:
        resolve_decisions(items, {"0642": " "})
    assert str(error.value) == (
        "Ange rådets skäl för att publicera Mullsjö kommuns resultat: --overrule 0642=SKÄL.")
    nothing_withheld = [i for i in items if i.kind != "withheld"]
    with pytest.raises(DecisionError, match="Inga resultat undanhålls det här året"):
        resolve_decisions(nothing_withheld, {"0642": "skäl"})


def test_the_record_holds_each_decision_the_meeting_and_the_body(tmp_path):
    items = decision_items(CHECKS_2019, withholding=WITHHOLDING)
    decided = resolve_decisions(items, {"0642": "Bortfallet är slumpmässigt."})
    event = record_signoff(
        tmp_path, 2019, "Anna Berg", "Protokoll §4", "fp1", decisions=decided,
        meeting_date=dt.date(2026, 2, 26), body="Digitaliseringsrådet i Jönköpings län", now=T1,
    )  # fmt: skip
    line = json.loads(signoff_log_path(tmp_path).read_text(encoding="utf-8").splitlines()[0])
    assert line == event
    assert event["meeting_date"] == "2026-02-26"  # the meeting, not the recording
    assert event["at"] == "2026-03-02T09:15:00Z"
    assert event["body"] == "Digitaliseringsrådet i Jönköpings län"
    assert [d["decision"] for d in event["decisions"]] == [
        "accept", "overrule", "accept", "accept", "accept"
    ]  # fmt: skip
    entry = manifest_year_entry(tmp_path, 2019, "fp1")["signoff"]
    assert entry["meeting_date"] == "2026-02-26" and entry["decisions"] == event["decisions"]
    # the existing call keeps working: no items given, meeting date = the day in Stockholm
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)  # 00:30 on 3 March in Stockholm
    second = record_signoff(tmp_path, 2019, "Anna Berg", "", "fp1", now=late)
    assert (second["version"], second["meeting_date"], second["decisions"]) == (2, "2026-03-03", [])
    assert second["body"] == "Digitaliseringsrådet"
    with pytest.raises(SignoffError, match=r"Sammanträdesdatumet 2026-03-03 ligger i framtiden\. "
                       r"Ange dagen då rådet beslutade \(--meeting-date ÅÅÅÅ-MM-DD\), och registrera "
                       r"beslutet efter sammanträdet\.$"):
        record_signoff(tmp_path, 2019, "A", "", "fp1", meeting_date=dt.date(2026, 3, 3), now=T1)
    with pytest.raises(SignoffError, match="^Skälet saknas; ange det.$"):
        record_signoff(tmp_path, 2019, "A", "", "fp1", now=T1,
                       decisions=[{"item": "withheld:0642", "decision": "overrule", "reason": ""}])  # fmt: skip
    assert len(signoff_log_path(tmp_path).read_text(encoding="utf-8").splitlines()) == 2


def test_an_overruled_withholding_publishes(tmp_path):
    """Aneby 2024: 3 of 15 invited answered (20 %, under the failing threshold 30 %), so dbt's
    quality check response_rate fails and withholds its results; the council overrules, and
    the next build publishes them; a cleared sign-off withholds them again. Aneby's maturity by hand (test_dbt_build):
    ((75 + 68.75 + 50) / 3 + (50 + 175/3 + 200/3) / 3) / 2 = 61.458...
    Aneby 2025 (3 respondents, invitations unknown: no check fails, published as it is)
    scores 100, 75 and 50 on every item: every index 75, so its change from 2024 rests on
    the overruled year (maturity 75 - 61.458..., Innovation 75 - 68.75 = 6.25, the change
    since the action answering 2024 on Innovation)."""
    from tiny_build import write_raw_year  # noqa: F401  (same helpers as the dbt tests)

    project, data_dir = write_tiny_raw(tmp_path)
    write_tiny_action_register(data_dir)
    checks = [
        {"survey_year": 2024, "check_name": "response_rate", "check_kind": "quality",
         "organisation_code": "0604", "status": "fel", "observed": 0.2, "numerator": 3,
         "denominator": 15, "warn_threshold": 0.5, "fail_threshold": 0.3,
         "threshold": "varning < 0.5; fel < 0.3", "checked_at": dt.datetime(2026, 1, 1)},
    ]  # fmt: skip
    sql = (
        "select results_withheld, maturity_index from marts.maturity_by_organisation "
        "where organisation_code = '0604' and survey_year = 2024"
    )
    marked = (
        "select quality_status, published_by_council_decision, council_decision_reason "
        "from marts.maturity_by_organisation where organisation_code = '0604' "
        "and survey_year = 2024"
    )
    expected = ((75 + 68.75 + 50) / 3 + (50 + 175 / 3 + 200 / 3) / 3) / 2
    # every table of an organisation's numbers carries the organisation-year's mark
    marked_marts = ("maturity_by_category", "maturity_by_factor", "maturity_by_target_group",
                  "maturity_by_department", "maturity_by_organisation_weighted",
                  "category_exchange", "recommendations_by_organisation",
                  "internal_consistency_by_organisation")
    # a change says when either of its years was published by the council's decision
    changes = {
        mart: (f"select survey_year, {change} is not null, change_includes_council_decision "
               f"from marts.{mart} where organisation_code = '0604' and {column} = '{code}' "
               "order by survey_year")
        for mart, change, column, code in (
            ("maturity_by_category", "category_index_change", "category_code", "innovation"),
            ("maturity_by_factor", "factor_index_change", "factor_code", "inn_anvandare"),
        )
    }  # fmt: skip
    organisation_change = (
        "select survey_year, previous_survey_year, published_by_council_decision, "
        "maturity_index_change, change_includes_council_decision "
        "from marts.maturity_by_organisation where organisation_code = '0604' order by survey_year"
    )
    follow_up = (
        "select measurement_year, published_by_council_decision, council_decision_reason, "
        "change_since_answered, change_includes_council_decision from marts.action_follow_up "
        "order by measurement_year"
    )

    def marks(organisation_code: str) -> dict[str, list[tuple]]:
        return {
            mart: query(data_dir, (
                "select distinct published_by_council_decision, council_decision_reason "
                f"from marts.{mart} where organisation_code = '{organisation_code}' "
                "and survey_year = 2024"))
            for mart in marked_marts
        }  # fmt: skip

    run_dbt_build(project, data_dir, tmp_path, withholding_checks=None)
    assert query(data_dir, sql) == [(True, None)]
    assert query(data_dir, marked) == [("fel", False, None)]
    # withheld 2024: no change to 2025, so nothing rests on a council's decision
    assert query(data_dir, organisation_change) == [
        (2024, None, False, None, False), (2025, 2024, False, None, False)]
    assert {m: query(data_dir, q) for m, q in changes.items()} == {
        m: [(2024, False, False), (2025, False, False)] for m in changes}
    assert query(data_dir, follow_up) == [(2024, False, None, None, False),
                                          (2025, False, None, None, False)]

    items = decision_items([dict(c, organisation_name="Aneby kommun", target_group=None,
                                 item_code=None) for c in checks], withholding=WITHHOLDING)  # fmt: skip
    decided = resolve_decisions(items, {"0604": "Svaren bedöms representativa."})
    record_signoff(data_dir, 2024, "Anna Berg", "", "fp", decisions=decided, now=T1)
    run_dbt_build(project, data_dir, tmp_path, withholding_checks=None)
    assert query(data_dir, sql) == [(False, pytest.approx(expected))]
    # published, and marked as published by the council's decision, with its reason; the
    # check itself still failed
    assert query(data_dir, marked) == [("fel", True, "Svaren bedöms representativa.")]
    assert marks("0604") == {m: [(True, "Svaren bedöms representativa.")] for m in marked_marts}
    # Gnosjö 0617, not overruled, published as it is: no mark, no reason
    assert marks("0617") == {m: [(False, None)] for m in marked_marts}
    # 2025 itself is published as it is, but its change from 2024 rests on the overruled
    # year; 2024 has no earlier year, so no change and no mark on a change
    assert query(data_dir, organisation_change) == [
        (2024, None, True, None, False),
        (2025, 2024, False, pytest.approx(75 - expected), True),
    ]
    assert {m: query(data_dir, q) for m, q in changes.items()} == {
        m: [(2024, False, False), (2025, True, True)] for m in changes}
    assert query(data_dir, follow_up) == [
        (2024, True, "Svaren bedöms representativa.", None, False),
        (2025, False, None, pytest.approx(6.25), True),
    ]
    assert query(
        data_dir, "select * from staging.stg_council__withholding_overrules"
    ) == [(2024, "0604", "Svaren bedöms representativa.")]

    clear_signoff(data_dir, 2024, "Data inlästa på nytt.", now=T1)
    run_dbt_build(project, data_dir, tmp_path, withholding_checks=None)
    assert query(data_dir, sql) == [(True, None)]
    assert query(data_dir, marked) == [("fel", False, None)]
    # withheld again: no mark; no recommendation either (a withheld year has no weaknesses)
    assert marks("0604") == {
        m: [] if m == "recommendations_by_organisation" else [(False, None)] for m in marked_marts
    }
    assert query(data_dir, organisation_change) == [
        (2024, None, False, None, False), (2025, 2024, False, None, False)]
    assert query(data_dir, follow_up) == [(2024, False, None, None, False),
                                          (2025, False, None, None, False)]
    assert len(TINY_ANSWERS["r1"]) == 12  # the tiny fixture this test relies on


def test_an_overrule_of_a_check_that_withholds_nothing_marks_nothing(tmp_path):
    """Which failed checks withhold an organisation-year is the dbt var withholding_checks,
    for the withholding and for the council's mark alike (int_withholding_failures). Aneby
    2024 fails response_rate (3 of 15, 20 %), but here only respondents_within_invited
    withholds (tiny_build's default), so Aneby is published as it is: an overrule recorded
    for it publishes nothing and no table marks it as published by the council's decision
    (the mark once read every 'fel' and said so)."""
    project, data_dir = write_tiny_raw(tmp_path)
    record_signoff(data_dir, 2024, "Anna Berg", "", "fp", now=T1, decisions=[
        {"item": "withheld:0604", "decision": "overrule", "organisation_code": "0604",
         "reason": "Svaren bedöms representativa."}])  # fmt: skip
    run_dbt_build(project, data_dir, tmp_path)
    assert query(data_dir, "select * from staging.stg_council__withholding_overrules") == [
        (2024, "0604", "Svaren bedöms representativa.")]
    assert query(data_dir, (
        "select quality_status, results_withheld, published_by_council_decision, "
        "council_decision_reason from marts.maturity_by_organisation "
        "where organisation_code = '0604' and survey_year = 2024"
    )) == [("fel", False, False, None)]  # fmt: skip
    for mart in ("maturity_by_category", "maturity_by_factor", "maturity_by_target_group",
                 "maturity_by_department", "maturity_by_organisation_weighted",
                 "category_exchange", "recommendations_by_organisation",
                 "internal_consistency_by_organisation"):
        assert query(data_dir, (
            "select distinct published_by_council_decision, council_decision_reason "
            f"from marts.{mart} where organisation_code = '0604' and survey_year = 2024"
        )) in ([(False, None)], []), mart  # fmt: skip
    assert query(data_dir, "select count(*) from intermediate.int_council_decisions") == [(0,)]


def _page_text(path) -> str:
    import html
    import re

    markup = re.sub(r"<style.*?</style>", " ", path.read_text("utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def test_the_decision_page(council_tiny_snapshot, tmp_path):
    """The council's tiny snapshot's 2019 (tiny_build.write_council_raw): Aneby (2
    respondents among strateger, 1 invited), Mullsjö (3 of 12 = 25 %) and the hostile
    organisation (2 respondents, fewer than 3) are withheld; Jönköping's 40 % is a warning,
    Gnosjö's rate unknown (link), A2's and I2's "vet ej" and I2's blanks warnings."""
    from tiny_build import HOSTILE_NAME, copy_snapshot

    from pipelines.reports.council import build_quality_report

    snapshot = copy_snapshot(council_tiny_snapshot, tmp_path / council_tiny_snapshot.name)
    build_quality_report(snapshot)
    before = _page_text(snapshot / "quality" / "2019.html")
    assert "Rådets beslut 2019" in before
    for title in ("Resultaten för Aneby kommun publiceras inte",
                  "Resultaten för Mullsjö kommun publiceras inte",
                  f"Resultaten för {HOSTILE_NAME} publiceras inte",
                  "Svarsfrekvens under varningsgränsen Jönköpings kommun",
                  "Okänd svarsfrekvens (inbjudan via delad länk) Gnosjö kommun"):  # fmt: skip
        assert title in before, title
    # a withholding: one box per choice, the overrule with its line for the reason (the
    # line is an empty element, so the next text follows it); a warning: one box
    assert ("Resultaten för Mullsjö kommun publiceras inte Svarsfrekvens per organisation "
            "☐ Godta att resultaten inte publiceras ☐ Publicera resultaten ändå, med skäl: "
            "Hög andel") in before
    assert "Jönköpings kommun ☐ Notera och godta" in before
    assert before.count("☐ Publicera resultaten ändå, med skäl:") == 3  # Aneby, Mullsjö, hostile
    assert '<span class="reason-line" aria-label="Skäl"></span>' in (
        snapshot / "quality" / "2019.html").read_text("utf-8")
    # the signature block: blank lines for place, date, signature and the signatory's name
    assert "Ort Datum Underskrift Namnförtydligande Beslutande organ" in before
    # per organisation, each once: Aneby, Mullsjö, hostile fel; Jönköping varning;
    # Gnosjö okänd; the region godkänd
    counts = before[before.index("sämsta status:"):before.index("Rådets beslut")]
    assert counts.split() == ["sämsta", "status:", "✓", "godkänd", "1", "!", "varning", "1",
                              "✗", "fel", "3", "?", "okänd", "1"]  # fmt: skip

    manifest = json.loads((snapshot / "manifest.json").read_text("utf-8"))
    items = decision_items(_check_rows(snapshot, 2019), withholding=WITHHOLDING)
    decided = resolve_decisions(items, {"0642": "Bortfallet bedöms slumpmässigt."})
    manifest["years"]["2019"] = {
        "instrument_version": "vtest",
        "status": "signed_off",
        "signoff": {"by": "Anna Berg", "at": "2026-03-02T09:15:00Z", "comment": "", "version": 1,
                    "meeting_date": "2026-02-26", "body": "Digitaliseringsrådet",
                    "decisions": decided},
    }  # fmt: skip
    (snapshot / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build_quality_report(snapshot)
    after = _page_text(snapshot / "quality" / "2019.html")
    assert (
        "Beslutat av Digitaliseringsrådet vid sammanträdet den 26 februari 2026. "
        "Registrerat den 2 mars 2026 kl. 10:15 av Anna Berg." in after
    )
    assert (
        "Resultaten för Mullsjö kommun publiceras inte Svarsfrekvens per organisation "
        "Publiceras ändå: Bortfallet bedöms slumpmässigt." in after
    )
    assert "Resultaten för Aneby kommun publiceras inte Inte fler svarande än inbjudna " \
        "Godtas: resultaten publiceras inte" in after
    assert "☐" not in after
    # the overruled organisation is no longer listed as unpublished, but as published by the
    # council's decision, with the failed check and the reason (Mullsjö: 3 of 12 = 25 %)
    box = after[after.index("Resultat som inte publiceras 2019"):after.index("Statusar:")]
    assert "Mullsjö kommun publiceras inte" not in box and "Aneby kommun publiceras inte" in box
    assert ("Resultat som publiceras genom rådets beslut 2019 Resultaten för Mullsjö kommun "
            "publiceras genom rådets beslut, trots att svarsfrekvensen 25 % är under gränsen "
            "30 % (3 av 12 inbjudna svarade). Rådets skäl: Bortfallet bedöms slumpmässigt. "
            "Kontrollerna nedan visar fortfarande ✗ fel för Mullsjö kommun") in box
    assert "Resultat som publiceras genom rådets beslut" not in before
    # and the check's table marks the overruled fel where it lists it
    assert "Mullsjö kommun 25 % (3 av 12) ✗ fel publiceras genom rådets beslut" in after
    assert "publiceras genom rådets beslut" not in before
    # the overview names it too, beside the organisations whose results are not published
    overview = _page_text(snapshot / "quality" / "index.html")
    assert "publiceras genom rådets beslut: Mullsjö kommun" in overview
    # signed off: the meeting's date and the body are filled in; the place, the signature and
    # the signatory's name stay blank (the recorder, Anna Berg, is not the signatory)
    assert ("Ort 26 februari 2026 Datum Underskrift Namnförtydligande "
            "Digitaliseringsrådet Beslutande organ") in after
    assert "Anna Berg Namnförtydligande" not in after


def _check_rows(snapshot, year):
    import duckdb

    with duckdb.connect(str(snapshot / "mognad.duckdb"), read_only=True) as con:
        cur = con.execute("select * from quality_check_results where survey_year = ?", [year])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_survey_years_is_published_in_every_format(tiny_snapshot):
    """The tiny snapshot (tests/conftest.py): 2024 signed off by "Anna <Berg>" at
    2026-03-02T09:15:00Z (no meeting date recorded), 2025 preliminary."""
    import csv

    import duckdb
    import pyarrow.parquet as pq

    snapshot_id = tiny_snapshot.name
    expected = [
        (2024, "vtest", "granskad", "Anna <Berg>",
         dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC), None, None, 1, None, None, snapshot_id),
        (2025, "vtest", "preliminär", None, None, None, None, None, None, None, snapshot_id),
    ]  # fmt: skip
    with duckdb.connect(str(tiny_snapshot / "mognad.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        assert con.execute("select * from survey_years order by survey_year").fetchall() == expected
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'survey_years'"
        ).fetchone()[0]
        assert comment.startswith("Each survey year in this snapshot")
    table = pq.read_table(tiny_snapshot / "parquet" / "survey_years.parquet").to_pylist()
    assert [(r["survey_year"], r["status"], r["signed_off_by"]) for r in table] == [
        (2024, "granskad", "Anna <Berg>"), (2025, "preliminär", None)
    ]  # fmt: skip
    with (tiny_snapshot / "csv" / "survey_years.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert [(r["survey_year"], r["status"], r["snapshot_id"]) for r in rows] == [
        ("2024", "granskad", snapshot_id), ("2025", "preliminär", snapshot_id)
    ]  # fmt: skip
    manifest = json.loads((tiny_snapshot / "manifest.json").read_text("utf-8"))
    assert manifest["tables"]["survey_years"]["rows"] == 2


def test_file_checks_page_of_our_own(council_tiny_snapshot, tmp_path):
    """GX validation results stored as GX writes them (one JSON per suite and run; the
    latest run counts) become a Swedish page: names, not codes; formatted numbers."""
    from tiny_build import copy_snapshot

    from pipelines.reports.council import build_quality_report

    snapshot = copy_snapshot(council_tiny_snapshot, tmp_path / council_tiny_snapshot.name)
    results = snapshot / "quality" / "gx" / "2019" / "results" / "raw_respondents" / "__none__"

    def store(run: str, unexpected: int) -> None:
        folder = results / run
        folder.mkdir(parents=True)
        (folder / "raw-respondents.json").write_text(json.dumps({
            "suite_name": "raw_respondents", "success": unexpected == 0,
            "meta": {"validation_time": run, "active_batch_definition": {"data_asset_name": "respondents"}},
            "results": [
                {"success": True, "result": {"observed_value": ["survey_year"]},
                 "expectation_config": {"type": "expect_table_columns_to_match_set",
                                        "kwargs": {"column_set": ["survey_year"]},
                                        "meta": {"check": "required_columns"}}},
                {"success": unexpected == 0,
                 "result": {"element_count": 1208, "unexpected_count": unexpected,
                            "partial_unexpected_list": ["0999", "0999", "X1"][:unexpected]},
                 "expectation_config": {"type": "expect_column_values_to_be_in_set",
                                        "kwargs": {"column": "organisation_code"},
                                        "meta": {"check": "organisation_codes_known"}}},
            ],
        }), encoding="utf-8")  # fmt: skip

    store("20261101T090000Z", 0)
    store("20261101T100000Z", 3)  # the latest run
    build_quality_report(snapshot)
    page = _page_text(snapshot / "quality" / "gx" / "2019" / "index.html")
    assert "Filkontroller 2019: tekniska detaljer" in page
    assert "Svarande ✗ fel" in page
    assert "Rätt kolumner Tabellen har exakt de avtalade kolumnerna ✓ godkänd" in page
    # 3 of 1 208 rows: 0,248… % -> "0,2 %"; examples once each
    assert (
        "Kända organisationer Kolumnen ”organisation” har bara tillåtna värden ✗ fel "
        "1 208 3 0,2 % 0999, X1" in page  # (no-break spaces collapsed by _page_text)
    )
    assert "expect_" not in page and "<script" not in (
        snapshot / "quality" / "gx" / "2019" / "index.html"
    ).read_text("utf-8")
    year_page = (snapshot / "quality" / "2019.html").read_text("utf-8")
    assert 'href="gx/2019/index.html"' in year_page


def test_decision_text_states_the_recorded_decision():
    """The page's and ``mognad sign-off``'s words for a recorded decision."""
    from pipelines.reports.council import decision_text

    assert decision_text(True, None) is None  # undecided
    assert decision_text(True, {"decision": "accept", "reason": ""}) == (
        "Godtas: resultaten publiceras inte")
    assert decision_text(False, {"decision": "accept", "reason": ""}) == "Godtas"
    assert decision_text(True, {"decision": "overrule", "reason": "Bortfallet är slumpmässigt"}) == (
        "Publiceras ändå: Bortfallet är slumpmässigt")


def test_the_council_report_gives_only_the_withholding_failures_as_reasons(monkeypatch):
    """Mullsjö 0642 fails response_rate (3 of 15, 20 %) and min_respondents (2, fewer than 5),
    but here only min_respondents withholds (the dbt var withholding_checks, patched): the
    report's sentence gives that reason alone (it gave every 'fel' of the organisation)."""
    import pipelines.decisions
    from pipelines.reports.council import _withheld

    monkeypatch.setattr(pipelines.decisions, "withholding_checks", lambda: ("min_respondents",))
    rows = [
        dict(row("response_rate", "fel", "0642", "Mullsjö kommun"), observed=0.2, numerator=3,
             denominator=15, fail_threshold=0.3),
        dict(row("min_respondents", "fel", "0642", "Mullsjö kommun"), observed=2, numerator=None,
             denominator=None, fail_threshold=5),
    ]  # fmt: skip
    [withheld] = _withheld(rows, {}, {})
    assert (withheld["code"], withheld["checks"]) == ("0642", ["min_respondents"])
    assert withheld["sentence"] == (
        "Resultaten för Mullsjö kommun publiceras inte: 2 personer svarade, minst 5 krävs.")
