"""The reports' words for the population every organisation is compared with: "länet" for a
snapshot of one county (the tiny snapshot, every other report test), "riket" when the
register's county codes name several counties (the national comparison). The several-county
snapshot here is the tiny snapshot with Gnosjö moved to county 07 in its register."""

from __future__ import annotations

import re

import pytest
from pptx import Presentation
from pypdf import PdfReader

from pipelines.reports.data import (
    COUNTY_POPULATION,
    NATIONAL_POPULATION,
    load_snapshot,
    population_of,
)

COUNTY_WORDS = re.compile(r"\bl[äa]n(et|ets|s\w*)?\b", re.IGNORECASE)
"""The county's words: "län", "länet", "länets", "Länsöversikt", "länsrapport" (not "länk")."""


def county_words(text: str, snapshot) -> list[str]:
    """The county's words in ``text``, the recommendations seed's texts included (they name
    no population: "dela erfarenheter med andra organisationer"); white space counts as one
    space (a PDF's text breaks lines). ``snapshot`` is kept for the callers' symmetry."""
    del snapshot
    text = " ".join(text.split())
    return [m.group(0) for m in COUNTY_WORDS.finditer(text)]


def test_population_of_county_codes():
    assert population_of(["06", "06", "06"]) is COUNTY_POPULATION
    assert population_of(["06", None, ""]) is COUNTY_POPULATION  # an empty code names none
    assert population_of([]) is COUNTY_POPULATION
    assert population_of(["06", "99", "06"]) is NATIONAL_POPULATION
    assert COUNTY_POPULATION.mean == "Länets medelvärde"
    assert NATIONAL_POPULATION.mean == "Rikets medelvärde"


def test_county_words_pattern():
    found = COUNTY_WORDS.finditer("Länets medelvärde, i länet, Länsöversikt, inbjudan via länk")
    assert [m.group(0) for m in found] == ["Länets", "länet", "Länsöversikt"]


@pytest.fixture(scope="module")
def national_built(tiny_snapshot, tmp_path_factory):
    """The tiny snapshot with Gnosjö (0617) in county 07, Aneby (0604) in 06; reports built."""
    import duckdb
    from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot

    from pipelines.reports import build_reports

    snapshot = copy_snapshot(
        tiny_snapshot, tmp_path_factory.mktemp("national") / tiny_snapshot.name)
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute("update organisations set county_code = '07' "
                    "where organisation_code = '0617'")
        codes = con.execute("select organisation_code, county_code from organisations "
                            "where organisation_code in ('0604', '0617') order by 1").fetchall()
    assert codes == [("0604", "06"), ("0617", "07")]
    result = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    return snapshot, result


def test_the_snapshot_with_two_counties_is_national(national_built, tiny_snapshot):
    snapshot, _ = national_built
    assert load_snapshot(snapshot / "mognad.duckdb").population is NATIONAL_POPULATION
    assert load_snapshot(tiny_snapshot / "mognad.duckdb").population is COUNTY_POPULATION


def test_pages_name_the_country(national_built):
    snapshot, _ = national_built
    overview = (snapshot / "reports" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 data-outline="Digital mognad i riket 2025[^"]*">Digital mognad i riket '
                     r"2025", overview)
    assert "Översikt över rikets kommuner och regioner:" in overview
    assert "<p>Rikets medelvärde 2025:" in overview
    assert "<caption>Riket i siffror per år</caption>" in overview
    assert "– rikets gemensamma mätning." in overview  # footer
    page = (snapshot / "reports" / "kommun" / "0604.html").read_text(encoding="utf-8")
    assert '<a href="../index.html">Riksöversikt</a>' in page
    assert "<h2>De sex kategorierna jämfört med riket</h2>" in page
    # Gnosjö has no result for 2025: Aneby is the only one
    assert "Ingen annan kommun i riket har resultat 2025 att jämföra med." in page
    assert "Rikets medelvärde 2025 över 1 organisation med publicerat resultat" in page
    assert "ligga på plats 1 av 1 i riket;" in page
    # the charts' text alternatives
    assert 'aria-label="Aneby bland rikets organisationer 2025"' in page
    assert 'aria-label="Spindeldiagram över kategorierna: Aneby och rikets medelvärde"' in page
    assert 'aria-label="Digital mognad över åren: Aneby och rikets medelvärde"' in page
    assert ("<figcaption>Organisationens position (blå) bland rikets organisationer (grå);"
            in page)
    for html in (overview, page):
        assert county_words(html, snapshot) == []
        assert "{{" not in html and "{%" not in html  # no template text left unrendered


def test_deck_names_the_country(national_built):
    snapshot, result = national_built
    path = next(p for p in result["slides"] if p.name.startswith("0604_"))
    prs = Presentation(str(path))
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    assert "Kategorierna jämfört med riket" in titles
    texts, series = [], []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(c.text for row in shape.table.rows for c in row.cells)
            if shape.has_chart:
                series.extend(s.name for plot in shape.chart.plots for s in plot.series)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    text = "\n".join(texts)
    assert "Rikets gemensamma mätning (DiMiOS)" in text  # title slide
    assert "Källa: rikets mätning av digital mognad (DiMiOS) 2025" in text  # footer
    assert "Grå punkter: rikets övriga organisationer 2025." in text
    assert "Varje punkt är en organisation i riket; Aneby är markerad." in text  # notes
    assert series.count("Rikets medelvärde") == 2  # radar and trend
    assert "Rikets organisationer" in series
    assert county_words(text, snapshot) == []
    assert county_words(" ".join(series), snapshot) == []


def test_county_report_pdf_names_the_country(national_built):
    snapshot, result = national_built
    county = next(p for p in result["pdf"] if p.name == "lansrapport.pdf")
    pages = [page.extract_text() or "" for page in PdfReader(str(county)).pages]
    text = "\n".join(pages)
    assert "Digital mognad i riket 2025" in pages[0]
    assert "Rikets kommuner och regioner i den gemensamma mätningen" in " ".join(
        pages[0].split())
    assert "Riksöversikt" in pages[1]  # contents
    assert "riksrapport" in text  # running title
    assert county_words(text, snapshot) == []


def test_council_pages_name_the_country(national_built):
    """The council's quality pages of a several-county snapshot say "riket", as the reports
    do (one rule: data.population_of), in the check texts and the page's own sentences."""
    import html
    import re

    from pipelines.reports.council import build_quality_report

    snapshot, _ = national_built
    pages = build_quality_report(snapshot)
    years = [p for p in pages if p.stem.isdigit()]
    assert years
    for page in pages:
        markup = re.sub(r"<style.*?</style>", " ", page.read_text(encoding="utf-8"), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
        # the region's name is the register's, not the page's word for the population
        text = text.replace("Region Jönköpings län", "Region")
        assert county_words(text, snapshot) == [], page.name
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", years[-1].read_text("utf-8"))).split())
    assert "som är ”vet ej”, i hela riket:" in text
    assert "Här visas de påståenden i riket där störst andel" in text
    # the region had no respondents: "ingen svarade", not "0 personer svarade"
    assert "Resultaten för Region Jönköpings län publiceras inte: ingen svarade" in text
    assert "0 personer" not in text
