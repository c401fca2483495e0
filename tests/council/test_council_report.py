"""The council's quality report on a hand-made snapshot (tests/council/council_snapshot.py).

Expected texts and numbers are worked out by hand from the snapshot's invented figures
(see that module's table), never taken from the report code.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from council_snapshot import HOSTILE_NAME, HOSTILE_SHORT, HOSTILE_SIGNER, write_snapshot

from pipelines.reports.council import (
    QUALITY_TEXTS,
    STRUCTURAL_TEXTS,
    build_quality_report,
    worst_status,
)
from pipelines.reports.formatting import swedish_sort_key
from pipelines.validation.suites import RAW_CHECKS

NBSP = "\u00a0"


class _Text(HTMLParser):
    """Visible text of a page (script/style contents dropped), entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")  # element boundaries separate words, as on screen
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        self.parts.append(" ")
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_of(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return re.sub(r"[ \t\r\n]+", " ", "".join(parser.parts).replace("\u00ad", "")).strip()


def rows_of(markup: str, table_class: str) -> list[list[str]]:
    """Cell texts of each body row of ``<table class="table_class">``."""
    match = re.search(rf'<table class="{table_class}">(.*?)</table>', markup, re.S)
    assert match, table_class
    body = match.group(1).split("<tbody>", 1)[1]
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    snapshot = write_snapshot(tmp_path_factory.mktemp("snapshot"))
    written = build_quality_report(snapshot)
    pages = {p.name: p.read_text(encoding="utf-8") for p in written}
    return {"dir": snapshot, "written": written, "pages": pages}



def test_overall_status_of_a_check():
    assert worst_status(["godkänd", "okänd", "godkänd"]) == "godkänd"
    assert worst_status(["okänd", "okänd"]) == "okänd"
    assert worst_status(["godkänd", "varning", "okänd"]) == "varning"
    assert worst_status(["varning", "fel", "godkänd"]) == "fel"
    assert worst_status([]) is None


def test_every_check_has_a_swedish_explanation():
    assert {c.name for c in RAW_CHECKS} == set(STRUCTURAL_TEXTS)
    # the council's quality checks are the check names dbt's int_quality_checks_evaluated
    # accepts (its accepted_values test)
    import yaml

    from pipelines.settings import DBT_PROJECT_DIR

    models = yaml.safe_load(
        (DBT_PROJECT_DIR / "models" / "intermediate" / "_intermediate.yml").read_text("utf-8")
    )["models"]
    [model] = [m for m in models if m["name"] == "int_quality_checks_evaluated"]
    [column] = [c for c in model["columns"] if c["name"] == "check_name"]
    [accepted] = [t["accepted_values"] for t in column["data_tests"] if "accepted_values" in t]
    assert accepted["arguments"]["values"] == list(QUALITY_TEXTS)
    for text in [*STRUCTURAL_TEXTS.values(), *QUALITY_TEXTS.values()]:
        assert text.title and text.what and text.why and text.rule


# --- files ------------------------------------------------------------------------------


def test_files_written(report):
    q = report["dir"] / "quality"
    assert report["written"] == [q / "index.html", q / "2018.html", q / "2019.html"]
    for page in report["pages"].values():
        assert page.lower().startswith("<!doctype html>")
        assert '<html lang="sv" class="council">' in page


def test_self_contained(report):
    for name, page in report["pages"].items():
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I), name
        assert "<script" not in page.lower().replace(html.escape("<script").lower(), "")
        assert "@import" not in page and "url(" not in page
        assert "default-src 'none'" in page  # CSP: the page may not load anything


# --- index ------------------------------------------------------------------------------


