"""The HTML reports built from the tiny snapshot of a real dbt build (tests/tiny_build.py).

Expected texts are worked out by hand from the fixture's answers, in Swedish notation
(decimal comma, no-break space before %, U+2212 minus). 2025: Aneby alone, r1 answers 5 on
every item (score 100), r2 4 (75), r3 3 (50; T2 is reverse coded and answered 6 − x), so
every index is (100 + 75 + 50) / 3 = 75,0 with the 95 % interval 75 ± t(0,975; 2) · 25/√3 =
75 ± 4,3027 · 14,434 = 12,9 … 137,1, cut at 100,0. 2024: Aneby 3 respondents of 15 invited
(20 %), Gnosjö 2 respondents invited by link; with the disclosure threshold 3 Gnosjö is hidden
("färre än 3 svar"), and so are Aneby's capability and maturity indices: its innovation
category has 2 usable scores (r2 answered "vet ej" to I1 and I2), under 3 ("färre än 3 svar i
en kategori", the mart's suppression_reason).
"""

from __future__ import annotations

import html
import html.parser
import re

import duckdb
import pytest
from tiny_build import HOSTILE_NAME, HOSTILE_SHORT, TINY_MIN_CELL_RESPONDENTS, copy_snapshot

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


def test_files_and_return_value(tiny_built):
    snapshot, result = tiny_built
    reports = snapshot / "reports"
    assert result["reports"] == [
        reports / "index.html",
        reports / "kommun" / "0604.html",
        reports / "kommun" / "0617.html",
    ]
    slides = snapshot / "slides"
    assert result["slides"] == [
        slides / "0604_aneby.pptx",
        slides / "0617_hyperlink-http-x-invalid-klicka.pptx",
    ]
    assert all(p.exists() and p.stat().st_size > 0 for p in result["reports"] + result["slides"])


def test_overview_numbers(tiny_built):
    snapshot, _ = tiny_built
    text = visible_text(read(snapshot / "reports" / "index.html"))
    assert "Digital mognad i länet 2025 preliminär" in text
    assert "Aneby kommun 75,0 12,9–100,0 75,0 75,0 D 3 okänd .." in text
    assert f"{HOSTILE_NAME} inga svar" in text
    # the county mean is county_summary's: Aneby alone in 2025, nobody shown in 2024
    assert "Länets medelvärde 2025: 75,0" in text
    assert "Länets medelvärde .. 75,0" in text
    assert "2024 (granskad) 0 5 .. .. .. .. 0 0 0 0" in text  # signed off, marked so
    assert "2025 (preliminär) 1 3 75,0 75,0 .. 75,0–75,0 0 0 0 1" in text
    assert "Typ D Hög digital förmåga och ett möjliggörande digitalt arv" in text


def test_a_signed_off_year_is_marked_granskad_as_a_preliminary_one_is_marked(tiny_built):
    """2024 is signed off, 2025 preliminary: the heading's badge and the year columns say
    'granskad' for the one as they say 'preliminär' for the other (survey_year_review's
    mark); Gnosjö's page shows 2024, its latest year with results."""
    snapshot, _ = tiny_built
    overview = read(snapshot / "reports" / "index.html")
    assert '<span class="badge prelim">preliminär</span>' in overview
    assert '<th class="num">2024 (granskad)</th><th class="num">2025 (preliminär)</th>' in overview
    page = read(snapshot / "reports" / "kommun" / "0617.html")
    assert '2024 <span class="badge reviewed">granskad</span></h1>' in page


def test_unknown_response_rate_is_okand_never_zero(tiny_built):
    snapshot, _ = tiny_built
    overview = visible_text(read(snapshot / "reports" / "index.html"))
    # Aneby 2024: 3 of 15 invited by e-mail; 2025 no invitations recorded; Gnosjö by link
    assert "Svarsfrekvens per år Organisation 2024 (granskad) 2025 (preliminär) Aneby kommun 20" + NBSP + (
        f"% okänd {HOSTILE_NAME} okänd .."
    ) in overview
    page = visible_text(read(snapshot / "reports" / "kommun" / "0617.html"))
    assert "Svarsfrekvens: okänd (antalet inbjudna är inte känt)" in page
    zero = re.compile(r"(?<![\d,])0(,0)?\u00a0%")
    assert not zero.search(page) and not zero.search(overview)
    assert "Strateger och verksamhetsutvecklare okänt 2 okänd" in page


