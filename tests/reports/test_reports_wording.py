"""Wording a newcomer read in the reports as published: counts in sentences (no bare "0
organisationer har …"), and the reason beside every ".." a page shows."""

from __future__ import annotations

from pypdf import PdfReader
from test_reports_html import read, visible_text

from pipelines.reports.data import COUNTY_POPULATION
from pipelines.reports.render import template_environment


def _exchange_sentence(organisations: int, actions: int) -> str:
    view = {
        "place": COUNTY_POPULATION,
        "exchange": {"year": 2020, "organisations_with_actions": organisations,
                     "total_actions": actions, "statuses": [], "categories": []},
    }  # fmt: skip
    page = template_environment().get_template("actions_overview.html.j2").render(
        v=view, elsewhere=None)
    text = visible_text(page)
    return text[text.index("erfarenhetsutbyte") + len("erfarenhetsutbyte "):text.index(" Tabellen")]


def test_the_exchange_sentence_counts_in_swedish():
    assert _exchange_sentence(0, 0) == (
        "Inga organisationer har ännu registrerat beslutade åtgärder som svarar på mätningar "
        "till och med 2020.")
    assert _exchange_sentence(1, 1) == (
        "1 organisation har registrerat sammanlagt 1 beslutad åtgärd som svarar på mätningar "
        "till och med 2020.")
    assert _exchange_sentence(3, 7) == (
        "3 organisationer har registrerat sammanlagt 7 beslutade åtgärder som svarar på "
        "mätningar till och med 2020.")


def test_no_organisation_with_actions_reads_inga_in_page_and_pdf(tiny_built):
    """The tiny snapshot has no decided actions: the overview and the county report PDF say
    "Inga organisationer har ännu registrerat …", never "0 organisationer"."""
    snapshot, _ = tiny_built
    page = visible_text(read(snapshot / "reports" / "index.html"))
    reader = PdfReader(str(snapshot / "reports" / "lansrapport.pdf"))
    pdf = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for text in (page, pdf):
        assert "Inga organisationer har ännu registrerat beslutade åtgärder" in text
        assert "0 organisationer har" not in text and "sammanlagt 0" not in text


def _org_row(year, previous=None, change=None, **extra):
    return {"organisation_code": "0642", "survey_year": year, "previous_survey_year": previous,
            "maturity_index_change": change, **extra}  # fmt: skip


def test_a_missing_change_says_why():
    """Mullsjö as in the sample: 2018 its first measurement, 2019 withheld by the council's
    response-rate check (21 % of 94 invited), 2020 published but without a change because
    2019 is not; Aneby 2020 hidden for too few respondents; Habo 2020 with a change."""
    from types import SimpleNamespace

    from pipelines.reports.views import change_gap_text

    withheld = {"results_withheld": True, "maturity_index_suppressed": True,
                "suppression_reason": "results withheld",
                "withheld_reason": "withheld by the quality checks: response_rate: 0.21 < 0.3"}
    rows = {2018: _org_row(2018), 2019: _org_row(2019, 2018, **withheld),
            2020: _org_row(2020, 2019)}  # fmt: skip
    data = SimpleNamespace(org_years={"0642": rows}, min_cell_respondents=5)
    assert change_gap_text(data, rows[2018]) == "ingen tidigare mätning"
    assert change_gap_text(data, rows[2019]) == "ej publicerat (för låg svarsfrekvens)"
    assert change_gap_text(data, rows[2020]) == "2019: ej publicerat (för låg svarsfrekvens)"
    few = _org_row(2020, 2019, is_suppressed=True, suppression_reason="fewer than 5 respondents")
    assert change_gap_text(data, few) == "färre än 5 svar"
    assert change_gap_text(data, _org_row(2020, 2019, change=1.0)) is None
    assert change_gap_text(data, None) is None


def test_results_published_by_the_councils_decision_say_so():
    """Mullsjö 2019 overruled by the council: its results are published with a note naming
    the failed check and the council's reason; no note without an overrule."""
    from pipelines.reports.views import council_decision_text

    row = {"published_by_council_decision": True, "quality_warnings": "response_rate",
           "council_decision_reason": "Bortfallet bedöms slumpmässigt."}  # fmt: skip
    assert council_decision_text(row) == (
        "Resultaten klarade inte rådets kvalitetskontroll (för låg svarsfrekvens) men "
        "publiceras genom digitaliseringsrådets beslut när mätningen granskades. Rådets skäl: "
        "Bortfallet bedöms slumpmässigt."
    )
    assert council_decision_text({**row, "published_by_council_decision": False}) is None