def test_index_overview_counts_and_review(report):
    page = report["pages"]["index.html"]
    rows = rows_of(page, "overview")
    # 2019 by hand: godkänd = structural 9 + response_rate 3 + min_respondents 5 +
    # within_invited 9 + dont_know 2 + nonresponse 2; varning = 1 + 1 + 1 (0680 rate, INN04 twice);
    # fel = Mullsjö rate, hostile min_respondents, Aneby strateger; okänd = Gnosjö rate + 2 groups
    assert rows[1][0] == "2019"
    assert rows[1][2:6] == [str(9 + 3 + 5 + 9 + 2 + 2), "3", "3", "3"]
    assert rows[1][1] == "preliminär"
    assert rows[0][2:6] == ["10", "0", "0", "0"]  # 2018: 9 structural + 1 rate
    assert rows[0][1] == "granskad och godkänd av Anna <Berg> den 2 mars 2026 kl. 10:15."
    withheld = rows[1][6]
    for name in ("Aneby kommun", "Mullsjö kommun", HOSTILE_NAME):
        assert name in withheld
    assert rows[0][6] == "inga"


def test_index_check_matrix(report):
    rows = {r[0]: r[1:] for r in rows_of(report["pages"]["index.html"], "checks-by-year")}
    assert rows["Svarsfrekvens per organisation"] == ["✓ godkänd", "✗ fel"]
    assert rows["Minsta antal svarande"] == ["–", "✗ fel"]
    assert rows["Inte fler svarande än inbjudna"] == ["–", "✗ fel"]
    assert rows["Andel ”vet ej” per påstående"] == ["–", "! varning"]
    assert rows["Obesvarade påståenden"] == ["–", "! varning"]
    assert rows["Strukturkontroller (stoppar inläsningen vid fel)"] == ["✓ godkänd", "✓ godkänd"]


# --- year page --------------------------------------------------------------------------


def test_withheld_organisations_with_reasons(report):
    text = text_of(report["pages"]["2019.html"])
    assert (
        "Resultaten för Mullsjö kommun publiceras inte: svarsfrekvensen 24 % är under "
        "gränsen 30 % (6 av 25 inbjudna svarade)."
    ).replace(" %", f"{NBSP}%") in text
    assert (
        f"Resultaten för {HOSTILE_NAME} publiceras inte: 3 personer svarade, minst 5 krävs."
    ) in text
    assert (
        "Resultaten för Aneby kommun publiceras inte: fler svarande än inbjudna i målgruppen "
        "Strateger och verksamhetsutvecklare (3 svarande, 2 inbjudna)."
    ) in text
    # Jönköping has only a varning: its results are published
    assert "Resultaten för Jönköpings kommun" not in text
    assert "Alla organisationers resultat för 2018 publiceras." in text_of(
        report["pages"]["2018.html"]
    )


def test_response_rate_table(report):
    rows = {r[0]: r[1:] for r in rows_of(report["pages"]["2019.html"], "rates")}
    p = lambda s: s.replace(" %", f"{NBSP}%")  # noqa: E731
    # columns: Kommunledning, Strateger…, Totalt, Svarande
    assert rows["Mullsjö"] == [
        p("✗ 27 % 4 av 15"),
        p("✗ 20 % 2 av 10"),
        p("✗ 24 % 6 av 25 fel"),
        "6",
    ]
    assert rows["Aneby"] == [
        p("✓ 50 % 7 av 14"),
        p("✗ 150 % 3 av 2"),
        p("✓ 63 % 10 av 16 godkänd"),
        "10",
    ]
    assert rows["Jönköping"] == [
        p("! 30 % 3 av 10"),
        p("✓ 60 % 6 av 10"),
        p("! 45 % 9 av 20 varning"),
        "9",
    ]
    # link invitations: okänd, never 0 % or 100 %
    assert rows["Gnosjö"] == ["? okänd 5 svar, länk", "? okänd 3 svar, länk", "? okänd 8 svar", "8"]
    assert rows[HOSTILE_SHORT][-1] == "3 ✗ fel"  # fewer than 5 respondents
    # municipalities first (alphabetically), the region last
    assert list(rows) == ["Aneby", "Gnosjö", "Jönköping", "Mullsjö", HOSTILE_SHORT,
                          "Region Jönköpings län"]  # fmt: skip
    assert sorted(["Örebro", "Åre", "Ale", "Ängelholm", "Zeta"], key=swedish_sort_key) == [
        "Ale", "Zeta", "Åre", "Ängelholm", "Örebro"]  # fmt: skip
    page = report["pages"]["2019.html"]
    gnosjo = re.search(r"<tr>\s*<th scope=\"row\" class=\"org\">Gnosjö</th>(.*?)</tr>", page, re.S)
    assert gnosjo and "%" not in text_of(gnosjo.group(1))
    # colour classes go with the symbols
    assert 'class="cell s-fail"><span class="v"><span class="sym" aria-hidden="true">✗' in page
    assert 'class="cell s-unknown"><span class="v"><span class="sym" aria-hidden="true">?' in page


