"""The slide decks of the tiny snapshot of a real dbt build (tests/tiny_build.py), opened with
python-pptx; the numbers are worked out by hand in tests/reports/test_reports_html.py."""

from __future__ import annotations

from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt
from tiny_build import HOSTILE_NAME

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
    "Aneby kommun – digital mognad 2025",
    "Nyckeltal",
    "Position och typ",
    "Kategorierna jämfört med länet",
    "Utveckling över åren",
    "Svarsfrekvens per målgrupp 2025",
    "”Vet ej” per målgrupp 2025",
    "Resultat per målgrupp 2025",
    "Resultat per förvaltning 2025",
    "Rekommendationer 2025",
    "Begrepp",
    "Att läsa resultaten",
]
ANEBY = "0604_aneby.pptx"
GNOSJO = "0617_hyperlink-http-x-invalid-klicka.pptx"
"""The tiny snapshot's decks: Aneby's shows 2025, Gnosjö's (hostile name) 2024, its only
year."""


def charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_aneby_deck(tiny_built):
    snapshot, _ = tiny_built
    prs = deck(snapshot, ANEBY)
    assert titles(prs) == ANEBY_TITLES
    slides = list(prs.slides)
    assert "preliminära resultat" in all_text(slides[0])
    key = all_text(slides[1])
    assert "75,0" in key and "12,9–100,0" in key
    assert "Svarsfrekvens\nokänd" in key  # no invitations recorded for 2025
    assert "Typ D" in all_text(slides[2])
    # all six categories 75,0: the three first in the model's order are the "strengths"
    sw = all_text(slides[3])
    assert (
        sw.index("Effektivitet: 75,0")
        < sw.index("Relativa svagheter")
        < sw.index("Organisation: 75,0")
    )
    # r3 (kommunledning) and r1, r2 (strateger) are groups of 1 and 2: hidden, with their
    # respondent counts shown (counts describe participation)
    groups = all_text(slides[7])
    assert "Kommunledning\n1\nfärre än 3 svar" in groups
    assert "Strateger och verksamhetsutvecklare\n2\nfärre än 3 svar" in groups
    departments = all_text(slides[8])
    assert "okänd förvaltning\n3\n75,0 (12,9–100,0)" in departments
    assert "Digital kompetens" in all_text(slides[10]) and "kunskapslucka" in all_text(slides[10])
    assert "tävling" in all_text(slides[11])


def test_charts_are_native_and_carry_the_numbers(tiny_built):
    """Charts are python-pptx charts (editable, their numbers in the chart's data), not
    pictures; the values are the tiny build's (tests/reports/test_reports_html.py: every
    index of Aneby 2025 is 75,0, interval 12,9–100,0; 2024 hidden: a category with 2 usable scores)."""
    snapshot, _ = tiny_built
    slides = list(deck(snapshot, ANEBY).slides)
    assert all(pictures(s) == 0 for s in slides)
    kinds = [[c.chart_type for c in charts(s)] for s in slides]
    assert kinds == [
        [], [], [XL_CHART_TYPE.XY_SCATTER], [XL_CHART_TYPE.RADAR_MARKERS],
        [XL_CHART_TYPE.LINE_MARKERS], [XL_CHART_TYPE.BAR_CLUSTERED],
        [], [], [], [], [], [],  # "vet ej" per group: both groups hidden, no chart
    ]
    scatter = list(charts(slides[2])[0].plots[0].series)
    assert scatter[1].values == (75.0,)  # Aneby's legacy index, highlighted
    assert scatter[0].values == ()  # Gnosjö has no 2025 result
    radar = charts(slides[3])[0].plots[0]
    assert list(radar.categories) == [
        "Effektivitet", "Innovation", "Balansering", "Organisation", "Användare", "Teknik"]
    assert radar.series[0].values == (75.0,) * 6
    assert radar.series[1].values == (75.0,) * 6  # the county: Aneby alone in 2025
    trend = charts(slides[4])[0].plots[0]
    assert list(trend.categories) == ["2024", "2025"]
    assert trend.series[0].values == (None, 75.0)
    assert trend.series[1].values == (None, 12.9) and trend.series[2].values == (None, 100.0)
    assert trend.series[3].values == (None, 75.0)
    rates = charts(slides[5])[0].plots[0]
    assert list(rates.categories) == [
        "Kommunledning (okänd)", "Strateger och verksamhetsutvecklare (okänd)"]
    assert rates.series[0].values == (None, None)
    # both groups are under the threshold: no chart of empty rows, the groups named instead
    assert charts(slides[6]) == []
    dont_know = all_text(slides[6])
    assert "Ingen målgrupp har tillräckligt många svar (3 eller fler) för att visas." in dont_know
    assert ("Visas inte (färre än 3 svar): Kommunledning, Strateger och "
            "verksamhetsutvecklare.") in dont_know