def test_small_organisation_is_suppressed_everywhere(tiny_built):
    snapshot, _ = tiny_built
    overview = read(snapshot / "reports" / "index.html")
    gnosjo = read(snapshot / "reports" / "kommun" / "0617.html")
    aneby = read(snapshot / "reports" / "kommun" / "0604.html")
    # Gnosjö 2024 (2 respondents): capability 37,5, legacy 33,3, maturity 35,4 appear
    # nowhere, not in tables and not in the charts' SVG text
    for markup in (overview, gnosjo, aneby):
        shown = visible_text(markup) + " ".join(svg_texts(markup))
        for value in ("37,5", "37.5", "33,3", "33.3", "35,4", "35.4"):
            assert value not in shown
    assert "Digital mognad färre än 3 svar" in visible_text(gnosjo)
    assert "Typ kan inte anges för 2024 (färre än 3 svar)" in visible_text(gnosjo)
    # Aneby 2024 (3 respondents, innovation 2 scores): capability (75 + 68,75 + 50)/3
    # = 64,6, maturity 61,5 are shown nowhere either
    trend = visible_text(aneby)
    # SCB's symbol: ".." before a hidden value's reason, and for the interval and the county
    # mean that are not available that year
    assert "2024 (granskad) .. färre än 3 svar i en kategori .. .. 3 20" + NBSP + "% vtest" in trend
    for markup in (overview, aneby):
        shown = visible_text(markup) + " ".join(svg_texts(markup))
        assert "64,6" not in shown and "61,5" not in shown


def test_organisation_page(tiny_built):
    snapshot, _ = tiny_built
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    assert "Aneby kommun: digital mognad 2025 preliminär" in text
    assert "3 svarande, enkätversion vtest" in text
    assert "Svarsfrekvens: okänd (antalet inbjudna är inte känt)" in text
    assert re.search("Digital mognad 75,0 95.% konfidensintervall 12,9–100,0", text)
    # the fair reference: the other municipality has no published result, and the county
    # mean says whom it covers
    assert "Ingen annan kommun i länet har resultat 2025 att jämföra med." in text
    assert "Länets medelvärde 2025 över 1 organisation med publicerat resultat, alla typer och Aneby inräknade: 75,0." in text
    assert "Typ D" in text
    # category table in the model's order; no other municipality to compare with
    rows = re.findall(r"(\w+) Digital[a-zöå ]+ 75,0 12,9–100,0 \.\. \.\. 0" + NBSP + "% 3 ", text)
    assert rows == ["Effektivitet", "Innovation", "Balansering", "Organisation", "Användare",
                    "Teknik"]  # fmt: skip
    # groups of 1 and 2 respondents are hidden; the department (none given) has all 3
    assert re.search(
        r"Kommunledning 1 \.\. färre än 3 svar( \.\.)+ "
        r"Strateger och verksamhetsutvecklare 2 \.\. färre än 3 svar( \.\.)+ ",
        text,
    )
    assert re.search(r"okänd förvaltning 3 75,0( \([^)]*\))? 75,0( \([^)]*\))? 75,0", text)
    assert "Kommunledning okänt 1 okänd Strateger och verksamhetsutvecklare okänt 2 okänd" in text


def test_hostile_names_are_text(tiny_built):
    snapshot, result = tiny_built
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


def test_self_contained(tiny_built):
    _, result = tiny_built
    for path in result["reports"]:
        markup = read(path)
        assert "<link" not in markup and "@import" not in markup
        assert re.findall(r"url\((?!#)", markup) == []  # only references inside the page
        assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", markup)
        assert "@media print" in markup
        assert markup.count("<svg") >= 2


