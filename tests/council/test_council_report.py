"""The council's quality report on the snapshot of a real tiny dbt build
(``council_tiny_snapshot``, tests/conftest.py; input in tiny_build.write_council_raw).

Expected texts and numbers are worked out by hand from that input, never taken from the
report code. By hand, 2019 (min_cell_respondents 3; the council's levels: response rate
varning under 50 %, fel under 30 %; "vet ej" varning over 30 %; blanks varning over 10 %):

| org                 | kommunledning | strateger    | total          | checks                     |
|---------------------|---------------|--------------|----------------|----------------------------|
| 0604 Aneby          | 2 of 4 (50 %) | 2 of 1       | 4 of 5 = 80 %  | within_invited fel         |
| 0642 Mullsjö        | 2 of 8 (25 %) | 1 of 4 (25 %)| 3 of 12 = 25 % | response_rate fel          |
| 0617 Gnosjö         | link, 2       | link, 1      | okänd, 3       | rate and both groups okänd |
| 0643 HOSTILE_NAME   | 1 of 1        | 1 of 2 (50 %)| 2 of 3 = 67 %  | min_respondents fel (2)    |
| 0680 Jönköping      | 1 of 5 (20 %) | 3 of 5 (60 %)| 4 of 10 = 40 % | response_rate varning      |
| 06 Region           | 2 of 2        | 2 of 2       | 4 of 4 = 100 % |                            |

20 respondents, every item answered except: A2 "vet ej" for 19 (19 of 20 = 95,0 %), I2
"vet ej" for 8 and blank for 4 (8 of 16 = 50,0 %; blanks 4 of 20 = 20,0 %), B2 "vet ej" 2
(10,0 %), E1 "vet ej" 1 (5,0 %). 2018: each organisation 3 of 4 invited (75 %), nothing
missing, signed off by HOSTILE_SIGNER. The nine file checks passed in both years.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tiny_build import HOSTILE_NAME, HOSTILE_SHORT, add_file_check_page, copy_snapshot

from pipelines.reports.council import (
    QUALITY_TEXTS,
    STRUCTURAL_TEXTS,
    build_quality_report,
    worst_status,
)
from pipelines.reports.formatting import swedish_sort_key
from pipelines.validation.suites import RAW_CHECKS

HOSTILE_SIGNER = "Anna <Berg>"
"""Who signed 2018 off in the council snapshot's manifest (tests/conftest.py)."""

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
def report(council_tiny_snapshot, tmp_path_factory) -> dict:
    snapshot = copy_snapshot(
        council_tiny_snapshot, tmp_path_factory.mktemp("snapshot") / council_tiny_snapshot.name
    )
    add_file_check_page(snapshot, 2019)
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
    # 2019 by hand: godkänd = file checks 9 + response_rate 3 (Aneby, hostile, region) +
    # min_respondents 5 + within_invited 9 + "vet ej" 10 + blanks 11; varning = Jönköping's
    # rate, A2 and I2 "vet ej", I2 blanks; fel = Mullsjö's rate, the hostile organisation's 2
    # respondents, Aneby's strateger; okänd = Gnosjö's rate and its two groups
    assert rows[1][0] == "2019"
    assert rows[1][2:6] == [str(9 + 3 + 5 + 9 + 10 + 11), "4", "3", "3"]
    assert rows[1][1] == "preliminär"
    # 2018: 9 file checks, 6 × 3 organisation checks, 12 + 12 item checks, all godkänd
    assert rows[0][2:6] == [str(9 + 6 * 3 + 12 + 12), "0", "0", "0"]
    assert rows[0][1] == "granskad och godkänd av Anna <Berg> den 2 mars 2026 kl. 10:15."
    assert rows[1][6] == f"Aneby kommun, Mullsjö kommun, {HOSTILE_NAME}"
    assert rows[0][6] == "inga"


