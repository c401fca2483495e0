"""The county report and the organisations' reports as PDF, read back with pypdf, from the
tiny snapshot of a real dbt build (numbers worked out in tests/reports/test_reports_html.py:
Aneby 2025 every index 75,0, interval 12,9–100,0; Gnosjö 2024, 2 respondents, hidden)."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from tiny_build import HOSTILE_NAME

from pipelines.reports.charts import Chart


def pages_text(path) -> list[str]:
    """Each page's text with runs of white space as one space (headings may wrap)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


GNOSJO_HIDDEN = ("37,5", "33,3", "35,4")
"""Gnosjö's 2024 capability, legacy and maturity indices (2 respondents, under the threshold 3)."""


def test_pdf_files(tiny_built):
    snapshot, result = tiny_built
    reports = snapshot / "reports"
    assert result["pdf"] == [
        reports / "lansrapport.pdf",
        reports / "pdf" / "0604_aneby.pdf",
        reports / "pdf" / "0617_hyperlink-http-x-invalid-klicka.pdf",
    ]


def test_county_report_cover_contents_and_page_numbers(tiny_built):
    snapshot, _ = tiny_built
    pages = pages_text(snapshot / "reports" / "lansrapport.pdf")
    total = len(pages)
    assert "Digital mognad i länet 2025" in pages[0]
    assert ("Preliminära resultat: digitaliseringsrådet har ännu inte granskat och godkänt "
            "mätningen 2025; siffrorna kan ändras.") in " ".join(pages[0].split())
    assert "Sida" not in pages[0]  # no footer on the cover
    assert "Innehåll" in pages[1]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Sida {number} av {total}" in text, number
    # each organisation's section starts on the page the table of contents names; Gnosjö's
    # shows 2024, its only year
    for name, year in (("Aneby kommun", 2025), (HOSTILE_NAME, 2024)):
        match = re.search(re.escape(name) + r"[ .…]*(\d+)", pages[1])
        assert match, name
        start = int(match.group(1))
        assert f"{name}: digital mognad {year}" in pages[start - 1], name
        assert f"{name}: digital mognad {year}" not in pages[start - 2], name
    text = "\n".join(pages)
    assert "Begrepp" in text and "kunskapslucka" in text
    assert text.count("Digital kompetens") == 1  # the concepts once, not per organisation
    for value in GNOSJO_HIDDEN:
        assert value not in text


def test_organisation_pdf(tiny_built):
    snapshot, _ = tiny_built
    pages = pages_text(snapshot / "reports" / "pdf" / "0604_aneby.pdf")
    text = "\n".join(pages)
    assert pages[0].startswith("Aneby kommun: digital mognad 2025")
    assert "Digital mognad 75,0" in pages[0] and "12,9–100,0" in text
    assert "Att läsa siffrorna" in text and "Begrepp" in text and "Digital kompetens" in text
    assert f"Sida {len(pages)} av {len(pages)}" in pages[-1]
    hostile = "\n".join(pages_text(
        snapshot / "reports" / "pdf" / "0617_hyperlink-http-x-invalid-klicka.pdf"))
    assert HOSTILE_NAME in hostile  # shown as text, never interpreted
    assert "Digital mognad färre än 3 svar" in hostile
    for value in GNOSJO_HIDDEN:
        assert value not in hostile
    # the charts, images of their SVG on paper, keep their text as text: the position
    # chart's axes and the trend chart's
    for label in ("Digital förmåga (0–100)", "Digitalt arv (0–100)", "Digital mognad (0–100)"):
        assert label in text, label


SVG = "http://www.w3.org/2000/svg"


def test_a_chart_on_paper_is_its_svg_as_the_image_of_an_svg_of_the_same_box():
    svg = (f'<svg role="img" aria-label="Å &amp; ö" width="403.2pt" height="360pt" '
           f'viewBox="0 0 403.2 360" xmlns="{SVG}" version="1.1">'
           '<text x="1" y="2">Digitalt arv (0–100)</text></svg>')
    paper = Chart(svg=svg, alt="Å & ö").as_image()
    assert paper.alt == "Å & ö"
    root, image = ET.fromstring(paper.svg), ET.fromstring(paper.svg)[0]
    assert root.attrib == ET.fromstring(svg).attrib  # size, viewBox, role and label kept
    assert len(root) == 1 and image.tag == f"{{{SVG}}}image"
    assert (image.get("width"), image.get("height")) == ("403.2", "360")  # the viewBox's
    prefix = "data:image/svg+xml;base64,"
    assert image.get("href").startswith(prefix)
    assert base64.b64decode(image.get("href")[len(prefix):]).decode("utf-8") == svg