class _SvgIds(html.parser.HTMLParser):
    """Every ``id`` of a page, and each ``url(#…)`` or ``href="#…"`` reference made inside
    an ``<svg>`` with the index of that svg (charts are not nested)."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.owner: dict[str, int] = {}  # id -> the svg it stands in (-1: outside any)
        self.refs: list[tuple[int, str]] = []
        self.svgs, self.inside = 0, -1

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.inside, self.svgs = self.svgs, self.svgs + 1
        for name, value in attrs:
            if name == "id":
                self.ids.append(value)
                self.owner[value] = self.inside
            elif self.inside >= 0 and value:
                self.refs += [(self.inside, ref) for ref in re.findall(r"url\(#([^)]+)\)", value)]
                if name.endswith("href") and value.startswith("#"):
                    self.refs.append((self.inside, value[1:]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.inside = -1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.inside = -1


def test_the_charts_of_a_page_have_ids_of_their_own(tiny_built):
    """The several charts inlined in one page (each drawn by matplotlib, some in two layers:
    a shared frame and the organisation's marks on top) share no ``id``: an id stands once
    in the page, and every clip path or marker a chart refers to is its own (a duplicate id
    is invalid HTML, and ``url(#…)`` resolves to the first element of that id, which may be
    another chart's clip path)."""
    _, result = tiny_built
    for path in result["reports"]:
        page = _SvgIds()
        page.feed(read(path))
        assert page.svgs >= 2, path
        repeated = sorted({i for i in page.ids if page.ids.count(i) > 1})
        assert repeated == [], (path, repeated[:10])
        assert page.refs, path
        assert [(svg, ref) for svg, ref in page.refs if page.owner.get(ref) != svg] == [], path


def test_partial_folder_without_manifest(tiny_snapshot, tmp_path):
    from pipelines.reports import build_reports

    # built inside the publish step's partial folder, before manifest.json exists
    snapshot = copy_snapshot(tiny_snapshot, tmp_path / ".20260102T030405-000006Z.partial")
    (snapshot / "manifest.json").unlink()
    result = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    # the year's status comes from the published survey_years table, there before the manifest
    assert "Aneby kommun: digital mognad 2025 preliminär" in text
    assert "Ögonblicksbild 20260102T030405-000006Z." in text
    # a second build of the same snapshot gives byte-identical pages
    first = {p: p.read_bytes() for p in result["reports"]}
    build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    assert {p: p.read_bytes() for p in result["reports"]} == first


def test_county_mean_is_the_marts_never_recomputed(tiny_snapshot, tmp_path):
    from pipelines.reports import build_reports

    snapshot = copy_snapshot(tiny_snapshot, tmp_path / tiny_snapshot.name)
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute("update county_summary set maturity_index_mean = 50.04 where survey_year = 2025")
        con.execute(
            "update maturity_by_category set same_type_mean_category_index = 41.25, "
            "same_type_organisations = 1 "
            "where survey_year = 2025 and category_code = 'teknik' and organisation_code = '0604'"
        )
    build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    text = visible_text(read(snapshot / "reports" / "index.html"))
    assert "Länets medelvärde 2025: 50,0" in text
    page = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    # the category table compares with the mart's mean of the other municipalities (n 1)
    assert "Teknik Digitalt arv 75,0 12,9–100,0 41,3 (1) +33,8" in page  # 75 − 41,25 = 33,75


def test_a_missing_contract_column_fails_loudly(tiny_snapshot, tmp_path):
    from pipelines.reports import build_reports
    from pipelines.reports.snapshot import SnapshotContractError

    snapshot = copy_snapshot(tiny_snapshot, tmp_path / tiny_snapshot.name)
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute("alter table county_summary drop column maturity_index_mean")
    with pytest.raises(SnapshotContractError, match="county_summary in snapshot .* lacks .*maturity_index_mean"):
        build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute("drop table county_summary")
    with pytest.raises(SnapshotContractError, match="no table county_summary"):
        build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)


def test_empty_and_missing_snapshot(tiny_snapshot, tmp_path):
    from pipelines.reports import build_reports

    with pytest.raises(FileNotFoundError):
        build_reports(tmp_path / "nothing")
    snapshot = copy_snapshot(tiny_snapshot, tmp_path / tiny_snapshot.name)
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute("delete from maturity_by_organisation")
    result = build_reports(snapshot)
    assert result == {"reports": [snapshot / "reports" / "index.html"], "slides": [], "pdf": []}
    assert "inga resultat" in read(result["reports"][0])


def build_changed_copy(tiny_snapshot, folder, sql: str, params=()):
    """A copy of the tiny snapshot in ``folder`` with ``sql`` run on its database, and its
    reports built: ``(snapshot, build_reports' result)``."""
    from pipelines.reports import build_reports

    snapshot = copy_snapshot(tiny_snapshot, folder / tiny_snapshot.name)
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute(sql, list(params))
    return snapshot, build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)


def test_year_status_from_survey_years_in_page_pdf_and_deck(tiny_snapshot, tmp_path):
    """A year the council has signed off says so, with the body, the meeting and who
    recorded it when, read from the published survey_years table (the manifest of this
    copy still calls 2025 preliminary, so nothing here can come from it); Stockholm time
    (20 November 2026 09:00 UTC is 10:00 in Stockholm)."""
    from pptx import Presentation
    from pypdf import PdfReader

    snapshot, result = build_changed_copy(
        tiny_snapshot, tmp_path,
        "update survey_years set status = 'granskad', signed_off_by = 'Anna <Berg>', "
        "signed_off_at = TIMESTAMPTZ '2026-11-20 09:00:00+00', meeting_date = DATE "
        "'2026-11-12', decided_by = 'Digitaliseringsrådet', signoff_version = 2 "
        "where survey_year = 2025",
    )
    expected = (
        "Mätningen 2025 är granskad och godkänd av Digitaliseringsrådet vid sammanträdet den "
        "12 november 2026 (registrerat av Anna <Berg> den 20 november 2026 kl. 10:00)."
    )
    for page in (snapshot / "reports" / "kommun" / "0604.html", snapshot / "reports" / "index.html"):
        text = visible_text(read(page))
        assert expected in text, page
        assert text.count("granskad och godkänd") == 1, page  # one sentence, said once
        assert "2025 preliminär" not in text and "Preliminära resultat" not in text
    assert "&lt;Berg&gt;" in read(snapshot / "reports" / "index.html")
    pdf = next(p for p in result["pdf"] if p.name.startswith("0604_"))
    pdf_text = " ".join(" ".join((page.extract_text() or "").split())
                        for page in PdfReader(str(pdf)).pages)
    assert expected in pdf_text
    cover = " ".join((PdfReader(str(result["pdf"][0])).pages[0].extract_text() or "").split())
    assert expected in cover
    deck = Presentation(str(next(p for p in result["slides"] if p.name.startswith("0604_"))))
    title = deck.slides[0]
    subtitle = " ".join(shape.text_frame.text for shape in title.placeholders if shape.placeholder_format.idx == 1)
    assert "granskade resultat (Digitaliseringsrådet 12 november 2026)" in subtitle
    assert expected in " ".join(title.notes_slide.notes_text_frame.text.split())


def test_cleared_sign_off_from_survey_years_in_page_pdf_and_deck(tiny_snapshot, tmp_path):
    """A year whose sign-off a reload with changed data cleared (survey_years'
    signoff_cleared_at and signoff_cleared_reason set, status preliminär) is not "not yet
    reviewed": the organisation's page, the overview, the county PDF's cover and the deck's
    title notes all say the council's sign-off was cleared because the data changed, the
    sentence of the council's page (council.survey_year_review)."""
    from pptx import Presentation
    from pypdf import PdfReader

    snapshot, result = build_changed_copy(
        tiny_snapshot, tmp_path,
        "update survey_years set signoff_cleared_at = TIMESTAMPTZ '2026-11-20 09:00:00+00', "
        "signoff_cleared_reason = 'Data för 2025 har lästs in på nytt.' where survey_year = 2025",
    )
    expected = ("Preliminära resultat: digitaliseringsrådets godkännande av mätningen 2025 har "
                "hävts eftersom uppgifterna ändrats; siffrorna kan ändras.")
    for page in (snapshot / "reports" / "kommun" / "0604.html", snapshot / "reports" / "index.html"):
        text = visible_text(read(page))
        assert expected in text, page
        assert "ännu inte granskat" not in text, page
    cover = " ".join((PdfReader(str(result["pdf"][0])).pages[0].extract_text() or "").split())
    assert expected in cover
    deck = Presentation(str(next(p for p in result["slides"] if p.name.startswith("0604_"))))
    notes = " ".join(deck.slides[0].notes_slide.notes_text_frame.text.split())
    assert expected in notes and "ännu inte granskat" not in notes


def test_uncertain_type_on_the_page_and_in_the_deck(tiny_snapshot, tmp_path):
    """Aneby 2025 (type D) with is_quadrant_uncertain true: the page marks its type "osäker"
    and says why, and the deck's type slide and key-figures slide say the same (one rule:
    the view's quadrant_uncertain; one wording: views.UNCERTAIN_TYPE_*); with the flag false
    neither says it."""
    from pptx import Presentation

    why = ("Osäker typ: konfidensintervallet för digital förmåga eller digitalt arv går över "
           "gränsen mellan typerna, så organisationen kan lika gärna höra till en angränsande "
           "typ.")

    def build(flag: bool) -> tuple[str, list[str]]:
        snapshot, result = build_changed_copy(
            tiny_snapshot, tmp_path / str(flag),
            "update maturity_by_organisation set is_quadrant_uncertain = ? "
            "where organisation_code = '0604' and survey_year = 2025", [flag])
        page = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
        prs = Presentation(str(next(p for p in result["slides"] if p.name.startswith("0604_"))))
        slides = ["\n".join(shape.text_frame.text for shape in slide.shapes
                            if shape.has_text_frame) for slide in prs.slides]
        return page, slides

    page, slides = build(True)
    assert why in page and "Typ D osäker" in page  # the badge beside the type's name
    key, position = slides[1], slides[2]
    assert position.startswith("Position och typ\nTyp D (osäker)\n")
    assert why in position
    assert "Typ D (osäker): " in key
    page, slides = build(False)
    assert "Osäker typ" not in page and "osäker" not in page.split("Position och typ")[1][:80]
    assert "Position och typ\nTyp D\n" in slides[2]
    assert not any("osäker" in s.lower() for s in slides[1:3])


def test_preliminary_year_says_the_council_has_not_reviewed_it(tiny_built):
    """The page, the county PDF's cover and the deck's title notes state a preliminary year
    in the same sentence."""
    from pptx import Presentation
    from pypdf import PdfReader

    snapshot, result = tiny_built
    expected = ("Preliminära resultat: digitaliseringsrådet har ännu inte granskat och godkänt "
                "mätningen 2025; siffrorna kan ändras.")
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    assert expected in text
    assert "är granskad" not in text
    cover = " ".join((PdfReader(str(result["pdf"][0])).pages[0].extract_text() or "").split())
    assert expected in cover
    deck = Presentation(str(next(p for p in result["slides"] if p.name.startswith("0604_"))))
    notes = " ".join(deck.slides[0].notes_slide.notes_text_frame.text.split())
    assert expected in notes
    subtitle = " ".join(shape.text_frame.text for shape in deck.slides[0].placeholders
                        if shape.placeholder_format.idx == 1)
    assert "preliminära resultat" in subtitle


def _aneby_page_with_rows(tiny_snapshot, folder, table: str, rows: str) -> str:
    """The visible text of Aneby's page (0604) built from a copy of the tiny snapshot in
    ``folder`` whose ``table``, empty in the tiny build, holds ``rows`` (SQL ``values``
    tuples): an optional reference the page shows only when the snapshot has it."""
    with duckdb.connect(str(tiny_snapshot / "mognad.duckdb"), read_only=True) as con:
        assert con.execute(f"select count(*) from {table}").fetchone() == (0,)
    snapshot, _ = build_changed_copy(tiny_snapshot, folder, f"insert into {table} values {rows}")
    return visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))