def test_index_lead_says_results_are_published_preliminary_at_once(report):
    # what is true: a loaded year is published at once as preliminär; the council's sign-off
    # publishes it again as granskad; a reload with changed data makes it preliminär again
    [lead] = re.findall(r'<p class="lead">(.*?)</p>', report["pages"]["index.html"], re.S)
    text = " ".join(re.sub(r"<[^>]+>", "", lead).split())
    assert text.endswith(
        "Årets resultat publiceras som preliminära så snart året har lästs in. När rådet har "
        "granskat rapporten och godkänt året publiceras resultaten på nytt som granskade. Läses "
        "ett godkänt år in igen med ändrade uppgifter blir det preliminärt på nytt.")
    assert "innan årets resultat används" not in text


def test_index_check_matrix(report):
    rows = {r[0]: r[1:] for r in rows_of(report["pages"]["index.html"], "checks-by-year")}
    assert rows["Svarsfrekvens per organisation"] == ["✓ godkänd", "✗ fel"]
    assert rows["Minsta antal svarande"] == ["✓ godkänd", "✗ fel"]
    assert rows["Inte fler svarande än inbjudna"] == ["✓ godkänd", "✗ fel"]
    assert rows["Andel ”vet ej” per påstående"] == ["✓ godkänd", "! varning"]
    assert rows["Obesvarade påståenden"] == ["✓ godkänd", "! varning"]
    assert rows["Strukturkontroller (stoppar inläsningen vid fel)"] == ["✓ godkänd", "✓ godkänd"]


# --- year page --------------------------------------------------------------------------


