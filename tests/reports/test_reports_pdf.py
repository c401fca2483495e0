"""The county report and the organisations' reports as PDF, read back with pypdf, from the
tiny snapshot of a real dbt build (numbers worked out in tests/reports/test_reports_html.py:
Aneby 2025 every index 75,0, interval 12,9–100,0; Gnosjö 2024, 2 respondents, hidden)."""

from __future__ import annotations

import re

from pypdf import PdfReader
from tiny_build import HOSTILE_NAME


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
    assert "preliminära" in pages[0]
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