def test_national_reference_shown_only_when_present(tiny_built, tiny_snapshot, tmp_path):
    """The optional national reference values (national_reference_values, from
    seeds/national_reference.csv) stand beside the same-type reference when the snapshot has
    rows for the year, with their source; without rows (the tiny build's seed is empty) there
    is no "Riket" column or line at all."""
    snapshot, _ = tiny_built
    without = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    assert "Riket" not in without

    page = _aneby_page_with_rows(
        tiny_snapshot, tmp_path, "national_reference_values",
        "(2025, 'teknik', 'category', 'Teknik', 61.25, 'Riksresultat 2025 (exempel)'), "
        "(2025, 'effektivitet', 'category', 'Effektivitet', 48.04, 'Riksresultat 2025 (exempel)'), "
        "(2025, 'maturity', 'maturity', 'Digital mognad', 55.55, 'Riksresultat 2025 (exempel)'), "
        "(2024, 'innovation', 'category', 'Innovation', 10.0, 'Riksresultat 2024')")
    # key figure: 55.55 rounds half up to 55,6; the category column beside the same-type
    # reference: 61,3 for Teknik, 48,0 for Effektivitet, ".." where the file has none
    # (Innovation 2025: the 2024 value belongs to another year)
    assert re.search("Digital mognad 75,0 95.% konfidensintervall 12,9–100,0 Riket: 55,6", page)
    assert page.count("Riket: ") == 2  # the maturity key figure and the note under the table
    assert re.search(r"Teknik Digitalt arv 75,0 12,9–100,0 \.\. \.\. 61,3 0" + NBSP + "% 3 ", page)
    assert re.search(r"Effektivitet Digital förmåga 75,0 12,9–100,0 \.\. \.\. 48,0 0" + NBSP + "% 3 ", page)
    assert re.search(r"Innovation Digital förmåga 75,0 12,9–100,0 \.\. \.\. \.\. 0" + NBSP + "% 3 ", page)
    assert "Riket: nationella jämförelsevärden, källa: Riksresultat 2025 (exempel)." in page


