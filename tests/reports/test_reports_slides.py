"""The slide decks, opened with python-pptx (see report_snapshot.py for the numbers)."""

from __future__ import annotations

from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt
from report_snapshot import HOSTILE_NAME

from pipelines.reports.slides import CHAR_WIDTH_EM, column_widths

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


ANEBY_TITLES = [
    "Aneby kommun – digital mognad 2020",
    "Nyckeltal",
    "Position och typ",
    "Kategorierna jämfört med länet",
    "Utveckling över åren",
    "Svarsfrekvens per målgrupp 2020",
    "”Vet ej” per målgrupp 2020",
    "Resultat per målgrupp 2020",
    "Resultat per förvaltning 2020",
    "Begrepp",
    "Att läsa resultaten",
]


def charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_aneby_deck(built_snapshot):
    snapshot, _ = built_snapshot
    prs = deck(snapshot, "0604_aneby.pptx")
    assert titles(prs) == ANEBY_TITLES
    slides = list(prs.slides)
    assert "preliminära resultat" in all_text(slides[0])
    key = all_text(slides[1])
    assert "52,3" in key and "47,0–57,6" in key
    assert "75" + NBSP + "%" in key
    assert "+3,0" in key
    assert "Typ C" in all_text(slides[2])
    sw = all_text(slides[3])
    assert (
        sw.index("Användare: 62,1")
        < sw.index("Relativa svagheter")
        < sw.index("Organisation: 40,2")
    )
    groups = all_text(slides[7])
    assert "Kommunledning" in groups and "färre än 5 svar" in groups and "55,5" in groups
    departments = all_text(slides[8])
    assert "Socialtjänst" in departments and "50,1" in departments and "44,4" not in departments
    assert "Digital kompetens" in all_text(slides[9]) and "kunskapslucka" in all_text(slides[9])
    assert "tävling" in all_text(slides[10])


def test_charts_are_native_and_carry_the_numbers(built_snapshot):
    """Charts are python-pptx charts (editable, their numbers in the chart's data), not
    pictures; the values are the fixture's (report_snapshot.py)."""
    snapshot, _ = built_snapshot
    slides = list(deck(snapshot, "0604_aneby.pptx").slides)
    assert all(pictures(s) == 0 for s in slides)
    kinds = [[c.chart_type for c in charts(s)] for s in slides]
    assert kinds == [
        [], [], [XL_CHART_TYPE.XY_SCATTER], [XL_CHART_TYPE.RADAR_MARKERS],
        [XL_CHART_TYPE.LINE_MARKERS], [XL_CHART_TYPE.BAR_CLUSTERED],
        [XL_CHART_TYPE.BAR_CLUSTERED], [], [], [], [],
    ]
    scatter = list(charts(slides[2])[0].plots[0].series)
    assert scatter[1].values == (49.6,)  # Aneby's legacy index, highlighted
    assert scatter[0].values == (58.0,)  # Gnosjö; the region's 2020 is suppressed
    radar = charts(slides[3])[0].plots[0]
    assert list(radar.categories) == [
        "Effektivitet", "Innovation", "Balansering", "Organisation", "Användare", "Teknik"]
    assert radar.series[0].values == (58.0, 47.5, 59.5, 40.2, 62.1, 46.5)
    trend = charts(slides[4])[0].plots[0]
    assert list(trend.categories) == ["2019", "2020"]
    assert trend.series[0].values == (49.3, 52.3)
    assert trend.series[1].values == (44.1, 47.0) and trend.series[2].values == (54.5, 57.6)
    assert charts(slides[5])[0].plots[0].series[0].values == (0.6,)
    dont_know = charts(slides[6])[0].plots[0]
    assert list(dont_know.categories) == [
        "Förtroendevalda", "Kommunledning (visas inte)", "Strateger och verksamhetsutvecklare"]
    assert dont_know.series[0].values == (0.42, None, 0.25)