def test_a_chart_without_a_viewbox_cannot_go_on_paper():
    with pytest.raises(ValueError, match="no viewBox"):
        Chart(svg=f'<svg width="10pt" height="5pt" xmlns="{SVG}"></svg>', alt="x").as_image()


def test_changes_keep_their_figures_on_one_line_and_headings_their_tables(tiny_snapshot, tmp_path):
    """In the A4 tables a change keeps its figure and interval on one line and only its
    verdict goes to the next (CSS: the figures are a no-wrap span); the factors' heading
    starts on the page of their table. Aneby 2025 of the tiny snapshot gets hand-set changes:
    every category +5,6 (1,7–9,5), säkerställd; every factor −10,5 (−22,1 till 1,0), inom
    osäkerheten, with changed items (*), and the long name of the sample's first factor, so
    the change column is narrow as in the sample's PDF (where "inom" stayed with the figures
    and "osäkerheten" went to the next line)."""
    import duckdb
    from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot

    from pipelines.reports import build_reports

    snapshot = copy_snapshot(tiny_snapshot, tmp_path / tiny_snapshot.name)
    where = "where organisation_code = '0604' and survey_year = 2025"
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute(
            "update maturity_by_category set category_index_change = 5.6, "
            "category_index_change_ci_lower = 1.7, category_index_change_ci_upper = 9.5, "
            f"category_change_is_significant = true, category_items_changed = false {where}")
        con.execute(
            "update maturity_by_factor set factor_index_change = -10.5, "
            "factor_index_change_ci_lower = -22.1, factor_index_change_ci_upper = 1.0, "
            f"factor_change_is_significant = false, factor_items_changed = true, "
            f"factor_name_sv = 'Digitalisering i den strategiska planeringen' {where}")
        factors = con.execute(f"select count(*) from maturity_by_factor {where}").fetchone()[0]
    result = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    pdf = next(p for p in result["pdf"] if p.name.startswith("0604_"))
    pages = [(page.extract_text() or "").splitlines() for page in PdfReader(str(pdf)).pages]
    lines = [line for page in pages for line in page]
    assert factors > 0
    assert len([x for x in lines if "+5,6 (1,7–9,5)," in x]) == 6  # one per category
    figures = [x for x in lines if "−10,5 (−22,1 till 1,0)," in x]
    assert len(figures) == factors
    assert not [x for x in figures if "inom" in x]  # the verdict on its own line, whole
    assert len([x for x in lines if "inom osäkerheten *" in x]) == factors
    heading = next(i for i, page in enumerate(pages)
                   if any("Faktorer 2025: index och förändring" in x for x in page))
    assert any("−10,5 (−22,1 till 1,0)," in x for x in pages[heading])
    footer = f"Sida {len(pages)} av {len(pages)}"
    assert any(footer in x for x in pages[-1])