def test_peer_group_reference_shown_only_with_a_peer_group(tiny_built, tiny_snapshot, tmp_path):
    """The optional peer-group references (peer_group_references, from the register's
    seeds/organisation_peer_groups.csv) stand beside the same-type reference with their
    member count when the organisation has a peer group; without one (the tiny build's file
    is empty) nothing is shown."""
    snapshot, _ = tiny_built
    assert "Jämförelsegrupp" not in visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))

    page = _aneby_page_with_rows(
        tiny_snapshot, tmp_path, "peer_group_references",
        "(2025, '0604', 'maturity', 'Landsbygdskommuner', 52.25, 4, 1), "
        "(2025, '0604', 'teknik', 'Landsbygdskommuner', 47.04, 3, 2), "
        "(2025, '0604', 'effektivitet', 'Landsbygdskommuner', null, 0, 5)")
    # 52.25 rounds half up to 52,3 over 4 other members; teknik 47,0 over 3; effektivitet
    # has no other member with a published index: ".."
    assert re.search("Digital mognad 75,0 95.% konfidensintervall 12,9–100,0 "
                     "Jämförelsegrupp Landsbygdskommuner: 52,3 \\(4\\)", page)
    assert re.search(r"Teknik Digitalt arv 75,0 12,9–100,0 \.\. \.\. 47,0 \(3\) 0" + NBSP + "% 3 ", page)
    assert re.search(r"Effektivitet Digital förmåga 75,0 12,9–100,0 \.\. \.\. \.\. 0" + NBSP + "% 3 ", page)
    assert "medelvärdet för de andra organisationerna i gruppen Landsbygdskommuner" in page