def test_notes_on_every_slide_and_footer(tiny_built):
    snapshot, result = tiny_built
    year = {ANEBY: 2025, GNOSJO: 2024}
    for path in result["slides"]:
        slides = list(Presentation(str(path)).slides)
        for number, slide in enumerate(slides, start=1):
            assert slide.has_notes_slide, (path.name, number)
            assert len(slide.notes_slide.notes_text_frame.text) > 80, (path.name, number)
            text = all_text(slide)
            assert f"{number} / {len(slides)}" in text, (path.name, number)
            assert (
                f"Källa: länets mätning av digital mognad (DiMiOS) {year[path.name]}, "
                f"publicering {snapshot.name}"
            ) in text


def test_numbers_right_aligned_and_intervals_unwrapped(tiny_built):
    snapshot, _ = tiny_built
    slide = list(deck(snapshot, ANEBY).slides)[1]
    table = next(s for s in slide.shapes if s.has_table).table
    assert [table.cell(1, j).text for j in range(3)] == ["Digital mognad", "75,0", "12,9–100,0"]
    label, value, interval = (table.cell(1, j).text_frame for j in range(3))
    assert label.paragraphs[0].alignment == PP_ALIGN.LEFT and label.word_wrap is True
    for frame in (value, interval):
        assert frame.paragraphs[0].alignment == PP_ALIGN.RIGHT and frame.word_wrap is False
    # the header "Värde" (bold 18 pt) and "12,9–100,0" need about 0.8 and 1.5 inches plus the
    # cell margins: the columns are wider, so neither a word nor an interval is broken
    assert table.columns[1].width >= Inches(1.0)
    assert table.columns[2].width >= Inches(1.7)


def test_withheld_or_hidden_year_explained_on_trend_slide(tiny_built):
    snapshot, _ = tiny_built
    aneby = next(s for s in deck(snapshot, ANEBY).slides
                 if s.shapes.title.text == "Utveckling över åren")
    # Aneby has a value in 2025 only: no line remains to break, the slide says so
    assert ("2024: värdet visas inte (färre än 3 svar i en kategori). Inga två år i följd har "
            "ett värde, så åren visas som punkter utan linje.") in all_text(aneby)
    assert "linjen bryts" not in all_text(aneby)
    assert "2024" in aneby.notes_slide.notes_text_frame.text
    gnosjo = next(s for s in deck(snapshot, GNOSJO).slides
                  if s.shapes.title.text == "Utveckling över åren")
    assert ("2024: värdet visas inte (färre än 3 svar). Inga två år i följd har ett värde, så "
            "åren visas som punkter utan linje.") in all_text(gnosjo)
    assert charts(gnosjo)[0].plots[0].series[3].values == (None,)


def test_column_widths_sum_and_fit():
    rows = [["Mått", "Värde", "95 % konfidensintervall"], ["Digital mognad", "52,3", "47,0–57,6"]]
    widths = column_widths(rows, Inches(8), 18)
    assert sum(widths) == Inches(8)
    assert widths[1] >= int(5 * Pt(18 * CHAR_WIDTH_EM))  # "Värde"


def test_every_shape_fits_on_its_slide(tiny_built):
    _, result = tiny_built
    for path in result["slides"]:
        prs = Presentation(str(path))
        for number, slide in enumerate(prs.slides, start=1):
            for shape in slide.shapes:
                assert shape.left >= 0 and shape.top >= 0, (path.name, number, shape.name)
                assert shape.left + shape.width <= prs.slide_width, (path.name, number, shape.name)
                assert shape.top + shape.height <= prs.slide_height, (path.name, number, shape.name)


def test_small_organisation_deck_and_hostile_name(tiny_built):
    """Gnosjö 2024: 2 respondents, under the threshold 3, invited by link; its indices
    (capability 37,5, legacy 33,3, maturity 35,4) appear on no slide."""
    snapshot, result = tiny_built
    prs = deck(snapshot, GNOSJO)
    first = list(prs.slides)[0]
    assert HOSTILE_NAME in all_text(first)  # kept as plain text
    key = all_text(list(prs.slides)[1])
    assert "Digital mognad\nfärre än 3 svar" in key and "Svarande\n2" in key
    assert "okänd" in key and "inbjudan via länk" in key
    text = "\n".join(all_text(s) for s in prs.slides)
    for value in ("37,5", "33,3", "35,4"):
        assert value not in text
    assert len(result["slides"]) == 2