def test_check_sections_explain_rules_with_thresholds(report):
    text = text_of(report["pages"]["2019.html"])
    assert "Varning under 50 %, fel under 30 %.".replace(" %", f"{NBSP}%") in text
    assert "Fel vid färre än 5 svarande." in text
    assert "Varning över 30 %.".replace(" %", f"{NBSP}%") in text
    assert "Varning över 10 %.".replace(" %", f"{NBSP}%") in text
    assert "6 organisationer: 3 godkänd, 1 varning, 1 fel, 1 okänd." in text
    assert "12 kombinationer av organisation och målgrupp: 9 godkänd, 1 fel, 2 okänd." in text
    assert "Jönköpings kommun 45 % (9 av 20) ! varning".replace(" %", f"{NBSP}%") in text
    assert "Gnosjö kommun okänd (inbjudan via länk) ? okänd" in text


def test_dont_know_list_with_item_texts(report):
    rows = rows_of(report["pages"]["2019.html"], "dont-know")
    p = lambda s: s.replace(" %", f"{NBSP}%")  # noqa: E731
    assert rows == [
        ["INN04 Vi använder och bidrar till öppen källkod när det är möjligt.", "Innovation",
         p("31,5 %"), "63 av 200", "! varning"],
        ["BAL02 Kostnader för digitala satsningar beräknas realistiskt och följs upp.",
         "Balansering", p("12,5 %"), "25 av 200", "✓ godkänd"],
        ["EFF01 Digitaliseringen är en del av den strategiska planeringen.", "Effektivitet",
         p("5,0 %"), "10 av 200", "✓ godkänd"],
    ]  # fmt: skip
    assert "FEL VERSION" not in report["pages"]["2019.html"]
    nonresponse = rows_of(report["pages"]["2019.html"], "nonresponse")
    assert nonresponse == [
        ["INN04 – Vi använder och bidrar till öppen källkod när det är möjligt.",
         p("12,0 % (24 av 200)"), "! varning"],
    ]  # fmt: skip


def test_review_state_and_gx_links(report):
    y2018, y2019 = report["pages"]["2018.html"], report["pages"]["2019.html"]
    assert "granskad och godkänd" in text_of(y2018)
    assert "av Anna <Berg> den 2 mars 2026 kl. 10:15." in text_of(y2018)
    assert "Kommentar: Granskat på rådsmötet <i>i mars</i>." in text_of(y2018)
    assert "(version 1 i granskningsloggen)" in text_of(y2018)
    assert "Utfall 1 organisation: 1 godkänd." in text_of(y2018)  # singular
    assert "preliminär – digitaliseringsrådet har ännu inte granskat och godkänt året." in text_of(
        y2019
    )
    assert 'href="gx/2019/index.html"' in y2019
    assert (report["dir"] / "quality" / "gx" / "2019" / "index.html").is_file()
    assert "gx/2018" not in y2018  # no Data Docs folder for 2018: no link