def test_above_county_scale_no_organisation_pdfs_and_pdf_on_request(tiny_snapshot, tmp_path,
                                                                     monkeypatch):
    """Above the county scale (lowered to 1 for the tiny snapshot's two organisations) the
    publication writes pages, decks and the county report but no organisation PDF; the page
    and the county report say the PDF is made on request, and ``mognad pdf`` makes it from
    the published snapshot into the folder named, with the snapshot's threshold (3, from its
    manifest's settings) — the snapshot itself is left as it was."""
    import json

    from click.testing import CliRunner
    from tiny_build import copy_snapshot

    from pipelines.cli import main
    from pipelines.reports import build_reports

    data_root = tmp_path / "data"
    snapshot = copy_snapshot(tiny_snapshot, data_root / "published" / tiny_snapshot.name)
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    manifest["settings"] = {"min_cell_respondents": 3}
    (snapshot / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = build_reports(snapshot, min_cell_respondents=3, county_scale=1)
    reports = snapshot / "reports"
    assert result["pdf"] == [reports / "lansrapport.pdf"]
    assert not (reports / "pdf").exists()
    assert [p.name for p in result["reports"]] == ["index.html", "0604.html", "0617.html"]
    assert len(result["slides"]) == 2 and all(p.is_file() for p in result["slides"])
    record = json.loads((reports / "build_record.json").read_text(encoding="utf-8"))
    assert record["organisations"]["0604"]["files"] == [
        "reports/kommun/0604.html", "slides/0604_aneby.pptx"]
    page = (reports / "kommun" / "0604.html").read_text(encoding="utf-8")
    assert "Rapporten som PDF, med sidnummer, tas fram på begäran." in page
    assert "pdf/0604" not in page
    county = "\n".join(pages_text(reports / "lansrapport.pdf"))
    assert "Rapporten omfattar 2 organisationer." in county
    assert "tas fram på begäran (kommandot mognad pdf följt av organisationskoden)" in county
    assert "Aneby kommun: digital mognad 2025" not in county  # no section per organisation

    before = sorted(p.relative_to(snapshot) for p in snapshot.rglob("*"))
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(data_root))
    out = tmp_path / "på begäran"
    run = CliRunner().invoke(main, ["pdf", "0604", "--snapshot", str(snapshot), "--out", str(out)])
    assert run.exit_code == 0, run.output
    written = out / "0604_aneby.pdf"
    assert run.output.strip() == str(written.resolve())
    pages = pages_text(written)
    assert pages[0].startswith("Aneby kommun: digital mognad 2025")
    assert "Digital mognad 75,0" in pages[0]  # 3 respondents: shown at the threshold 3
    assert f"Sida {len(pages)} av {len(pages)}" in pages[-1] and len(pages) > 1
    assert tiny_snapshot.name in "\n".join(pages)  # the footer names the snapshot
    assert sorted(p.relative_to(snapshot) for p in snapshot.rglob("*")) == before

    inside = CliRunner().invoke(main, ["pdf", "0604", "--snapshot", str(snapshot),
                                       "--out", str(snapshot / "reports" / "pdf")])
    assert inside.exit_code == 2 and "published snapshots are never changed" in inside.output
    unknown = CliRunner().invoke(main, ["pdf", "9999", "--snapshot", str(snapshot),
                                        "--out", str(out)])
    assert unknown.exit_code == 1
    assert "No organisation with results has the code '9999'" in unknown.output
    assert sorted(p.name for p in out.iterdir()) == ["0604_aneby.pdf"]