def test_shapes_do_not_overlap(tiny_built):
    """Title, charts and text boxes each have their own area (python-pptx's default layouts
    are 4:3; the deck is 16:9, so placeholders must be positioned explicitly)."""
    _, result = tiny_built
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


def test_deck_metadata_and_language(tiny_built):
    snapshot, _ = tiny_built
    prs = deck(snapshot, ANEBY)
    assert prs.core_properties.title == "Digital mognad 2025 – Aneby kommun"
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
    # the tables' cells and the speaker notes too, each paragraph's default and each run
    paragraphs = [
        para
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
        for para in cell.text_frame.paragraphs
    ]
    notes = [para for slide in prs.slides
             for para in slide.notes_slide.notes_text_frame.paragraphs]
    assert len(notes) >= len(prs.slides) and len(paragraphs) > 20
    for para in paragraphs + notes:
        assert para.font.language_id == MSO_LANGUAGE_ID.SWEDISH
        assert all(run.font.language_id == MSO_LANGUAGE_ID.SWEDISH for run in para.runs)


COMMON = ["Nyckeltal", "Position och typ", "Kategorierna jämfört med länet", "Utveckling över åren"]


def test_every_deck_has_its_slides_and_charts(tiny_built):
    """Each deck's titles and native charts, worked out from the fixture: Aneby has group
    tables, response rates, "vet ej" per group and recommendations (its categories are
    published); Gnosjö's 2024 is hidden (2 respondents), so its spider chart and
    recommendations are left out while the quadrant (other organisations) and trend remain."""
    snapshot, result = tiny_built
    groups = ["Svarsfrekvens per målgrupp {y}", "”Vet ej” per målgrupp {y}",
              "Resultat per målgrupp {y}", "Resultat per förvaltning {y}"]
    end = ["Begrepp", "Att läsa resultaten"]
    expected = {
        # "vet ej" per group (7th): every group under the threshold, so no chart
        ANEBY: (ANEBY_TITLES, [0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]),
        GNOSJO: (
            [f"{HOSTILE_NAME} – digital mognad 2024", *COMMON,
             *(g.format(y=2024) for g in groups), *end],
            [0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0],
        ),
    }
    assert [t.format(y=2025) for t in groups] == ANEBY_TITLES[5:9]
    assert sorted(p.name for p in result["slides"]) == sorted(expected)
    for name, (want_titles, want_charts) in expected.items():
        prs = deck(snapshot, name)
        assert titles(prs) == want_titles, name
        assert [len(charts(s)) for s in prs.slides] == want_charts, name
        assert all(pictures(s) == 0 for s in prs.slides), name


def test_share_axis_ends_a_quarter_above_the_largest_share():
    from pipelines.reports.slides import share_axis_maximum

    assert share_axis_maximum([0.05]) == 0.1  # 6,25 % → at least 10 %
    assert share_axis_maximum([0.05, 0.16]) == 0.2  # 20 %
    assert share_axis_maximum([0.33, None]) == 0.5  # 41,25 % → 50 %
    assert share_axis_maximum([0.9]) == 1.0  # never beyond 100 %
    assert share_axis_maximum([None]) == 0.1


