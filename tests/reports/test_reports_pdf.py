"""The county report and the organisations' reports as PDF, read back with pypdf (numbers
from report_snapshot.py)."""

from __future__ import annotations

import re

from pypdf import PdfReader
from report_snapshot import HOSTILE_NAME


def pages_text(path) -> list[str]:
    """Each page's text with runs of white space as one space (headings may wrap)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


def test_pdf_files(built_snapshot):
    snapshot, result = built_snapshot
    reports = snapshot / "reports"
    assert result["pdf"] == [
        reports / "lansrapport.pdf",
        reports / "pdf" / "0604_aneby.pdf",
        reports / "pdf" / "0617_hyperlink-http-x-invalid-klicka.pdf",
        reports / "pdf" / "06_region-jonkopings-lan.pdf",
    ]


def test_county_report_cover_contents_and_page_numbers(built_snapshot):
    snapshot, _ = built_snapshot
    pages = pages_text(snapshot / "reports" / "lansrapport.pdf")
    total = len(pages)
    assert "Digital mognad i länet 2020" in pages[0]
    assert "preliminära" in pages[0]
    assert "Sida" not in pages[0]  # no footer on the cover
    assert "Innehåll" in pages[1]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Sida {number} av {total}" in text, number
    # each organisation's section starts on the page the table of contents names
    for name in ("Aneby kommun", HOSTILE_NAME, "Region Jönköpings län"):
        match = re.search(re.escape(name) + r"[ .…]*(\d+)", pages[1])
        assert match, name
        start = int(match.group(1))
        assert f"{name}: digital mognad 2020" in pages[start - 1], name
        assert f"{name}: digital mognad 2020" not in pages[start - 2], name
    text = "\n".join(pages)
    assert "Begrepp" in text and "kunskapslucka" in text
    assert text.count("Digital kompetens") == 1  # the concepts once, not per organisation
    assert "71,7" not in text  # the region's 2020 index from 3 respondents


def test_organisation_pdf(built_snapshot):
    snapshot, _ = built_snapshot
    pages = pages_text(snapshot / "reports" / "pdf" / "0604_aneby.pdf")
    text = "\n".join(pages)
    assert pages[0].startswith("Aneby kommun: digital mognad 2020")
    assert "52,3" in text and "47,0–57,6" in text
    assert "Att läsa siffrorna" in text and "Begrepp" in text and "Digital kompetens" in text
    assert f"Sida {len(pages)} av {len(pages)}" in pages[-1]
    hostile = "\n".join(pages_text(
        snapshot / "reports" / "pdf" / "0617_hyperlink-http-x-invalid-klicka.pdf"))
    assert HOSTILE_NAME in hostile  # shown as text, never interpreted
    region = "\n".join(pages_text(snapshot / "reports" / "pdf" / "06_region-jonkopings-lan.pdf"))
    assert "71,7" not in region and "färre än 5 svar" in region