def test_above_county_scale_the_overview_names_the_workbook_instead_of_a_row_per_organisation(
        tiny_snapshot, tmp_path):
    """Above the county scale (lowered to 1 for the tiny snapshot's two organisations) the
    county report's overview has no table of one row per organisation: no organisation's
    name, no per-organisation table's caption; each of the three tables' place says where
    the values are (the workbook's sheet, named as the dbt docs label maturity_by_organisation,
    and the HTML overview), and the response rates are summarised per year, their counts
    those DuckDB counts in the snapshot. The HTML overview keeps its tables."""
    import duckdb
    from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot

    from pipelines.reports import build_reports

    snapshot = copy_snapshot(tiny_snapshot, tmp_path / tiny_snapshot.name)
    build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS, county_scale=1)
    county = "\n".join(pages_text(snapshot / "reports" / "lansrapport.pdf"))
    with duckdb.connect(str(snapshot / "mognad.duckdb"), read_only=True) as con:
        names = [n for (n,) in con.execute(
            "select organisation_name from organisations where organisation_code in"
            " (select organisation_code from maturity_by_organisation)").fetchall()]
        rates = con.execute(
            "select survey_year, count(response_rate), count(*) filter (where response_rate < 0.5),"
            " count(*) - count(response_rate) from maturity_by_organisation group by 1 order by 1"
        ).fetchall()
    assert sorted(names) == sorted(["Aneby kommun", HOSTILE_NAME])
    for name in names:
        assert name not in county
    for caption in ("Resultat 2025", "Svarsfrekvens per år", "Sidor per organisation",
                    "Förändring: förändringen i digital mognad sedan organisationens"):
        assert caption not in county
    sheet = "i arbetsboken tabeller.xlsx (bladet ”Mognad per organisation”"
    assert county.count(sheet) == 3
    assert county.count("på översiktssidan index.html bredvid den här filen") == 4  # + exchange
    assert "bladet ”Mognad per organisation”, kolumnen Svarsfrekvens)" in county
    assert "resultat och utveckling över åren." in county  # the cover: no page per organisation
    assert "Organisationernas svarsfrekvens per år" in county
    for year, known, below, unknown in rates:
        row = re.search(rf"{year} \((?:preliminär|granskad)\) {known} (\S+ %|\.\.) (\S+ %|\.\.) "
                        rf"(\S+ %|\.\.) {below} {unknown}", county)
        assert row, (year, known, below, unknown)
    page = (snapshot / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Svarsfrekvens per år</caption>" in page and "Aneby kommun" in page


def test_the_response_rates_spread_by_hand():
    """Four known rates 30, 45, 55 and 80 % and one unknown: median (45 + 55) / 2 = 50 %;
    the quartiles interpolated at positions 0.75 and 2.25 of the sorted rates, 30 + 0.75 ×
    15 = 41.25 % and 55 + 0.25 × 25 = 61.25 %; two below 50 %. One rate is its own median
    and quartiles; none known leaves them "–"."""
    from pipelines.reports.views import response_rate_spread

    nbsp = "\u00a0"
    assert response_rate_spread([0.55, None, 0.3, 0.8, 0.45], 0.5) == {
        "known": "4", "median": f"50{nbsp}%", "lower": f"41{nbsp}%", "upper": f"61{nbsp}%",
        "below": "2", "unknown": "1"}
    assert response_rate_spread([0.5], 0.5) == {
        "known": "1", "median": f"50{nbsp}%", "lower": f"50{nbsp}%", "upper": f"50{nbsp}%",
        "below": "0", "unknown": "0"}
    assert response_rate_spread([None, None], 0.5) == {
        "known": "0", "median": "–", "lower": "–", "upper": "–", "below": "0", "unknown": "2"}


def test_organisation_pdf_has_its_position_and_type_on_its_first_page(tiny_built):
    """On A4 the position chart stands beside its type (the two side by side, as the radar
    beside the strengths and weaknesses): one above the other they did not fit under the key
    figures, and page 1 was left half empty with the section on page 2."""
    snapshot, _ = tiny_built
    pdf = snapshot / "reports" / "pdf" / "0604_aneby.pdf"
    first = " ".join((PdfReader(str(pdf)).pages[0].extract_text() or "").split())
    assert first.startswith("Aneby kommun: digital mognad 2025")
    assert "Position och typ" in first and "Digital förmåga (0–100)" in first
    assert "Typ " in first.split("Position och typ", 1)[1]  # the type's box, beside its chart


def test_each_section_of_the_county_report_is_its_organisations_own_pages(tiny_built):
    """Each organisation's section is laid out once: the county report's pages of the
    section are its own PDF's pages before its notes ("Att läsa siffrorna", which start a
    page there), word for word, only the footers differ. The contents' entries link to the
    page they name, and the outline has each organisation's heading on its first page."""
    snapshot, _ = tiny_built
    reports = snapshot / "reports"
    county = PdfReader(str(reports / "lansrapport.pdf"))
    county_pages = pages_text(reports / "lansrapport.pdf")
    total = len(county_pages)
    running = "Digital mognad i länet 2025 – länsrapport"
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(county.pages)}
    links = {}
    for annotation in county.pages[1].get("/Annots", []):
        annotation = annotation.get_object()
        top = annotation["/Rect"][3]
        links[top] = page_index[annotation["/Dest"][0].idnum]
    contents = [int(n) for n in re.findall(r"\.+ ?(\d+)", county_pages[1])]
    # one link per entry, from the top down, each to the page the entry names
    assert [links[top] + 1 for top in sorted(links, reverse=True)] == contents
    # the contents: the overview's sections under it, the organisations under their heading
    toc = county_pages[1]
    assert re.search(r"Länsöversikt[ .]*\d+ Att läsa siffrorna[ .]*\d+ Begrepp[ .]*\d+", toc)
    assert re.search(r"Svarsfrekvens[ .]*\d+ .*Organisationerna Aneby kommun", toc)
    # a heading's year status is in brackets in the contents, not the badge's word run on
    assert re.search(r"Digital mognad per organisation 2025 \((preliminär|granskad)\)[ .]*\d+",
                     toc), toc
    assert not re.search(r"\d{4} (preliminär|granskad)", toc), toc
    concepts = int(re.search(r"Begrepp[ .]*(\d+)", toc).group(1))
    assert "Begrepp" in county_pages[concepts - 1] and "kunskapslucka" in "".join(
        county_pages[concepts - 1:concepts + 1])
    outline = {item.title: county.get_destination_page_number(item)
               for item in county.outline if not isinstance(item, list)}
    for name, year, file in (("Aneby kommun", 2025, "0604_aneby.pdf"),
                             (HOSTILE_NAME, 2024, "0617_hyperlink-http-x-invalid-klicka.pdf")):
        own = pages_text(reports / "pdf" / file)
        notes = next(i for i, text in enumerate(own) if text.startswith("Att läsa siffrorna"))
        start = next(i for i, text in enumerate(county_pages)
                     if text.startswith(f"{name}: digital mognad {year}"))
        title = f"{name} – digital mognad {year}"
        assert [text.removesuffix(f" {running} Sida {start + 1 + i} av {total}")
                for i, text in enumerate(county_pages[start:start + notes])] == [
            text.removesuffix(f" {title} Sida {i + 1} av {len(own)}")
            for i, text in enumerate(own[:notes])], name
        assert all(text.endswith(f"{title} Sida {i + 1} av {len(own)}")
                   for i, text in enumerate(own)), name
        # the county report leaves the notes out (they are in its overview once)
        assert not any(text.startswith("Att läsa siffrorna")
                       for text in county_pages[start:start + notes + 1]), name
        heading = next(t for t in outline if t.startswith(f"{name}: digital mognad {year}"))
        assert outline[heading] == start, name
        assert PdfReader(str(reports / "pdf" / file)).metadata.title == title