def test_a_change_resting_on_the_councils_decision_says_so():
    """Mullsjö as in the sample, 2019 withheld by its response rate but published by the
    council's overrule: 2020's change from 2019 rests on it (the mart's
    change_includes_council_decision), so the change says so and names 2019, in the note of
    the organisation's page and the key-figure slide and in the change cell of the tables;
    a change without the mark, or no change, has no note."""
    from types import SimpleNamespace

    from pipelines.reports.views import _change

    rows = {
        2019: _org_row(2019, 2018, 2.0, published_by_council_decision=True,
                       change_includes_council_decision=True),
        2020: _org_row(2020, 2019, 1.5, published_by_council_decision=False,
                       change_includes_council_decision=True),
    }  # fmt: skip
    data = SimpleNamespace(org_years={"0642": rows}, item_texts={})
    note = "Förändringen bygger på resultat som publicerades genom rådets beslut (2019)."
    assert _change(rows[2020], data)["council_decision"] == note
    assert _change(rows[2020], data)["council_decision_years"] == [2019]
    # 2019's own change (from 2018) rests on 2019 itself
    assert _change(rows[2019], data)["council_decision_years"] == [2019]
    plain = {**rows[2020], "change_includes_council_decision": False}
    assert _change(plain, data)["council_decision"] is None
    assert _change(plain, data)["council_decision_years"] == []
    macro = template_environment().from_string(
        '{% from "macros.html.j2" import maturity_change_cell as m %}{{ m(change, None) }}')
    cell = visible_text(macro.render(change=_change(rows[2020], data))).strip()
    assert cell == "+1,5 (genom rådets beslut 2019)"
    assert visible_text(macro.render(change=_change(plain, data))).strip() == "+1,5"


def test_the_change_cell_shows_the_symbol_with_its_reason():
    env = template_environment()
    macro = env.from_string('{% from "macros.html.j2" import maturity_change_cell as m %}'
                            "{{ m(None, gap) }}|{{ m(change, None) }}")
    out = macro.render(gap="2019: ej publicerat (för låg svarsfrekvens)",
                       change={"text": "+1,4", "version_changed": True, "verdict": "inte säkerställd"})
    gap, change = visible_text(out).split("|")
    assert gap.strip() == ".. 2019: ej publicerat (för låg svarsfrekvens)"
    assert change.strip() == "+1,4* (inte säkerställd)"


def test_missing_changes_are_said_once_under_the_table_per_reason():
    """One sentence per reason, naming its organisations in the table's order ("X, Y och Z");
    a row with a change, or missing one for no reason the data gives, is not named."""
    env = template_environment()
    macro = env.from_string('{% from "macros.html.j2" import change_gaps_note as m %}{{ m(rows) }}')

    def row(name, gap, change=None):
        return {"org": {"organisation_name": name}, "change": change, "change_gap": gap}

    rows = [row("Habo kommun", "ingen tidigare mätning"),
            row("Mullsjö kommun", "2019: ej publicerat (för låg svarsfrekvens)"),
            row("Aneby kommun", None, {"text": "+1,4"}), row("Eksjö kommun", None),
            row("Tranås kommun", "ingen tidigare mätning"),
            row("Sävsjö kommun", "ingen tidigare mätning")]
    assert visible_text(macro.render(rows=rows)).strip() == (
        "Förändringen saknas (..) för Mullsjö kommun – 2019: ej publicerat (för låg "
        "svarsfrekvens). Förändringen saknas (..) för Habo kommun, Tranås kommun och Sävsjö "
        "kommun – ingen tidigare mätning.")
    assert visible_text(macro.render(rows=rows[2:4])).strip() == ""


def test_pages_that_show_the_symbol_explain_it(tiny_built):
    snapshot, _ = tiny_built
    for page in ("index.html", "kommun/0604.html", "kommun/0617.html"):
        text = visible_text(read(snapshot / "reports" / page))
        assert "Teckenförklaring: .. uppgiften saknas eller visas inte." in text, page
        assert "”färre än 3 svar” (inget resultat publiceras för färre än 3 svarande)" in text, page