def test_withheld_organisations_with_reasons(report):
    text = text_of(report["pages"]["2019.html"])
    assert (
        "Resultaten för Mullsjö kommun publiceras inte: svarsfrekvensen 25 % är under "
        "gränsen 30 % (3 av 12 inbjudna svarade)."
    ).replace(" %", f"{NBSP}%") in text
    assert (
        f"Resultaten för {HOSTILE_NAME} publiceras inte: 2 personer svarade, minst 3 krävs."
    ) in text
    assert (
        "Resultaten för Aneby kommun publiceras inte: fler svarande än inbjudna i målgruppen "
        "Strateger och verksamhetsutvecklare (2 svarande, 1 inbjuden)."
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
        p("✗ 25 % 2 av 8"),
        p("✗ 25 % 1 av 4"),
        p("✗ 25 % 3 av 12 fel"),
        "3",
    ]
    assert rows["Aneby"] == [
        p("✓ 50 % 2 av 4"),
        p("✗ 200 % 2 av 1"),
        p("✓ 80 % 4 av 5 godkänd"),
        "4",
    ]
    assert rows["Jönköping"] == [
        p("✗ 20 % 1 av 5"),
        p("✓ 60 % 3 av 5"),
        p("! 40 % 4 av 10 varning"),
        "4",
    ]
    # link invitations: okänd, never 0 % or 100 %
    assert rows["Gnosjö"] == ["? okänd 2 svar, länk", "? okänd 1 svar, länk", "? okänd 3 svar", "3"]
    # 2 of 3 = 66.7 %, shown whole; fewer than 3 respondents
    assert rows[HOSTILE_SHORT] == [
        p("✓ 100 % 1 av 1"), p("✓ 50 % 1 av 2"), p("✓ 67 % 2 av 3 godkänd"), "2 ✗ fel"]
    assert rows["Region Jönköpings län"][2:] == [p("✓ 100 % 4 av 4 godkänd"), "4"]
    # municipalities first, by their short names in Swedish order (the hostile short name
    # begins with "="), the region last
    assert list(rows) == [HOSTILE_SHORT, "Aneby", "Gnosjö", "Jönköping", "Mullsjö",
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
    assert "Fel vid färre än 3 svarande." in text
    assert "Varning över 30 %.".replace(" %", f"{NBSP}%") in text
    assert "Varning över 10 %.".replace(" %", f"{NBSP}%") in text
    assert "6 organisationer: 3 godkänd, 1 varning, 1 fel, 1 okänd." in text
    assert "6 organisationer: 5 godkänd, 1 fel." in text
    assert "12 kombinationer av organisation och målgrupp: 9 godkänd, 1 fel, 2 okänd." in text
    assert "12 påståenden: 10 godkänd, 2 varning." in text
    assert "12 påståenden: 11 godkänd, 1 varning." in text
    assert "Jönköpings kommun 40 % (4 av 10) ! varning".replace(" %", f"{NBSP}%") in text
    assert "Gnosjö kommun okänd (inbjudan via länk) ? okänd" in text
    assert ("Aneby kommun, Strateger och verksamhetsutvecklare 2 svarande, 1 inbjuden ✗ fel"
            in text)  # one invited: singular
    assert "Utfall 6 organisationer: 6 godkänd." in text_of(report["pages"]["2018.html"])


def test_dont_know_list_with_item_texts(report):
    """The items with a "vet ej" warning, filled up to the ten largest shares (equal shares
    in item-code order), each with its text and category."""
    rows = rows_of(report["pages"]["2019.html"], "dont-know")
    p = lambda s: s.replace(" %", f"{NBSP}%")  # noqa: E731
    assert rows[:4] == [
        ["A2 Påstående A2", "Användare", p("95,0 %"), "19 av 20", "! varning"],
        ["I2 Påstående I2", "Innovation", p("50,0 %"), "8 av 16", "! varning"],
        ["B2 Påstående B2", "Balansering", p("10,0 %"), "2 av 20", "✓ godkänd"],
        ["E1 Påstående E1", "Effektivitet", p("5,0 %"), "1 av 20", "✓ godkänd"],
    ]
    assert [r[0].split()[0] for r in rows[4:]] == ["A1", "B1", "E2", "I1", "O1", "O2"]
    assert {tuple(r[2:]) for r in rows[4:]} == {(p("0,0 %"), "0 av 20", "✓ godkänd")}
    nonresponse = rows_of(report["pages"]["2019.html"], "nonresponse")
    assert nonresponse == [["I2 – Påstående I2", p("20,0 % (4 av 20)"), "! varning"]]


def test_item_texts_are_those_of_the_years_version(report, council_tiny_snapshot, tmp_path):
    """The codebook also holds COUNCIL_OTHER_VERSION: the same item codes with the texts
    "FEL VERSION <item>", sorted after vtest. Both years were answered in vtest, so no page
    shows another version's wording, whether the year's version comes from the manifest or,
    without one, from the published "vet ej" table."""
    assert all("FEL VERSION" not in page for page in report["pages"].values())
    snapshot = copy_snapshot(council_tiny_snapshot, tmp_path / council_tiny_snapshot.name)
    (snapshot / "manifest.json").unlink()
    pages = {p.name: p.read_text(encoding="utf-8") for p in build_quality_report(snapshot)}
    assert all("FEL VERSION" not in page for page in pages.values())
    assert ["A2 Påstående A2", "Användare"] == rows_of(pages["2019.html"], "dont-know")[0][:2]


def test_review_state_and_gx_links(report):
    y2018, y2019 = report["pages"]["2018.html"], report["pages"]["2019.html"]
    assert "granskad och godkänd" in text_of(y2018)
    assert "av Anna <Berg> den 2 mars 2026 kl. 10:15." in text_of(y2018)
    assert "Kommentar: Granskat på rådsmötet <i>i mars</i>." in text_of(y2018)
    assert "(version 1 i granskningsloggen)" in text_of(y2018)
    assert "preliminär – digitaliseringsrådet har ännu inte granskat och godkänt året." in text_of(
        y2019
    )
    assert 'href="gx/2019/index.html"' in y2019
    assert (report["dir"] / "quality" / "gx" / "2019" / "index.html").is_file()
    assert "gx/2018" not in y2018  # no Data Docs folder for 2018: no link


def test_hostile_names_are_escaped(report):
    for name, page in report["pages"].items():
        assert "<script>alert" not in page, name
        assert "<Berg>" not in page and "<i>i mars" not in page
    page = report["pages"]["2019.html"]
    assert "&lt;script&gt;alert(" in page
    assert f"Resultaten för {HOSTILE_NAME} publiceras inte" in text_of(page)  # shown as text
    assert HOSTILE_SHORT in [r[0] for r in rows_of(page, "rates")]  # a formula shown as text
    assert html.escape(HOSTILE_SIGNER) in report["pages"]["2018.html"]


def test_rebuild_is_stable_and_preliminary_without_manifest(council_tiny_snapshot, tmp_path):
    snapshot = copy_snapshot(council_tiny_snapshot, tmp_path / council_tiny_snapshot.name)
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


def _pairwise_alpha(scores: dict[str, list[float | None]]) -> float | None:
    """Cronbach's alpha with pairwise covariances (pandas DataFrame.cov, n - 1): the
    independent computation the mart's method names (docs/method.md)."""
    import pandas as pd

    cov = pd.DataFrame(scores, dtype=float).cov()
    k = int(cov.notna().values.diagonal().sum())
    if k < 2:
        return None
    return k / (k - 1) * (1 - cov.values.diagonal().sum() / cov.values.sum())


def test_internal_consistency_section(report):
    """Cronbach's alpha per category (marts.internal_consistency_by_category) in the model's
    order, two decimals with a decimal comma, and a plain verdict against the threshold.
    Expected values from the input (tiny_build.council_answers_2019) with pandas."""
    from tiny_build import TINY_CODEBOOK, council_answers_2019

    reverse = {item: rev == "true" for item, _, _, _, rev in TINY_CODEBOOK}
    by_item: dict[str, list[float | None]] = {}
    for _, item, value in council_answers_2019([f"c{k:02d}" for k in range(1, 21)]):
        score = None if value in ("dk", None) else 25.0 * ((5 - value) if reverse[item] else (value - 1))
        by_item.setdefault(item, []).append(score)
    alpha = {
        category: _pairwise_alpha({i: by_item[i] for i, _, c, _, _ in TINY_CODEBOOK if c == category})
        for category in ("effektivitet", "innovation", "balansering", "organisation", "anvandare", "teknik")
    }  # fmt: skip
    # A2 has one answer (no variance): no alpha; T2 runs 1-3 against T1's 1-5, reversed
    assert alpha["anvandare"] is None
    assert [round(alpha[c], 2) for c in ("effektivitet", "innovation", "balansering",
                                          "organisation", "teknik")] == [0.99, 0.98, 1.02, 1.0, -0.08]  # fmt: skip
    page = report["pages"]["2019.html"]
    assert "Intern konsistens (Cronbachs alfa)" in page
    assert "0,70 eller mer brukar räknas som godtagbart" in page
    assert rows_of(page, "consistency") == [
        ["Effektivitet", "2", "20", "0,99", "godtagbar"],
        ["Innovation", "2", "20", "0,98", "godtagbar"],
        ["Balansering", "2", "20", "1,02", "godtagbar"],
        ["Organisation", "2", "20", "1,00", "godtagbar"],
        ["Användare", "2", "20", "–", "kan inte beräknas"],
        ["Teknik", "2", "20", "−0,08", "under gränsen"],
    ]
    # the overview's checks-by-year table says how many categories are under the threshold;
    # 2018's teknik has no alpha (T2 reverses T1 exactly: total variance 0), the rest are 1
    [row] = [r for r in rows_of(report["pages"]["index.html"], "checks-by-year") if r[0].startswith("Intern konsistens")]
    assert row[1:] == ["alla kategorier minst 0,70", "1 av 6 kategorier under 0,70"]


def test_an_ingest_rule_that_fired_shows_as_varning_beside_its_check(council_tiny_snapshot, tmp_path):
    """A duplicate submission dropped at ingest makes "Varje svarande en gång" a varning
    with the count (results.INGEST_FINDINGS), not godkänd."""
    import duckdb

    snapshot = copy_snapshot(council_tiny_snapshot, tmp_path / council_tiny_snapshot.name)
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