def test_the_position_label_keeps_clear_of_other_points():
    """The name goes to the first side whose label box (name length x 2 points wide, 5.5
    high, 1.5 from the point) covers no other organisation's marker (1.2 around its
    centre) and stays inside the chart. The
    demo's 2020: Mullsjö at (45.7, 67.2); on its right the box x 47.2–61.2, y 64.45–69.95
    covers Gislaved (60.9, 66.2), so the name goes left (x 29.2–44.2: Vaggeryd at 45.0 is
    outside). An empty neighbourhood keeps it right; a point at the right edge is named on
    its left; both sides taken, above."""
    from pptx.enum.chart import XL_LABEL_POSITION

    from pipelines.reports.slides import label_position

    demo_2020 = [(42.1, 40.8), (42.3, 47.3), (44.6, 38.5), (45.0, 65.9), (46.5, 70.2),
                 (47.5, 75.1), (54.6, 39.9), (60.9, 66.2), (61.0, 41.9), (65.6, 40.9),
                 (65.6, 73.9), (66.9, 68.5), (70.9, 37.9)]  # fmt: skip
    assert label_position("Mullsjö", 45.7, 67.2, demo_2020) == XL_LABEL_POSITION.LEFT
    # Vetlanda (47.5, 75.1): the box on its right, x 49.0–65.0, y 72.35–77.85, misses
    # Tranås' centre (65.6, 73.9) by 0.6 but its marker (1.2) reaches in: left, x 30.0–46.0,
    # is clear (Jönköping at y 70.2 is 2.15 below the box)
    others = [p for p in demo_2020 if p != (47.5, 75.1)]
    assert label_position("Vetlanda", 47.5, 75.1, others) == XL_LABEL_POSITION.LEFT
    assert label_position("Vetlanda", 47.5, 75.1, [(66.3, 73.9)]) == XL_LABEL_POSITION.RIGHT
    assert label_position("Mullsjö", 45.7, 67.2, [(20.0, 20.0)]) == XL_LABEL_POSITION.RIGHT
    assert label_position("Mullsjö", 95.0, 50.0, []) == XL_LABEL_POSITION.LEFT
    assert label_position("Habo", 50.0, 50.0, [(55.0, 50.0), (45.0, 50.0)]) == (
        XL_LABEL_POSITION.ABOVE)


def test_trend_key_names_the_preliminary_years_of_both_lines(tiny_built):
    """Only the organisation's points are hollow in a preliminary year, the mean's grey
    points are filled: the key says which years are preliminary and that the mean is
    preliminary those years too. Aneby's 2025 (75,0, hollow) and the county's 2025 (75,0)
    are preliminary; 2024 has neither value, so it is not named."""
    snapshot, _ = tiny_built
    slide = next(s for s in deck(snapshot, ANEBY).slides
                 if s.shapes.title.text == "Utveckling över åren")
    key = "Preliminära år: 2025 (ofyllda blå punkter); länets medelvärde är också preliminärt de åren."
    series = charts(slide)[0].plots[0].series
    assert series[0].values == (None, 75.0)  # the county mean, filled points
    assert key in all_text(slide) and key in slide.notes_slide.notes_text_frame.text
    assert "Ofyllda punkter" not in all_text(slide) + slide.notes_slide.notes_text_frame.text


def test_trend_key_names_signed_off_and_preliminary_years_from_their_marks():
    """The years' marks are SnapshotData.year_mark's words; a signed-off year is named
    "granskad" as the pages name it, a preliminary year with its hollow points; a year
    without a value of either line (2021 here) is not named; without a status, nothing."""
    from pipelines.reports.data import COUNTY_POPULATION
    from pipelines.reports.slides import year_status_key

    trend = {"years": [2018, 2019, 2020, 2021], "values": [44.0, None, 51.5, None],
             "county": [49.8, 52.2, 54.8, None], "preliminary": [False, True, True, False],
             "marks": ["granskad", "preliminär", "preliminär", "granskad"]}
    assert year_status_key(trend, COUNTY_POPULATION) == (
        "Granskade år: 2018. Preliminära år: 2019, 2020 (ofyllda blå punkter); länets "
        "medelvärde är också preliminärt de åren.")
    trend["preliminary"] = [False, False, False, False]
    trend["marks"] = ["granskad"] * 4
    assert year_status_key(trend, COUNTY_POPULATION) == "Granskade år: 2018, 2019, 2020."
    trend["marks"] = ["", "", "", ""]
    assert year_status_key(trend, COUNTY_POPULATION) == ""


def test_key_figures_say_a_signed_off_year_is_granskad(tiny_built):
    """Gnosjö's deck shows 2024, signed off in the tiny snapshot: its key figures say so in
    the pages' word; Aneby's 2025 is preliminary and says that instead."""
    snapshot, _ = tiny_built
    gnosjo = all_text(list(deck(snapshot, GNOSJO).slides)[1])
    assert "Mätningen 2024 är granskad." in gnosjo and "preliminär" not in gnosjo
    aneby = all_text(list(deck(snapshot, ANEBY).slides)[1])
    assert "Resultaten för 2025 är preliminära." in aneby and "granskad" not in aneby