def test_notes_on_every_slide_and_footer(built_snapshot):
    _, result = built_snapshot
    for path in result["slides"]:
        slides = list(Presentation(str(path)).slides)
        for number, slide in enumerate(slides, start=1):
            assert slide.has_notes_slide, (path.name, number)
            assert len(slide.notes_slide.notes_text_frame.text) > 80, (path.name, number)
            text = all_text(slide)
            assert f"{number} / {len(slides)}" in text, (path.name, number)
            assert "Källa: länets mätning av digital mognad (DiMiOS) 2020" in text


def test_numbers_right_aligned_and_intervals_unwrapped(built_snapshot):
    snapshot, _ = built_snapshot
    slide = list(deck(snapshot, "0604_aneby.pptx").slides)[1]
    table = next(s for s in slide.shapes if s.has_table).table
    assert [table.cell(1, j).text for j in range(3)] == ["Digital mognad", "52,3", "47,0–57,6"]
    label, value, interval = (table.cell(1, j).text_frame for j in range(3))
    assert label.paragraphs[0].alignment == PP_ALIGN.LEFT and label.word_wrap is True
    for frame in (value, interval):
        assert frame.paragraphs[0].alignment == PP_ALIGN.RIGHT and frame.word_wrap is False
    # the header "Värde" (bold 18 pt) and "47,0–57,6" need about 0.8 and 1.4 inches plus the
    # cell margins: the columns are wider, so neither a word nor an interval is broken
    assert table.columns[1].width >= Inches(1.0)
    assert table.columns[2].width >= Inches(1.7)


def test_withheld_or_hidden_year_explained_on_trend_slide(built_snapshot):
    snapshot, _ = built_snapshot
    slides = list(deck(snapshot, "06_region-jonkopings-lan.pptx").slides)
    trend = next(s for s in slides if s.shapes.title.text == "Utveckling över åren")
    assert "2020: värdet visas inte (färre än 5 svar), så linjen bryts det året." in all_text(
        trend)
    assert charts(trend)[0].plots[0].series[0].values == (66.6, None)
    assert "2020" in trend.notes_slide.notes_text_frame.text


def test_column_widths_sum_and_fit():
    rows = [["Mått", "Värde", "95 % konfidensintervall"], ["Digital mognad", "52,3", "47,0–57,6"]]
    widths = column_widths(rows, Inches(8), 18)
    assert sum(widths) == Inches(8)
    assert widths[1] >= int(5 * Pt(18 * CHAR_WIDTH_EM))  # "Värde"


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
    assert len(prs.slides) == 8  # no target-group rows for this organisation
    first = list(prs.slides)[0]
    assert HOSTILE_NAME in all_text(first)  # kept as plain text
    key = all_text(list(prs.slides)[1])
    assert "okänd" in key and "inbjudan via länk" in key
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
    """Each deck's titles and native charts, worked out from the fixture: Aneby has group
    tables, response rates and "vet ej" per group; the hostile organisation has only a
    response rate (unknown); the region's 2020 is suppressed (3 respondents), so its spider
    chart is left out while the quadrant (other organisations) and trend remain."""
    snapshot, result = built_snapshot
    end = ["Begrepp", "Att läsa resultaten"]
    expected = {
        "0604_aneby.pptx": (ANEBY_TITLES, [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0]),
        "0617_hyperlink-http-x-invalid-klicka.pptx": (
            [f"{HOSTILE_NAME} – digital mognad 2020", *COMMON, "Svarsfrekvens per målgrupp 2020",
             *end],
            [0, 0, 1, 1, 1, 1, 0, 0],
        ),
        "06_region-jonkopings-lan.pptx": (
            ["Region Jönköpings län – digital mognad 2020", *COMMON, *end],
            [0, 0, 1, 0, 1, 0, 0],
        ),
    }
    assert sorted(p.name for p in result["slides"]) == sorted(expected)
    for name, (want_titles, want_charts) in expected.items():
        prs = deck(snapshot, name)
        assert titles(prs) == want_titles, name
        assert [len(charts(s)) for s in prs.slides] == want_charts, name
        assert all(pictures(s) == 0 for s in prs.slides), name
