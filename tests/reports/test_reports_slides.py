"""The slide decks, opened with python-pptx (see report_snapshot.py for the numbers)."""

from __future__ import annotations

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from report_snapshot import HOSTILE_NAME

NBSP = "\u00a0"


def deck(snapshot, name):
    return Presentation(str(snapshot / "slides" / name))


def titles(prs) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]


def all_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def pictures(slide) -> int:
    return sum(1 for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE)


def test_aneby_deck(built_snapshot):
    snapshot, _ = built_snapshot
    prs = deck(snapshot, "0604_aneby.pptx")
    # Aneby has a target-group table, so the group slide is there: 7 slides
    assert titles(prs) == [
        "Digital mognad 2020 (preliminär)",
        "Nyckeltal",
        "Position och typ",
        "Kategorierna jämfört med länet",
        "Utveckling över åren",
        "Målgrupper och förvaltningar",
        "Att läsa resultaten",
    ]
    slides = list(prs.slides)
    assert "Aneby kommun" in all_text(slides[0])
    key = all_text(slides[1])
    assert "Digital mognad: 52,3" in key and "47,0–57,6" in key
    assert "Svarsfrekvens: 75" + NBSP + "%" in key
    assert "Förändring från föregående mätning: +3,0" in key
    # charts are pictures: quadrant, spider chart, trend
    assert [pictures(s) for s in slides] == [0, 0, 1, 1, 1, 0, 0]
    assert "Typ C" in all_text(slides[2])
    sw = all_text(slides[3])
    assert (
        sw.index("Användare: 62,1")
        < sw.index("Relativa svagheter")
        < sw.index("Organisation: 40,2")
    )
    groups = all_text(slides[5])
    assert "Kommunledning" in groups and "färre än 5 svar" in groups and "55,5" in groups
    assert "tävling" in all_text(slides[6])


def test_decks_without_groups_and_hostile_name(built_snapshot):
    snapshot, result = built_snapshot
    prs = deck(snapshot, "0617_hyperlink-http-x-invalid-klicka.pptx")
    assert len(prs.slides) == 6  # no target-group rows for this organisation
    first = list(prs.slides)[0]
    assert HOSTILE_NAME in all_text(first)  # kept as plain text
    key = all_text(list(prs.slides)[1])
    assert "Svarsfrekvens: okänd (antalet inbjudna är inte känt)" in key
    region = deck(snapshot, "06_region-jonkopings-lan.pptx")
    text = "\n".join(all_text(s) for s in region.slides)
    assert "färre än 5 svar" in text and "71,7" not in text
    assert len(result["slides"]) == 3