def test_radar_value_axis_has_rings_not_numbers_on_the_plot(tiny_built):
    """The radar's value axis put 0–100 on the upward spoke, under the first category's
    lines and points; the rings (major gridlines at 25, 50, 75, 100) carry the scale and the
    slide's text says how to read them."""
    from pptx.enum.chart import XL_TICK_LABEL_POSITION

    snapshot, _ = tiny_built
    radar = list(deck(snapshot, ANEBY).slides)[3]
    axis = charts(radar)[0].value_axis
    assert axis.tick_label_position == XL_TICK_LABEL_POSITION.NONE
    assert axis.has_major_gridlines and axis.major_unit == 25
    assert (axis.minimum_scale, axis.maximum_scale) == (0, 100)
    assert ("Skalan går från 0 i mitten till 100 ytterst; ringarna ligger vid 25, 50 och 75."
            in all_text(radar))


def _trend_view(n_years: int) -> dict:
    """A synthetic organisation view for the trend slide: ``n_years`` years from 2018, every
    year with a line under the chart (withheld, hidden or published by the council's
    decision, in turn) and every year signed off."""
    from pipelines.reports.data import COUNTY_POPULATION

    years = list(range(2018, 2018 + n_years))
    kinds = [i % 3 for i in range(n_years)]
    return {
        "org": {"short_name": "Vetlanda"},
        "place": COUNTY_POPULATION,
        "series": {"trend": {
            "years": years,
            "values": [None if k < 2 else 50.0 + i for i, k in enumerate(kinds)],
            "lower": [None if k < 2 else 45.0 + i for i, k in enumerate(kinds)],
            "upper": [None if k < 2 else 55.0 + i for i, k in enumerate(kinds)],
            "county": [52.0] * n_years,
            "preliminary": [False] * n_years,
            "marks": ["granskad"] * n_years,
            "withheld": ["ej publicerat (för låg svarsfrekvens)" if k == 0 else None
                         for k in kinds],
            "hidden": ["färre än 5 svar" if k == 1 else None for k in kinds],
            "decided": ["Rådet beslutade att publicera trots 45 % svarsfrekvens." if k == 2
                        else None for k in kinds],
        }},
    }


def _rendered_height_pt(box) -> float:
    """The height (points) of a text box's paragraphs measured with DejaVu Sans, the font
    LibreOffice draws the deck in here and wider than PowerPoint's Calibri: words wrapped
    greedily at their measured widths in the box's width less its 0.1-inch insets; each
    line 1.2 × the font size, each paragraph followed by its space_after; plus the top and
    bottom insets (0.05 inch each)."""
    from matplotlib import font_manager
    from PIL import ImageFont

    height = Pt(7.2).pt
    width_pt = box.width.pt - 14.4
    for para in box.text_frame.paragraphs:
        size = para.font.size.pt
        path = font_manager.findfont(font_manager.FontProperties(
            family="DejaVu Sans", weight="bold" if para.font.bold else "normal"))
        font = ImageFont.truetype(path, size=100)  # widths in points: x size / 100
        lines, line = 1, ""
        for word in para.text.split():
            candidate = f"{line} {word}" if line else word
            if line and font.getlength(candidate) * size / 100 > width_pt:
                lines, line = lines + 1, word
            else:
                line = candidate
        height += lines * size * 1.2 + para.space_after.pt
    return height