def test_a_result_the_council_published_is_marked_in_the_overview_and_the_county_pdf(
        tiny_snapshot, tmp_path):
    """Aneby 2025 published by the council's decision (maturity_by_organisation's
    published_by_council_decision and council_decision_reason, as an overrule at sign-off
    sets them): the county overview marks Aneby in the results table and in the table over
    the years, and says the reason once beside them; the county PDF, which prints the
    overview, says the same; Gnosjö, published as it is, carries no mark."""
    from pypdf import PdfReader

    from pipelines.reports import build_reports

    snapshot = copy_snapshot(tiny_snapshot, tmp_path / tiny_snapshot.name)
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute(
            "update maturity_by_organisation set published_by_council_decision = true, "
            "council_decision_reason = 'Bortfallet bedöms slumpmässigt.', quality_status = 'fel', "
            "quality_warnings = 'response_rate' where organisation_code = '0604' "
            "and survey_year = 2025"
        )
    result = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    decision = (
        "Publicerat genom rådets beslut: Aneby kommun 2025: Resultaten klarade inte rådets "
        "kvalitetskontroll (för låg svarsfrekvens) men publiceras genom digitaliseringsrådets "
        "beslut när mätningen granskades. Rådets skäl: Bortfallet bedöms slumpmässigt."
    )
    text = visible_text(read(snapshot / "reports" / "index.html"))
    results = text[text.index("Resultat 2025"):text.index(decision)]
    assert "Aneby kommun (publicerat genom rådets beslut) " in results
    assert results.count("publicerat genom rådets beslut") == 1  # Aneby only
    assert text.count(decision) == 1
    assert "Aneby kommun (publicerat genom rådets beslut 2025) " in text  # over the years
    assert "Gnosjö kommun (publicerat" not in text
    assert ("”(publicerat genom rådets beslut)” vid en organisation eller ett år: "
            "kvalitetskontrollen skulle ha undanhållit resultaten, men digitaliseringsrådet "
            "beslutade att publicera dem; beslutet och rådets skäl står på sidan.") in text
    county_pdf = next(p for p in result["pdf"] if p.name == "lansrapport.pdf")
    pdf_text = " ".join(" ".join((page.extract_text() or "").split())
                        for page in PdfReader(str(county_pdf)).pages)
    assert "Aneby kommun (publicerat genom rådets beslut)" in pdf_text
    assert "Rådets skäl: Bortfallet bedöms slumpmässigt." in pdf_text