def _laid_out_pages(body: str) -> list[str]:
    """``body`` laid out on A4 as the PDFs are (``pdf.lay_out``, the reports' stylesheet),
    each page's text with runs of white space as one space."""
    import io

    from pipelines.reports import concepts
    from pipelines.reports.pdf import lay_out
    from pipelines.reports.render import template_environment

    env = template_environment(concepts=concepts)
    html = env.from_string(
        '{% from "macros.html.j2" import concepts_section %}<html class="report"><body>'
        + body + "</body></html>").render()
    return [" ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(lay_out(env, html).pdf)).pages]


def test_a_concept_is_never_left_at_a_page_foot_without_its_meaning():
    """The concepts ("Begrepp") after blocks of 150–234 mm, so that each term in turn comes
    to the foot of the first page (without the rule, "Digital mognad" after 198 mm, "IT"
    after 222 mm, "Digitalisering" after 234 mm stood alone there, their text on the next
    page): every term is on the page of its meaning's first words."""
    from pipelines.reports import concepts

    for height in range(150, 246, 12):
        pages = _laid_out_pages(f'<div style="height:{height}mm"></div>'
                                "{{ concepts_section() }}")
        for concept in (*concepts.TERMS_SV, *concepts.DIMENSIONS_SV):
            start = " ".join(f"{concept.term} {concept.meaning}".split()[:4])
            assert any(start in page for page in pages), (height, concept.term)


def _table(rows: int) -> str:
    body = "".join(f'<tr><td>Organisation {i}</td><td class="num">{i},5</td></tr>'
                   for i in range(1, rows + 1))
    return ('<div class="table-scroll"><table><caption>Resultat</caption><thead><tr>'
            '<th>Organisation</th><th class="num">Värde</th></tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def test_a_long_table_starts_under_the_block_before_it_and_breaks_between_rows():
    """A table of 40 rows after a block of 150 mm (a chart) starts on the chart's page, not
    on the next one with the rest of the chart's page left empty; it breaks between rows,
    each row on one page, and the next page repeats its header. A table of 7 rows stays
    whole: it goes to the next page when the rest of the page holds only some of it."""
    pages = _laid_out_pages('<div style="height:150mm"></div>' + _table(40))
    assert len(pages) == 2
    assert "Resultat Organisation Värde Organisation 1 1,5" in pages[0]
    assert pages[1].startswith("Organisation Värde Organisation ")  # the header again
    for i in range(1, 41):
        row = re.compile(rf"Organisation {i} {i},5\b")
        assert [bool(row.search(page)) for page in pages].count(True) == 1, i
    assert re.search(r"Organisation 40 40,5", pages[1])
    pages = _laid_out_pages('<div style="height:235mm"></div>' + _table(7))
    assert len(pages) == 2 and "Resultat" not in pages[0]
    assert all(f"Organisation {i} {i},5" in pages[1] for i in range(1, 8))


def test_a_missing_change_is_explained_under_the_county_table_not_in_its_cell(tiny_built):
    """Aneby's 2025 has no change: its 2024 was hidden (fewer than 3 answers in a category). In the
    county report's "Resultat 2025" the cell shows only "..", and the reason is said once
    under the table, with the organisation's name, as the category table says its own
    (macros.change_gap_note); the column no longer wraps the reason over lines."""
    snapshot, _ = tiny_built
    text = " ".join(pages_text(snapshot / "reports" / "lansrapport.pdf"))
    table = text[text.index("Resultat 2025"):]
    note = "Förändringen saknas (..) för Aneby kommun – 2024: färre än 3 svar i en kategori."
    assert note in table
    assert "2024: färre än 3 svar" not in table[:table.index(note)]  # the cell: ".." alone


def test_the_county_tables_change_column_has_a_one_word_header_and_its_meaning_below(tiny_built):
    """The county report's "Resultat" table heads its last column "Förändring" (the long
    "Förändring sedan föregående mätning" wrapped over four lines in a narrow column); what
    the change is, is said once under the table, in the PDF and on the HTML page (one
    template)."""
    snapshot, _ = tiny_built
    text = " ".join(pages_text(snapshot / "reports" / "lansrapport.pdf"))
    table = text[text.index("Resultat 2025"):]
    header = table[table.index("Svarsfrekvens"):table.index("Aneby kommun")]
    assert header == "Svarsfrekvens Förändring "
    meaning = ("Förändring: förändringen i digital mognad sedan organisationens föregående "
               "mätning, i indexpoäng; ”säkerställd” när 95 % konfidensintervallet för "
               "förändringen inte omfattar noll.")
    assert meaning in table
    page = " ".join((snapshot / "reports" / "index.html").read_text(encoding="utf-8").split())
    assert meaning in page and "Förändring sedan föregående mätning" not in page


def _table_laid_out(columns, rows, table_class: str | None = None) -> bytes:
    """A one-table page printed on A4 by the reports' own layout (``pdf.lay_out``): a
    paragraph "Resultat", then a table headed "Organisation" and ``columns`` (numeric
    headers), with ``rows`` (``<tr>`` markup; a ``{{ m(change, None) }}`` in a row is the
    reports' change cell for "+1,7", version changed, "inte säkerställd")."""
    from pipelines.reports import concepts
    from pipelines.reports.pdf import lay_out
    from pipelines.reports.render import template_environment

    env = template_environment(concepts=concepts)
    head = "".join(f'<th class="num">{h}</th>' for h in columns)
    table = f'<table class="{table_class}">' if table_class else "<table>"
    html = env.from_string(
        '{% from "macros.html.j2" import maturity_change_cell as m %}'
        '<html class="report"><body><p>Resultat</p><div class="table-scroll">'
        f'{table}<thead><tr><th>Organisation</th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></body></html>').render(
            change={"text": "+1,7", "version_changed": True, "verdict": "inte säkerställd"})
    return lay_out(env, html).pdf


def _within_text_width(pdf: bytes) -> bool:
    """Whether no word of ``pdf``'s words (pdftotext -bbox) ends further right than the page's
    width less the left margin, where the paragraph "Resultat" starts."""
    import io
    import subprocess

    bbox = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    words = re.findall(r'<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"[^>]*>([^<]*)<',
                       bbox)
    left = next(float(x0) for x0, _, word in words if word == "Resultat")
    width = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    return max(float(x1) for _, x1, _ in words) <= width - left


def test_a_changes_verdict_stays_on_one_line_in_a_narrow_print_column():
    """On A4 a change's verdict "(inte säkerställd)" keeps its two words together under the
    value (the county table's nine columns left its change column so narrow that the
    verdict took two lines); the table still fits the text's width (no word ends further
    right than the page's width less the left margin, where a paragraph starts)."""
    import io

    pdf = _table_laid_out(
        ("Digital mognad", "95 % konfidensintervall", "Digital förmåga", "Digitalt arv",
         "Svarande", "Svarsfrekvens", "Förändring"),
        ['<tr><td>Region Jönköpings län</td><td class="num">41,5</td>'
         '<td class="num">40,0–43,1</td><td class="num">44,6</td><td class="num">38,5</td>'
         '<td class="num">135</td><td class="num">72 %</td>{{ m(change, None) }}</tr>'] * 3)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert [line.strip() for line in text.splitlines()].count("(inte säkerställd)") == 3
    assert _within_text_width(pdf)


def test_the_county_tables_names_stay_on_one_line_within_the_page(tiny_built):
    """In the county report's "Resultat 2025" every organisation's name is on one line
    (the sample's PDF had "Aneby" and "kommun" on two, doubling the row), and the table
    still fits the text's width: no word ends right of the page's width less the left
    margin (where the heading starts), measured with pdftotext -bbox."""
    import subprocess

    snapshot, _ = tiny_built
    pdf = snapshot / "reports" / "lansrapport.pdf"
    reader = PdfReader(str(pdf))
    number = next(i for i, page in enumerate(reader.pages)
                  if "Resultat 2025" in (page.extract_text() or ""))
    lines = [line.strip() for line in reader.pages[number].extract_text().splitlines()]
    assert any(line.startswith("Aneby kommun ") for line in lines)
    assert "kommun" not in lines and "län" not in lines
    bbox = subprocess.run(["pdftotext", "-f", str(number + 1), "-l", str(number + 1), "-bbox",
                           str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    words = re.findall(r'<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"[^>]*>([^<]*)<',
                       bbox)
    left = min(float(x0) for x0, _, _ in words)
    width = float(reader.pages[number].mediabox.width)
    # 0.1 pt: the page number's last digit, set flush right, ends 0.007 pt past the margin
    assert max(float(x1) for _, x1, _ in words) <= width - left + 0.1


def test_the_results_tables_name_column_fits_a_county_name_and_wraps_a_longer_one():
    """The overview's results table (class "results", nine columns) on A4: the sample's
    longest names ("Jönköpings kommun", "Region Jönköpings län") each on one line of their
    row, a longer one (the hostile name of the tests) wrapped rather than widening the table
    past the text's width (measured with pdftotext -bbox as above)."""
    import io

    names = ["Aneby kommun", "Jönköpings kommun", "Region Jönköpings län",
             "&lt;script&gt;alert(1)&lt;/script&gt; kommun"]
    pdf = _table_laid_out(
        ("Digital mognad", "95 % konfidensintervall", "Digital förmåga", "Digitalt arv", "Typ",
         "Svarande", "Svarsfrekvens", "Förändring"),
        [f'<tr><td><span class="org-name">{name}</span></td><td class="num">41,5</td>'
         '<td class="num">40,0–43,1</td><td class="num">44,6</td><td class="num">38,5</td>'
         '<td>C</td><td class="num">135</td><td class="num">72 %</td>{{ m(change, None) }}</tr>'
         for name in names],
        table_class="results")
    lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    for name in names[:3]:
        assert any(line.startswith(name + " 41,5") for line in lines), name
    assert not any(line.startswith("<script>alert(1)</script> kommun 41,5") for line in lines)
    assert _within_text_width(pdf)