def test_trend_text_fits_its_box_with_many_years():
    """With 2 to 8 years that each have a line under the chart, the trend slide's text fits
    its box (measured independently, with DejaVu Sans) and ends above the footer; from
    some number of years the years' lines go to the speaker notes, the slide naming the
    years instead. The size steps down from 14 points (a year's line) to 12 before that."""
    from pptx import Presentation as New

    from pipelines.reports.slides import FOOTER_TOP, _draw_frame, _trend_frame, _trend_slide

    def trend_slide(slide, view):  # the deck's skeleton draws the chart the slide fills
        _draw_frame(slide, _trend_frame(view))
        _trend_slide(slide, view)

    sizes, moved = {}, {}
    for n in range(2, 9):
        prs = New()
        prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        trend_slide(slide, _trend_view(n))
        box = next(s for s in slide.shapes if s.has_text_frame)
        assert box.top + box.height <= FOOTER_TOP
        assert _rendered_height_pt(box) <= box.height.pt, n
        text, notes = box.text_frame.text, slide.notes_slide.notes_text_frame.text
        sizes[n] = box.text_frame.paragraphs[0].font.size.pt
        moved[n] = "anteckningarna" in text
        for year in range(2018, 2018 + n):
            assert f"{year}: " in notes or f"{year}: " in text, (n, year)
        said = notes.index("skälet för varje sådant år står sist i anteckningarna")
        assert notes.index("2018: ej publicerat (för låg svarsfrekvens)") > said
        if "anteckningarna" in text:
            assert ("2018: ej publicerat (för låg svarsfrekvens). Enligt rådets "
                    "kvalitetskontroll publiceras inte organisationens resultat för året, om "
                    "inte rådet beslutar att publicera dem.") in notes
            # no two years in a row have a value (every third year has one): no line
            assert ("2019: värdet visas inte (färre än 5 svar). Inga två år i följd har ett "
                    "värde, så åren visas som punkter utan linje.") in notes
    # 2 years' lines (a withheld year's with the council's rule, three lines long) and the
    # key at 12/11 points in a taller box (the chart gives up room); from 3 the years are
    # named and their lines are in the notes
    assert sizes == {2: 12, 3: 14, 4: 14, 5: 14, 6: 14, 7: 14, 8: 14}
    assert moved == {2: False, 3: True, 4: True, 5: True, 6: True, 7: True, 8: True}
    prs = New()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    trend_slide(slide, _trend_view(8))
    assert next(s for s in slide.shapes if s.has_text_frame).text_frame.text.startswith(
        "Inget värde 2018, 2019, 2021, 2022, 2024 och 2025: värdet visas inte eller publiceras "
        "inte enligt rådets kvalitetskontroll. Inga två år i följd har ett värde, så åren visas "
        "som punkter utan linje. Publicerat genom digitaliseringsrådets beslut: 2020 och 2023. ")


def test_reference_lines_drawn_as_on_the_page_and_below_the_organisation(tiny_built):
    """The radar's comparison and the trend's county mean are the pages' red (charts.py's
    COUNTY_COLOUR, #c0504d, read here from the charts' XML) and dashed; the trend's mean is
    its first series, so the organisation's (the fourth, larger markers) is drawn above it,
    and the key names the line by that colour."""
    from pptx.enum.dml import MSO_LINE_DASH_STYLE

    snapshot, _ = tiny_built
    slides = {s.shapes.title.text: s for s in deck(snapshot, ANEBY).slides}
    radar = charts(slides["Kategorierna jämfört med länet"])[0].plots[0].series
    trend = charts(slides["Utveckling över åren"])[0].plots[0].series
    for reference in (radar[1], trend[0]):
        assert str(reference.format.line.color.rgb) == "C0504D"
        assert reference.format.line.dash_style == MSO_LINE_DASH_STYLE.DASH
    assert trend[0].name == "Länets medelvärde" and trend[3].name == "Aneby"
    assert trend[3].marker.size > trend[0].marker.size
    assert "Röd streckad linje: länets medelvärde." in all_text(slides["Utveckling över åren"])
    assert "Grå linje" not in all_text(slides["Utveckling över åren"])


def test_the_organisation_is_drawn_in_the_pages_blue(tiny_built):
    """The organisation's own series (its spider, its trend, its point among the others, its
    groups' bars) are the pages' blue (charts.py's ORG_COLOUR, #1f5fa8, read here from the
    charts' XML), as the reference lines are the pages' red; the titles keep the deck's own
    dark blue."""
    snapshot, _ = tiny_built
    slides = {s.shapes.title.text: s for s in deck(snapshot, ANEBY).slides}
    radar = charts(slides["Kategorierna jämfört med länet"])[0].plots[0].series
    trend = charts(slides["Utveckling över åren"])[0].plots[0].series
    position = charts(slides["Position och typ"])[0].plots[0].series
    bars = [chart.plots[0].series[0] for title in ("”Vet ej” per målgrupp 2025",
                                                    "Svarsfrekvens per målgrupp 2025")
            for chart in charts(slides[title])]
    assert (radar[0].name, trend[3].name, position[1].name) == ("Aneby", "Aneby",
                                                                "Denna organisation")
    for own in (radar[0], trend[3]):
        assert str(own.format.line.color.rgb) == "1F5FA8"
        assert str(own.marker.format.fill.fore_color.rgb) == "1F5FA8"
    assert str(position[1].marker.format.fill.fore_color.rgb) == "1F5FA8"
    assert bars and {str(b.format.fill.fore_color.rgb) for b in bars} == {"1F5FA8"}
    title = slides["Utveckling över åren"].shapes.title.text_frame.paragraphs[0]
    assert str(title.font.color.rgb) == "1F4E79"