def test_hostile_names_are_escaped(report):
    for name, page in report["pages"].items():
        assert "<script>alert" not in page, name
        assert "<b>kommun</b>" not in page and "<Berg>" not in page and "<i>i mars" not in page
    page = report["pages"]["2019.html"]
    assert "&lt;script&gt;alert(" in page
    assert f"Resultaten för {HOSTILE_NAME} publiceras inte" in text_of(page)  # shown as text
    assert "Ond &lt;b&gt;kommun&lt;/b&gt;" in page
    assert html.escape(HOSTILE_SIGNER) in report["pages"]["2018.html"]


def test_rebuild_is_stable_and_preliminary_without_manifest(tmp_path):
    snapshot = write_snapshot(tmp_path / "s", signed_off_2018=False, gx_2019=False)
    first = [p.read_bytes() for p in build_quality_report(snapshot)]
    second = [p.read_bytes() for p in build_quality_report(snapshot)]
    assert first == second
    assert not list((snapshot / "quality").glob(".*"))  # no temporary files left
    (snapshot / "manifest.json").unlink()
    written = build_quality_report(snapshot)
    assert [p.name for p in written] == ["index.html", "2018.html", "2019.html"]
    page = written[2].read_text(encoding="utf-8")
    assert "preliminär" in text_of(page) and "gx/2019" not in page


def test_missing_database_or_table(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_quality_report(tmp_path)
    import duckdb

    duckdb.connect(str(tmp_path / "mognad.duckdb")).close()
    with pytest.raises(ValueError, match="quality_check_results"):
        build_quality_report(tmp_path)


def test_reads_the_database_read_only(report):
    """The report never writes the snapshot's database (analysts may have it open)."""
    db = report["dir"] / "mognad.duckdb"
    before = db.read_bytes()
    build_quality_report(report["dir"])
    assert db.read_bytes() == before
    assert not Path(str(db) + ".wal").exists()


def test_internal_consistency_section(report):
    """Cronbach's alpha per category (marts.internal_consistency_by_category) in the model's
    order, two decimals with a decimal comma, and a plain verdict against the threshold."""
    page = report["pages"]["2019.html"]
    assert "Intern konsistens (Cronbachs alfa)" in page
    assert "0,70 eller mer brukar räknas som godtagbart" in page
    assert rows_of(page, "consistency") == [
        ["Effektivitet", "7", "1" + NBSP + "210", "0,81", "godtagbar"],
        ["Balansering", "6", "1" + NBSP + "208", "0,65", "under gränsen"],
        ["Teknik", "7", "4", "–", "kan inte beräknas"],
    ]
    # 2018 has no alpha rows: no section.
    assert "Intern konsistens" not in report["pages"]["2018.html"]
    # the overview's checks-by-year table says how many categories are under the threshold
    [row] = [r for r in rows_of(report["pages"]["index.html"], "checks-by-year") if r[0].startswith("Intern konsistens")]
    assert row[1:] == ["–", "1 av 3 kategorier under 0,70"]


def test_an_ingest_rule_that_fired_shows_as_varning_beside_its_check(tmp_path):
    """A duplicate submission dropped at ingest makes "Varje svarande en gång" a varning
    with the count (results.INGEST_FINDINGS), not godkänd."""
    import duckdb

    snapshot = write_snapshot(tmp_path / "snapshot")
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute("update quality_check_results set status = 'varning', observed = 3, "
                    "numerator = 3, threshold = 'varning > 0 duplicates_removed at ingest' "
                    "where survey_year = 2019 and check_name = 'respondents_unique'")
    pages = {p.name: p.read_text(encoding="utf-8") for p in build_quality_report(snapshot)}
    rows = {r[0]: r for r in rows_of(pages["2019.html"], "structural")}
    title, explanation, status = rows["Varje svarande en gång"]
    assert explanation.endswith("Vid inläsningen togs 3 dubbla inskickningar bort: samma "
                                "svarande hade svarat mer än en gång, och den senaste "
                                "inskickningen behölls.")
    assert "varning" in status and "godkänd" not in status
    assert "godkänd" in rows["Rätt kolumner"][2]
    assert "Vid inläsningen togs" not in text_of(pages["2018.html"])
