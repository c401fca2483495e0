"""The HTML reports built from the hand-made snapshot (see conftest.py for the numbers).

Expected texts are worked out by hand from the fixture's numbers, in Swedish notation
(decimal comma, no-break space before %, U+2212 minus).
"""

from __future__ import annotations

import html
import re

from report_snapshot import HOSTILE_NAME, HOSTILE_SHORT, write_snapshot

NBSP = "\u00a0"


def visible_text(markup: str) -> str:
    """The page's text without tags, styles and SVG charts, unescaped, spaces collapsed."""
    markup = re.sub(r"<style.*?</style>", " ", markup, flags=re.S)
    markup = re.sub(r"<svg.*?</svg>", " ", markup, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return re.sub(r"[ \t\r\n]+", " ", text)


def svg_texts(markup: str) -> list[str]:
    """The text of every ``<text>`` element of the inline SVG charts, unescaped."""
    return [html.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", markup, flags=re.S)]


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def test_files_and_return_value(built_snapshot):
    snapshot, result = built_snapshot
    reports = snapshot / "reports"
    assert result["reports"] == [
        reports / "index.html",
        reports / "kommun" / "0604.html",
        reports / "kommun" / "0617.html",
        reports / "kommun" / "06.html",  # the region comes after the municipalities
    ]
    slides = snapshot / "slides"
    assert result["slides"] == [
        slides / "0604_aneby.pptx",
        slides / "0617_hyperlink-http-x-invalid-klicka.pptx",
        slides / "06_region-jonkopings-lan.pptx",
    ]
    assert all(p.exists() and p.stat().st_size > 0 for p in result["reports"] + result["slides"])


def test_overview_numbers(built_snapshot):
    snapshot, _ = built_snapshot
    text = visible_text(read(snapshot / "reports" / "index.html"))
    assert "Digital mognad i länet 2020 preliminär" in text
    # Aneby 2020: maturity 52,3 with interval 47,0–57,6; 2019: 49,3
    assert "Aneby kommun 52,3 47,0–57,6 55,0 49,6 C 15 75" + NBSP + "%" in text
    assert "49,3" in text
    # county mean 2020 over the organisations shown: (52.3 + 60.2) / 2 = 56.25 -> 56,3
    # (the region, with 3 respondents, is left out)
    assert "Länets medelvärde 2020: 56,3" in text
    # county mean 2019 over all three: (49.3 + 61.0 + 66.6) / 3 = 58.966... -> 59,0
    assert "Länets medelvärde 49,3" not in text
    assert re.search(r"Länets medelvärde 59,0 56,3", text)
    # year header of the preliminary year
    assert "2020 (preliminär)" in text and "2019 (preliminär)" not in text


def test_unknown_response_rate_is_okand_never_zero(built_snapshot):
    snapshot, _ = built_snapshot
    overview = visible_text(read(snapshot / "reports" / "index.html"))
    # the hostile organisation was invited by link in both years: unknown, twice
    row = re.search(r"Svarsfrekvens per år.*?kommun (\S+) (\S+) Region", overview).groups()
    assert row == ("okänd", "okänd")
    page = visible_text(read(snapshot / "reports" / "kommun" / "0617.html"))
    assert "Svarsfrekvens: okänd (antalet inbjudna är inte känt)" in page
    zero = re.compile(r"(?<![\d,])0(,0)?\u00a0%")
    assert not zero.search(page) and not zero.search(overview)
    # per target group: invited unknown -> "okänt", rate "okänd"
    assert "Strateger och verksamhetsutvecklare okänt 9 okänd" in page


def test_small_organisation_is_suppressed_everywhere(built_snapshot):
    snapshot, _ = built_snapshot
    overview = read(snapshot / "reports" / "index.html")
    region = read(snapshot / "reports" / "kommun" / "06.html")
    # region 2020 has 3 respondents: its indices (71,7 / 70,0 / 73,4) appear nowhere,
    # not in tables and not in the charts' SVG text
    for markup in (overview, region, read(snapshot / "reports" / "kommun" / "0604.html")):
        shown = visible_text(markup) + " ".join(svg_texts(markup))
        for value in ("71,7", "71.7", "73,4", "73.4", "70,0"):
            assert value not in shown
    assert "färre än 5 svar" in visible_text(overview)
    assert "Digital mognad färre än 5 svar" in visible_text(region)
    assert "mest ”vet ej”" not in visible_text(region) and "33\u00a0%" not in region
    # its 2019 value (6 respondents) is shown
    assert "66,6" in visible_text(region)


def test_organisation_page(built_snapshot):
    snapshot, _ = built_snapshot
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    assert "Aneby kommun: digital mognad 2020 preliminär" in text
    assert "Digital mognad 52,3 95 % konfidensintervall 47,0–57,6".replace(
        " % ", NBSP + "% "
    ) in text or ("Digital mognad 52,3 95 % konfidensintervall 47,0–57,6" in text)
    assert "15 svarande" in text and "(15 av 20 inbjudna)" in text
    assert "Länets medelvärde för digital mognad 2020: 56,3." in text
    assert "Svarsfrekvens: 75" + NBSP + "%" in text
    assert "Typ C" in text and "Idéer finns men arvet bromsar genomförandet." in text
    # change from 2019 with the mart's verdict
    assert "+3,0" in text and "inte säkerställd" in text
    # category table: effektivitet 58,0, county mean over the two shown organisations
    # (58.0 + 66.0) / 2 = 62.0, difference −4,0; interval 53,0–63,0 (fixture: ±5)
    assert "Effektivitet Digital förmåga 58,0 53,0–63,0 62,0 \u22124,0 10" + NBSP + "% 15" in text
    # the model's order (domain doc), although instrument_items lists only three categories
    table = text[text.index("Kategoriindex 2020") :]
    positions = [
        table.index(f"{name} Digital")
        for name in (
            "Effektivitet",
            "Innovation",
            "Balansering",
            "Organisation",
            "Användare",
            "Teknik",
        )
    ]
    assert positions == sorted(positions)
    # organisation: (40.2 + 55.0) / 2 = 47.6, difference −7,4
    assert "Organisation Digitalt arv 40,2 35,2–45,2 47,6 \u22127,4" in text


def test_relative_strengths_and_weaknesses(built_snapshot):
    snapshot, _ = built_snapshot
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    strengths = re.search(
        r"Relativa styrkor .*? lågt?a?\.? (.*?) Relativa svagheter (.*?) Kategoriindex", text
    )
    assert strengths is not None
    assert strengths.group(1).strip() == "Användare: 62,1 Balansering: 59,5 Effektivitet: 58,0"
    assert strengths.group(2).strip() == "Organisation: 40,2 Teknik: 46,5 Innovation: 47,5"


def test_target_groups_dont_know_and_rates(built_snapshot):
    snapshot, _ = built_snapshot
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    assert "Kommunledning färre än 5 svar" in text
    assert "Strateger och verksamhetsutvecklare 6 55,5" in text
    assert "Systemansvariga dold för att skydda en liten grupp" in text
    # departments sorted by name; "Skola" (2 respondents, unflagged) hidden by the threshold
    assert (
        "Förvaltning Svarande Digital mognad Digital förmåga Skola färre än 5 svar Socialtjänst 7 50,1 53,3"
        in text
    )
    assert "44,4" not in text and "41,1" not in text
    # items with most "vet ej": EFF01 (40 %) before INN02 (20 %); TEK01 (0 %) left out
    items = re.findall(r"\((EFF01|INN02|TEK01)\) (\d+\u00a0%) (\d+)", text)
    assert items == [("EFF01", "40" + NBSP + "%", "6"), ("INN02", "20" + NBSP + "%", "3")]
    assert "Digitaliseringen är en tydlig del av vår strategiska planering." in text
    assert "Strateger och verksamhetsutvecklare 10 6 60" + NBSP + "%" in text


def test_hostile_names_are_text(built_snapshot):
    snapshot, result = built_snapshot
    for path in result["reports"]:
        markup = read(path)
        assert "<script" not in markup.lower()
        assert 'href="http' not in markup
    page = read(snapshot / "reports" / "kommun" / "0617.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; kommun" in page
    assert HOSTILE_NAME in visible_text(page)
    overview = read(snapshot / "reports" / "index.html")
    # its chart label, as escaped SVG text, shortened to 28 characters in charts
    assert HOSTILE_SHORT[:27] + "…" in svg_texts(overview)


def test_self_contained(built_snapshot):
    _, result = built_snapshot
    for path in result["reports"]:
        markup = read(path)
        assert "<link" not in markup and "@import" not in markup
        assert re.findall(r"url\((?!#)", markup) == []  # only references inside the page
        assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", markup)
        assert "@media print" in markup
        assert markup.count("<svg") >= 2


def test_no_optional_tables_and_no_manifest(tmp_path):
    from pipelines.reports import build_reports

    # built inside the publish step's partial folder, before manifest.json exists
    snapshot = write_snapshot(tmp_path / ".20260102T030405-000006Z.partial", with_optional=False)
    (snapshot / "manifest.json").unlink()
    result = build_reports(snapshot)
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    assert "Aneby kommun: digital mognad 2020 preliminär" not in text
    assert "Aneby kommun: digital mognad 2020" in text
    assert "Målgrupper och förvaltningar" not in text and "mest ”vet ej”" not in text
    assert "52,3" in text
    assert "Ögonblicksbild 20260102T030405-000006Z." in text
    assert len(result["slides"]) == 3
    # a second build of the same snapshot gives byte-identical pages
    first = {p: p.read_bytes() for p in result["reports"]}
    build_reports(snapshot)
    assert {p: p.read_bytes() for p in result["reports"]} == first


def test_county_summary_table_is_used_when_present(tmp_path):
    import duckdb

    from pipelines.reports import build_reports

    snapshot = write_snapshot(tmp_path / "snap", with_optional=False)
    con = duckdb.connect(str(snapshot / "mognad.duckdb"))
    con.execute(
        "create table county_summary as select 2020 as survey_year, 3 as organisations_with_index, "
        "27 as respondents, 50.04 as maturity_index_mean, 52.3 as maturity_index_median, "
        "1.5 as maturity_index_stddev, 41.25 as maturity_index_min, 60.2 as maturity_index_max, "
        "0 as quadrant_a_organisations, 0 as quadrant_b_organisations, 1 as quadrant_c_organisations, "
        "2 as quadrant_d_organisations"
    )
    con.close()
    build_reports(snapshot)
    text = visible_text(read(snapshot / "reports" / "index.html"))
    # the mart's county mean replaces the mean computed from the organisations (56,3)
    assert "Länets medelvärde 2020: 50,0" in text
    assert "2020 (preliminär) 3 27 50,0 52,3 1,5 41,3–60,2 0 0 1 2" in text


def test_empty_and_missing_snapshot(tmp_path):
    import duckdb
    import pytest

    from pipelines.reports import build_reports

    with pytest.raises(FileNotFoundError):
        build_reports(tmp_path / "nothing")
    snapshot = tmp_path / "empty"
    snapshot.mkdir()
    con = duckdb.connect(str(snapshot / "mognad.duckdb"))
    con.execute("create table organisations (organisation_code varchar)")
    con.close()
    with pytest.raises(ValueError, match="maturity_by_organisation"):
        build_reports(snapshot)
    con = duckdb.connect(str(snapshot / "mognad.duckdb"))
    con.execute(
        "create table maturity_by_organisation (organisation_code varchar, survey_year integer)"
    )
    con.close()
    result = build_reports(snapshot)
    assert result == {"reports": [snapshot / "reports" / "index.html"], "slides": []}
    assert "inga resultat" in read(result["reports"][0])