def test_the_trend_key_names_what_is_drawn():
    from pipelines.reports.slides import trend_key

    # Mullsjö in the sample: 2019 withheld, so 2018 and 2020 are two points without a line
    assert trend_key({"values": [52.0, None, 56.4]}) == "Blå punkter"
    assert trend_key({"values": [None, 75.0]}) == "Blå punkter"
    assert trend_key({"values": [44.0, 50.1, None]}) == "Blå linje"


def test_the_deck_says_what_its_charts_draw_and_compares_as_the_page(tiny_built):
    """Aneby in the tiny snapshot: 2024 hidden, 2025 (preliminary) 75,0: one point, no line;
    its categories are compared with the county's mean (no other municipality has a 2025
    result), under the same name in the deck as on the page."""
    from pptx import Presentation

    snapshot, _ = tiny_built
    slides = {s.shapes.title.text: s for s in
              Presentation(str(snapshot / "slides" / "0604_aneby.pptx")).slides}
    trend = slides["Utveckling över åren"]
    text = "\n".join(sh.text_frame.text for sh in trend.shapes if sh.has_text_frame)
    assert "Blå punkter: Aneby." in text and "Blå linje" not in text
    notes = trend.notes_slide.notes_text_frame.text
    assert notes.startswith("De blå punkterna visar digital mognad per år, med en linje mellan "
                            "år i följd;")
    plot = next(sh for sh in trend.shapes if sh.has_chart).chart.plots[0]
    names = [s.name for s in plot.series]
    # 2025 is preliminary: its hollow marker is a series of its own, drawn by LibreOffice too
    assert "Preliminära år: 2025 (ofyllda blå punkter);" in text
    assert names[4] == "Preliminärt" and plot.series[4].values == (None, 75.0)
    radar = next(sh for sh in slides["Kategorierna jämfört med länet"].shapes if sh.has_chart)
    comparison = radar.chart.plots[0].series[1].name
    page = read(snapshot / "reports" / "kommun" / "0604.html")
    assert comparison == "Länets medelvärde"
    assert f"{comparison}</text>" in page  # the page's spider chart's key


def test_the_deck_names_a_signed_off_year_in_the_pages_word(tiny_built):
    """Gnosjö's page and deck show 2024, signed off in the tiny snapshot: the page's badge
    says "granskad", and the deck's key figures say the same word of the same year (both
    SnapshotData.year_mark), not only leave the year out of the preliminary ones."""
    import re

    from pptx import Presentation

    snapshot, _ = tiny_built
    page = read(snapshot / "reports" / "kommun" / "0617.html")
    mark = re.search(r'2024 <span class="badge reviewed">([^<]+)</span></h1>', page).group(1)
    assert mark == "granskad"
    key = next(s for s in Presentation(str(snapshot / "slides" /
                                           "0617_hyperlink-http-x-invalid-klicka.pptx")).slides
               if s.shapes.title.text == "Nyckeltal")
    text = "\n".join(sh.text_frame.text for sh in key.shapes if sh.has_text_frame)
    assert f"Mätningen 2024 är {mark}." in text


def test_an_organisation_without_actions_is_told_where_its_template_is():
    """At county scale the snapshot carries the handlingsplan templates (folder
    ``handlingsplan/``); above it they are made on request, and the page says how, as it
    says for the PDF."""
    view = {"taken_care_of": {"recommendations": [], "has_register": True, "actions": []}}
    template = template_environment().get_template("actions_organisation.html.j2")
    for on_request, said in (
        # words a reader of a printout can act on, not a path in the snapshot
        (False, "Handlingsplanens mall är en Excelfil som publiceras med resultaten (mappen "
                "handlingsplan ); be digitaliseringsrådet om den om ni inte har fått den."),
        (True, "Handlingsplanens mall tas fram på begäran (kommandot mognad handlingsplan "
               "följt av organisationskoden)."),
    ):
        # visible_text puts a blank around the text of an element (the folder's <code>)
        text = visible_text(template.render(v=view, template_on_request=on_request)).strip()
        assert text == ("Beslutade åtgärder och uppföljning Inga beslutade åtgärder har "
                        f"registrerats för organisationen. {said}")
