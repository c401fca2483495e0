"""The slide decks, opened with python-pptx (see report_snapshot.py for the numbers)."""

from __future__ import annotations

from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
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
    # Aneby has target-group and department rows, so both group slides are there: 8 slides
    assert titles(prs) == [
        "Digital mognad 2020 (preliminär)",
        "Nyckeltal",
        "Position och typ",
        "Kategorierna jämfört med länet",
        "Utveckling över åren",
        "Resultat per målgrupp 2020",
        "Resultat per förvaltning 2020",
        "Att läsa resultaten",
    ]
    slides = list(prs.slides)
    assert "Aneby kommun" in all_text(slides[0])
    key = all_text(slides[1])
    assert "Digital mognad: 52,3" in key and "47,0–57,6" in key
    assert "Svarsfrekvens: 75" + NBSP + "%" in key
    assert "Förändring från föregående mätning: +3,0" in key
    # charts are pictures: quadrant, spider chart, trend
    assert [pictures(s) for s in slides] == [0, 0, 1, 1, 1, 0, 0, 0]
    assert "Typ C" in all_text(slides[2])
    sw = all_text(slides[3])
    assert (
        sw.index("Användare: 62,1")
        < sw.index("Relativa svagheter")
        < sw.index("Organisation: 40,2")
    )
    groups = all_text(slides[5])
    assert "Kommunledning" in groups and "färre än 5 svar" in groups and "55,5" in groups
    departments = all_text(slides[6])
    assert "Socialtjänst" in departments and "50,1" in departments and "44,4" not in departments
    assert "tävling" in all_text(slides[7])


def test_every_shape_fits_on_its_slide(built_snapshot):
    _, result = built_snapshot
    for path in result["slides"]:
        prs = Presentation(str(path))
        for number, slide in enumerate(prs.slides, start=1):
            for shape in slide.shapes:
                assert shape.left >= 0 and shape.top >= 0, (path.name, number, shape.name)
                assert shape.left + shape.width <= prs.slide_width, (path.name, number, shape.name)
                assert shape.top + shape.height <= prs.slide_height, (path.name, number, shape.name)


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


def test_shapes_do_not_overlap(built_snapshot):
    """Title, charts and text boxes each have their own area (python-pptx's default layouts
    are 4:3; the deck is 16:9, so placeholders must be positioned explicitly)."""
    _, result = built_snapshot
    for path in result["slides"]:
        prs = Presentation(str(path))
        for number, slide in enumerate(prs.slides, start=1):
            boxes = [
                (s.name, s.left, s.top, s.left + s.width, s.top + s.height) for s in slide.shapes
            ]
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    overlap = a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
                    assert not overlap, (path.name, number, a[0], b[0])


def test_deck_metadata_and_language(built_snapshot):
    snapshot, _ = built_snapshot
    prs = deck(snapshot, "0604_aneby.pptx")
    assert prs.core_properties.title == "Digital mognad 2020 – Aneby kommun"
    assert prs.core_properties.language == "sv-SE"
    runs = [
        run
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for para in shape.text_frame.paragraphs
        for run in para.runs
    ]
    assert runs and all(run.font.language_id == MSO_LANGUAGE_ID.SWEDISH for run in runs)


COMMON = ["Nyckeltal", "Position och typ", "Kategorierna jämfört med länet", "Utveckling över åren"]


def test_every_deck_has_its_slides_and_charts(built_snapshot):
    """Each deck's titles and charts, worked out from the fixture: Aneby has group tables;
    the hostile organisation has none; the region's 2020 is suppressed (3 respondents), so its
    spider chart is left out while the quadrant (other organisations) and trend remain."""
    snapshot, result = built_snapshot
    expected = {
        "0604_aneby.pptx": (
            [
                "Digital mognad 2020 (preliminär)",
                *COMMON,
                "Resultat per målgrupp 2020",
                "Resultat per förvaltning 2020",
                "Att läsa resultaten",
            ],
            [0, 0, 1, 1, 1, 0, 0, 0],
        ),
        "0617_hyperlink-http-x-invalid-klicka.pptx": (
            ["Digital mognad 2020 (preliminär)", *COMMON, "Att läsa resultaten"],
            [0, 0, 1, 1, 1, 0],
        ),
        "06_region-jonkopings-lan.pptx": (
            ["Digital mognad 2020 (preliminär)", *COMMON, "Att läsa resultaten"],
            [0, 0, 1, 0, 1, 0],
        ),
    }
    assert sorted(p.name for p in result["slides"]) == sorted(expected)
    for name, (want_titles, want_pictures) in expected.items():
        prs = deck(snapshot, name)
        assert len(prs.slides) == len(want_titles), name
        assert titles(prs) == want_titles, name
        assert [pictures(s) for s in prs.slides] == want_pictures, name
