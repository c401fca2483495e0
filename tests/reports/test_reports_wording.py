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
