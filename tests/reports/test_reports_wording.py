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
    page = template_environment().get_template("actions_overview.html.j2").render(v=view)
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


def test_the_change_cell_shows_the_symbol_with_its_reason():
    env = template_environment()
    macro = env.from_string('{% from "macros.html.j2" import maturity_change_cell as m %}'
                            "{{ m(None, gap) }}|{{ m(change, None) }}")
    out = macro.render(gap="2019: ej publicerat (för låg svarsfrekvens)",
                       change={"text": "+1,4", "version_changed": True, "verdict": "inte säkerställd"})
    gap, change = visible_text(out).split("|")
    assert gap.strip() == ".. 2019: ej publicerat (för låg svarsfrekvens)"
    assert change.strip() == "+1,4* (inte säkerställd)"


def test_pages_that_show_the_symbol_explain_it(tiny_built):
    snapshot, _ = tiny_built
    for page in ("index.html", "kommun/0604.html", "kommun/0617.html"):
        text = visible_text(read(snapshot / "reports" / page))
        assert "Teckenförklaring: .. uppgiften saknas eller visas inte." in text, page
        assert "”färre än 3 svar” (inget resultat publiceras för färre än 3 svarande)" in text, page