def test_trend_caption_says_the_mean_is_preliminary_in_the_hollow_points_years(tiny_built):
    """Only the organisation's points are hollow in a preliminary year, the mean's are
    filled: the caption names the preliminary years and says the mean is preliminary then
    too. Aneby's one year in its trend table, 2025, is preliminary (no sign-off)."""
    snapshot, _ = tiny_built
    page = read(snapshot / "reports" / "kommun" / "0604.html")
    assert ("<figcaption>Digital mognad per år med 95 % konfidensintervall; ofyllda punkter: "
            "preliminära år (2025), då även länets medelvärde är preliminärt."
            "</figcaption>") in page


def test_the_organisations_tables_head_their_change_one_word_and_say_the_gaps_below(tiny_built):
    """Aneby's page: the category table's last column is "Förändring" (its meaning in the
    note under the table, as the county table's), and the "Digital mognad per år" table's
    change cells show only "..": 2024 is hidden itself and 2025's change is missing because
    2024 was hidden (a category with 2 usable scores, under the threshold 3); the reasons
    are said under the table, one sentence per year in year order (macros.change_gap_note)."""
    snapshot, _ = tiny_built
    text = visible_text(read(snapshot / "reports" / "kommun" / "0604.html"))
    text = " ".join(text.split())
    assert "Andel ”vet ej” Svarande Förändring Effektivitet" in text
    assert ("Förändring: sedan föregående mätning, med 95 % konfidensintervall inom "
            "parentes; den är ”säkerställd” när intervallet inte omfattar noll.") in text
    table = text[text.index("Digital mognad per år År"):]
    note = ("Förändringen saknas (..) för 2024 – färre än 3 svar i en kategori. Förändringen "
            "saknas (..) för 2025 – 2024: färre än 3 svar i en kategori.")
    assert note in table
    cells = table[:table.index(note)]
    assert "2024: färre än 3 svar" not in cells and cells.endswith("okänd vtest .. ")
    assert "sedan föregående mätning (95 % konfidensintervall)" not in text
