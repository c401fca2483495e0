"""Charts that stay readable with many organisations (the country has about 1,500)."""

from __future__ import annotations

import random
import re

import pytest

from pipelines.reports import charts


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_quadrant_with_many_points_names_only_the_organisation():
    rng = random.Random(7)
    points = [(f"Org {i}", rng.uniform(5, 95), rng.uniform(5, 95), False) for i in range(600)]
    points.append(("Aneby", 55.0, 49.6, True))
    chart = charts.quadrant_chart(
        points, capability_cut=50, legacy_cut=50, quadrant_names={}, salt="t")
    texts = _texts(chart.svg)
    assert "Aneby" in texts
    assert not any(t.startswith("Org ") for t in texts)


def test_quadrant_with_few_points_names_every_one():
    points = [(f"Org {i}", 10.0 + 6 * i, 20.0 + 5 * i, False) for i in range(12)]
    chart = charts.quadrant_chart(
        points, capability_cut=50, legacy_cut=50, quadrant_names={}, salt="t")
    assert {f"Org {i}" for i in range(12)} <= set(_texts(chart.svg))


def test_distribution_and_spread_charts():
    values = [40.0 + (i % 30) for i in range(900)]
    hist = charts.distribution_chart(values, county_mean=54.5, salt="d", title="Fördelning")
    assert hist.alt == "Fördelning" and "<svg" in hist.svg
    spread = charts.spread_trend_chart(
        [2018, 2019, 2020], [values, [], values[:10]], [54.5, None, 50.0], salt="s",
        title="Spridning")
    assert spread.alt == "Spridning" and "<svg" in spread.svg


def test_above_county_scale_two_processes_build_what_one_builds(tiny_snapshot, tmp_path):
    """Above the county scale (lowered to 1) the pages and decks are built by two worker
    processes: the pages are byte for byte those one process builds, every deck is there."""
    from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot

    from pipelines.reports import build_reports

    built = {}
    for workers in (1, 2):
        snapshot = copy_snapshot(tiny_snapshot, tmp_path / str(workers) / tiny_snapshot.name)
        built[workers] = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS,
                                       county_scale=1, workers=workers)
    one, two = built[1], built[2]
    assert [p.name for p in two["reports"]] == ["index.html", "0604.html", "0617.html"]
    for a, b in zip(one["reports"][1:], two["reports"][1:], strict=True):
        assert a.read_bytes() == b.read_bytes(), b
    assert [p.name for p in two["slides"]] == [p.name for p in one["slides"]]
    assert all(p.stat().st_size > 10_000 for p in two["slides"])


def test_at_county_scale_two_processes_build_what_one_builds(tiny_snapshot, tmp_path):
    """At county scale two worker processes build the organisations' files and the county
    report PDF (its sections from the views the workers return): every page, deck and PDF
    is there, the pages and PDFs byte for byte those the calling process builds alone."""
    from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot

    from pipelines.reports import build_reports

    built = {}
    for workers in (1, 2):
        snapshot = copy_snapshot(tiny_snapshot, tmp_path / str(workers) / tiny_snapshot.name)
        built[workers] = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS,
                                       workers=workers)
    one, two = built[1], built[2]
    assert [p.name[:5] for p in two["pdf"]] == ["lansr", "0604_", "0617_"]
    for a, b in zip(one["reports"] + one["pdf"], two["reports"] + two["pdf"], strict=True):
        assert a.relative_to(a.parents[2]) == b.relative_to(b.parents[2])
        assert a.read_bytes() == b.read_bytes(), b
    assert [p.name for p in two["slides"]] == [p.name for p in one["slides"]]
    assert all(p.stat().st_size > 10_000 for p in two["slides"])


def test_an_error_in_a_worker_names_the_organisation(tiny_snapshot, tmp_path):
    """An organisation whose view cannot be made (here: its results removed from the data
    handed to the workers) stops the build with an error naming it, raised in the caller."""
    import pytest
    from tiny_build import TINY_MIN_CELL_RESPONDENTS

    from pipelines.reports.build import (
        OrganisationFiles,
        OrganisationReportError,
        _build_in_processes,
    )
    from pipelines.reports.data import load_snapshot

    data = load_snapshot(tiny_snapshot / "mognad.duckdb",
                         min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    gnosjo = next(o for o in data.organisations if o["organisation_code"] == "0617")
    data.org_years["0617"] = {}
    targets = [OrganisationFiles(org=org, page=tmp_path / f"{org['organisation_code']}.html",
                                 deck=tmp_path / f"{org['organisation_code']}.pptx", pdf=None)
               for org in data.organisations]
    with pytest.raises(OrganisationReportError) as raised:
        _build_in_processes(data, targets, 2, snapshot_id="s", created=None)
    assert str(raised.value).startswith(
        f"reports of organisation 0617 ({gnosjo['organisation_name']}) could not be built: "
        "ValueError")
    assert not (tmp_path / "0617.html").exists()


def test_an_error_of_the_callers_own_work_stops_the_workers(tiny_snapshot, tmp_path):
    """The work the calling process does while the workers build (``meanwhile``: the county
    overview in ``build_reports``) raises its error in the caller after the workers stopped;
    the work not yet started is cancelled."""
    import pytest
    from tiny_build import TINY_MIN_CELL_RESPONDENTS

    from pipelines.reports.build import OrganisationFiles, _build_in_processes
    from pipelines.reports.data import load_snapshot

    data = load_snapshot(tiny_snapshot / "mognad.duckdb",
                         min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    targets = [OrganisationFiles(org=org, page=tmp_path / f"{org['organisation_code']}.html",
                                 deck=tmp_path / f"{org['organisation_code']}.pptx", pdf=None)
               for org in data.organisations]

    def overview_fails():
        raise RuntimeError("the overview could not be written")

    with pytest.raises(RuntimeError, match="the overview could not be written"):
        _build_in_processes(data, targets, 2, meanwhile=overview_fails, snapshot_id="s",
                            created=None)


def test_the_overview_relinked_is_the_overview_made_with_those_links(tiny_snapshot):
    """The county report's overview is the HTML overview's view linked to the report's
    sections (``views.overview_relinked``), not made again: it must equal the view
    ``overview_view`` makes with those links, charts included, and keep the HTML's."""
    from tiny_build import TINY_MIN_CELL_RESPONDENTS

    from pipelines.reports.data import load_snapshot
    from pipelines.reports.views import overview_relinked, overview_view

    data = load_snapshot(tiny_snapshot / "mognad.duckdb",
                         min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    pages = {"0604": "kommun/0604.html", "0617": "kommun/0617.html"}
    anchors = {"0604": "#org-0604", "0617": "#org-0617"}
    html_view = overview_view(data, pages)
    relinked = overview_relinked(html_view, anchors)
    assert relinked == overview_view(data, anchors)
    assert [row["href"] for row in relinked["rows"]] == ["#org-0604", "#org-0617"]
    assert [row["href"] for row in html_view["rows"]] == ["kommun/0604.html", "kommun/0617.html"]
    assert relinked["charts"] is html_view["charts"]


def test_the_callers_work_beside_runs_once_after_the_organisations_files(tiny_snapshot,
                                                                         tmp_path):
    """``beside`` (the publish step's workbook and council pages) runs once in the calling
    process: with two workers at county scale once the organisations' files are written
    (while a worker puts the county report together), with one process and above county
    scale (lowered to 1) after every file. Its error is raised in the caller."""
    import pytest
    from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot

    from pipelines.reports import build_reports

    for name, options in {"two": {"workers": 2}, "one": {"workers": 1},
                          "national": {"workers": 2, "county_scale": 1}}.items():
        snapshot = copy_snapshot(tiny_snapshot, tmp_path / name / tiny_snapshot.name)
        seen = []

        def beside(snapshot=snapshot, seen=seen):
            seen.append(sorted(str(p.relative_to(snapshot))
                               for p in (snapshot / "reports").rglob("*.*")))

        build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS, beside=beside,
                      **options)
        assert len(seen) == 1, name
        organisations = {"reports/kommun/0604.html", "reports/kommun/0617.html"}
        if name != "national":
            organisations |= {p for p in seen[0] if p.startswith("reports/pdf/06")}
            assert len(organisations) == 4, (name, seen[0])
        assert organisations <= set(seen[0]), name
        if name != "two":  # after the build: the county report is written
            assert "reports/lansrapport.pdf" in seen[0], name

    def fails():
        raise RuntimeError("the workbook could not be written")

    snapshot = copy_snapshot(tiny_snapshot, tmp_path / "fails" / tiny_snapshot.name)
    with pytest.raises(RuntimeError, match="the workbook could not be written"):
        build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS, beside=fails,
                      workers=2)


def _fresh(draw):
    """``draw()`` with no layout computed before it: constrained layout runs for it."""
    charts._LAYOUTS.clear()
    return draw()


CATEGORIES = ["Strategi", "Styrning", "Kompetens", "Arbetssätt", "Teknik", "Arv"]


def test_a_shared_layout_draws_a_chart_as_its_own_constrained_layout_would():
    """The second organisation's charts reuse the first one's layout (same key): each must
    be byte for byte the chart drawn after a layout computed for it alone."""
    rng = random.Random(3)
    cloud = [(f"Org {i}", rng.uniform(20, 80), rng.uniform(25, 85), False) for i in range(300)]

    def quadrant(name, x, y):
        return lambda: charts.quadrant_chart(cloud + [(name, x, y, True)], capability_cut=50,
                                             legacy_cut=50, quadrant_names={}, salt="q").svg

    def radar(name, shift):
        return lambda: charts.radar_chart(
            CATEGORIES, [40 + shift + 5 * i for i in range(6)], [50.0] * 6, label=name,
            salt="r").svg

    def trend(name, values):
        return lambda: charts.trend_chart(
            [2018, 2019, 2020, 2021], values, [v - 3 for v in values], [v + 3 for v in values],
            [50.0, 51.0, 52.0, 53.0], label=name, preliminary=[False, False, False, True],
            version_breaks=[2020], salt="t").svg

    for first, second in [
        (quadrant("Aneby", 55.0, 49.6), quadrant("Övertorneå", 31.2, 70.4)),
        (radar("Aneby", 0), radar("Åre", 7)),
        (trend("Aneby", [40.0, 45.0, 50.0, 55.0]), trend("Åre", [62.0, 58.0, 61.5, 64.0])),
    ]:
        _fresh(first)
        shared = second()
        assert shared == _fresh(second)


def test_a_label_reaching_out_of_the_axes_gets_its_own_layout():
    """A trend value near 100 has its label above the axes and a long legend entry widens
    the radar's legend: their layouts differ from the common one (not taken from the cache)."""
    def trend(values):
        return charts.trend_chart(
            [2019, 2020], values, [None, None], [None, None], [50.0, 50.0], label="Aneby",
            preliminary=[False, True], version_breaks=[], salt="t").svg

    def axes_box(svg):  # the axes' clip rectangle: x, y, width, height
        return tuple(float(v) for v in re.search(
            r'<clipPath id="[^"]+">\s*<rect x="([0-9.]+)" y="([0-9.]+)" '
            r'width="([0-9.]+)" height="([0-9.]+)"', svg).groups())

    charts._LAYOUTS.clear()
    common = trend([50.0, 55.0])
    high = trend([50.0, 99.5])
    assert high == _fresh(lambda: trend([50.0, 99.5]))
    assert axes_box(common)[1] < axes_box(high)[1]  # the axes' top moved down

    def radar(name):
        return charts.radar_chart(CATEGORIES, [50.0] * 6, [50.0] * 6, label=name, salt="r").svg

    charts._LAYOUTS.clear()
    common = radar("Aneby")
    wide = radar("W" * 40)
    assert wide == _fresh(lambda: radar("W" * 40))
    def background(svg):  # the axes' background, a circle here: where it lies and its size
        return re.search(r'<g id="r-patch_2">\s*<path d="([^"]+)"', svg).group(1)

    assert background(common) != background(wide)


def test_a_chart_on_a_reused_frame_is_the_chart_on_a_new_frame():
    """Each chart kind's frame (figure, axes, ticks, fixed texts) is reused by the next chart
    of the same kind: what one organisation's chart added (a highlighted point and its label,
    an interval, a legend) must be gone from the next one, byte for byte the chart drawn on a
    new frame. The first chart of each pair has more marks than the second."""
    rng = random.Random(5)
    cloud = [(f"Org {i}", rng.uniform(20, 80), rng.uniform(25, 85), False) for i in range(300)]
    years = [2018, 2019, 2020, 2021]

    def trend(name, values, lower):
        return lambda: charts.trend_chart(
            years, values, lower, [None if v is None else v + 3 for v in values],
            [50.0, 51.0, 52.0, 53.0], label=name, preliminary=[False, False, False, True],
            version_breaks=[2020], salt="t").svg

    pairs = [
        (lambda: charts.quadrant_chart(cloud + [("Aneby", 55.0, 49.6, True)], capability_cut=50,
                                       legacy_cut=50, quadrant_names={}, salt="q").svg,
         lambda: charts.quadrant_chart(cloud[1:] + [("Åre", 31.2, 70.4, True)],
                                       capability_cut=50, legacy_cut=50, quadrant_names={},
                                       salt="q").svg),
        (lambda: charts.radar_chart(CATEGORIES, [45.0, 50, 55, 60, 65, 70], [50.0] * 6,
                                    label="Aneby", salt="r").svg,
         lambda: charts.radar_chart(CATEGORIES, [52.0, 48, 61, 57, 66, 44], [49.0] * 6,
                                    label="Aneby", salt="r").svg),
        (trend("Aneby", [40.0, 45.0, 50.0, 55.0], [37.0, 42.0, 47.0, 52.0]),
         trend("Aneby", [62.0, None, 61.5, 64.0], [59.0, None, None, 61.0])),
    ]
    for first, second in pairs:
        charts._FRAMES.clear()
        first()
        frames = dict(charts._FRAMES)
        reused = second()
        assert charts._FRAMES.keys() == frames.keys()
        assert all(charts._FRAMES[k] is frames[k] for k in frames)  # the same figure again
        charts._FRAMES.clear()
        assert reused == second()
    assert "Aneby" not in _texts(pairs[0][1]())  # the first chart's organisation is gone


def test_position_cells_count_the_organisations_by_hand():
    """41 organisations with both indices (above the county scale of 40): 20 in the cell
    10–20 × 10–20, 21 at capability 55 and legacy 100 (the top cell, 90–100); one without a
    legacy index is left out. At 40 organisations there are no cells (every point drawn)."""
    points = ([(f"A{i}", 12.0 + i / 10, 18.0, False) for i in range(20)]
              + [(f"B{i}", 55.0, 100.0, False) for i in range(20)]
              + [("Aneby", 55.0, 100.0, True), ("Utan", 40.0, None, False)])
    assert charts.position_cells(points) == [(15.0, 15.0, 20), (55.0, 95.0, 21)]
    assert charts.position_cells(points[:40]) == []


def _national_cloud(n=1500, seed=11):
    rng = random.Random(seed)
    cloud = [(f"Org {i}", min(100.0, max(0.0, rng.gauss(52, 10))),
              min(100.0, max(0.0, rng.gauss(50, 10))), False) for i in range(n)]
    return cloud + [("Aneby", 63.2, 41.7, True), ("Dold", None, 50.0, False)]


def test_national_position_chart_svg_counts_every_organisation_in_its_cells():
    """Above the county scale the page's position chart draws the cells' counts, summing to
    the organisations with both indices, the organisation's own mark and name, and says what
    the circles are; no other organisation is named or drawn one by one."""
    points = _national_cloud()
    chart = charts.quadrant_chart(points, capability_cut=50, legacy_cut=50, quadrant_names={},
                                  salt="n")
    texts = _texts(chart.svg)
    # the cells' counts: the small dark grey texts (tick labels are larger, in black)
    counts = [int(t.replace("\u00a0", "")) for t in re.findall(
        r'<text style="font-size: 7.5px[^"]*fill: #2b333b"[^>]*>([^<]*)</text>', chart.svg)]
    tally = sum(1 for _l, x, y, _h in points if x is not None and y is not None)
    assert tally == 1501
    assert sum(counts) == tally
    assert 10 <= len(counts) <= 60  # a few dozen cells, not a mark per organisation
    assert counts == [n for *_c, n in charts.position_cells(points)]
    assert "Aneby" in texts
    assert not any(t.startswith("Org ") for t in texts)
    assert "Cirklarna: antal organisationer i rutan (10 × 10 indexpunkter)" in texts
    assert chart.svg.count('fill: #1f5fa8') >= 1  # the organisation's own mark


def test_national_position_slide_is_one_series_of_cells_and_the_organisation():
    """The deck's native chart above the county scale: the grey series is the cells (one
    point per cell, its count as the label, the same for every organisation), the
    organisation's own series one point named by its label, and the two cut lines."""
    from pptx import Presentation
    from pptx.util import Inches

    from pipelines.reports import slides

    points = _national_cloud()
    cells = charts.position_cells(points)
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = slides.quadrant_chart(slide, points, 50.0, 50.0, Inches(0.5), Inches(1),
                                  Inches(7), Inches(5.5), cells=cells)
    series = list(frame.chart.plots[0].series)
    assert [s.name for s in series] == [slides.CELLS_SERIES_SV, "Denna organisation",
                                        "Gräns digital förmåga", "Gräns digitalt arv"]
    assert [len(s.values) for s in series] == [len(cells), 1, 2, 2]
    assert list(series[0].values) == [y for _x, y, _n in cells]
    labels = [int(series[0].points[i].data_label.text_frame.text.replace("\u00a0", ""))
              for i in range(len(cells))]
    assert sum(labels) == 1501
    assert series[1].points[0].data_label.text_frame.text == "Aneby"


def test_national_position_chart_is_the_same_whichever_organisation_came_first():
    """The cells' background is drawn once per process and shared: an organisation's chart
    is byte for byte the same drawn first in a fresh process (caches cleared) or after
    another organisation's, and names only its own organisation."""
    cloud = _national_cloud()[:-2]

    def chart(name, x, y):
        return charts.quadrant_chart(cloud + [(name, x, y, True)], capability_cut=50,
                                     legacy_cut=50, quadrant_names={}, salt=name).svg

    def fresh(name, x, y):
        charts._BACKGROUNDS.clear()
        charts._FRAMES.clear()
        charts._LAYOUTS.clear()
        return chart(name, x, y)

    aneby = fresh("Aneby", 63.2, 41.7)
    chart("Åre", 64.0, 42.5)  # in the same cell: the same cells, the background shared
    again = chart("Aneby", 63.2, 41.7)
    assert again == aneby
    assert "Aneby" in _texts(aneby) and "Åre" not in _texts(aneby)


def test_radar_and_trend_frames_are_shared_and_the_chart_is_the_same_either_way():
    """The radar's and the trend's frames (grid, rings, category names, years, axis label)
    are written once per process and the organisation's series laid on top: a chart is
    byte for byte the same drawn first in a fresh process or after another organisation's
    with the same frame; the frame holds no organisation's text and the chart holds each
    text once, the frame's before the organisation's."""

    def radar(name, values):
        return charts.radar_chart(CATEGORIES, values, [50.0] * 6, label=name,
                                  county_label="Länets medelvärde", salt=name).svg

    def trend(name, values):
        return charts.trend_chart(
            [2023, 2024, 2025], values, [v - 3 for v in values], [v + 3 for v in values],
            [50.0, 51.0, 52.0], label=name, preliminary=[False, False, True],
            version_breaks=[2024], county_label="Länets medelvärde", salt=name).svg

    def fresh(draw, *args):
        charts._FRAME_SVGS.clear()
        charts._FRAMES.clear()
        charts._LAYOUTS.clear()
        return draw(*args)

    for draw, aneby_args, are_args, texts in [
        (radar, ("Aneby", [40.0, 45, 50, 55, 60, 65]), ("Åre", [70.0, 20, 35, 80, 55, 60]),
         [*CATEGORIES, "20", "40", "60", "80", "100", "Länets medelvärde", "Aneby"]),
        (trend, ("Aneby", [40.0, 45.0, 50.0]), ("Åre", [70.0, 20.0, 35.0]),
         ["ny enkätversion", "2023", "2024", "2025", "0", "20", "40", "60", "80", "100",
          "Digital mognad (0–100)", "40,0", "45,0", "50,0 prel.", "Aneby",
          "Länets medelvärde"]),
    ]:
        aneby = fresh(draw, *aneby_args)
        draw(*are_args)
        assert draw(*aneby_args) == aneby
        assert sorted(_texts(aneby)) == sorted(texts)
        frame = next(iter(charts._FRAME_SVGS.values()))  # Aneby's, written first
        body = frame[frame.index("<metadata>"):frame.rindex("</svg>")]
        # in the chart with the chart's ids (its salt, "Aneby", as their prefix)
        body = body.replace(' id="', ' id="Aneby-').replace("url(#", "url(#Aneby-").replace(
            'xlink:href="#', 'xlink:href="#Aneby-')
        assert aneby.index(body) < aneby.index(">Aneby</text>")  # the frame, then the marks
        assert not {"Aneby", "Åre", "Länets medelvärde"} & set(_texts(frame))


def test_deck_position_chart_of_cells_is_the_chart_drawn_for_the_organisation(tiny_snapshot,
                                                                              tmp_path):
    """Above the county scale the deck's position chart comes from the deck's skeleton (the
    cells drawn once per process) with the organisation's point put in it, and its radar,
    trend and bar charts are the skeleton's with the organisation's data put in: each
    chart's XML and data sheet must be byte for byte those of ``slides.quadrant_chart``,
    ``radar_chart``, ``trend_chart`` and ``share_bar_chart`` drawn for that organisation
    alone on a new slide, for a first deck and for one made after another organisation's
    from the same skeleton; the other organisation's point and name are gone."""
    import io
    import zipfile

    from pptx import Presentation
    from tiny_build import TINY_MIN_CELL_RESPONDENTS

    from pipelines.reports import slides
    from pipelines.reports.data import load_snapshot
    from pipelines.reports.views import organisation_view

    data = load_snapshot(tiny_snapshot / "mognad.duckdb",
                         min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    view = organisation_view(data, next(o for o in data.organisations
                                        if o["organisation_code"] == "0604"))
    cloud = _national_cloud()[:-2]
    cells = charts.position_cells(cloud)
    cuts = (52.5, 47.5)

    def position_chart(path):
        slide = Presentation(str(path)).slides[2]
        assert slide.shapes.title.text == slides.POSITION_TITLE_SV
        return next(shape for shape in slide.shapes if shape.has_chart)

    def blobs(frame):
        sheet = zipfile.ZipFile(io.BytesIO(frame.chart_part.chart_workbook.xlsx_part.blob))
        return frame.chart_part.blob, sheet.read("xl/worksheets/sheet1.xml")

    def drawn_alone(points):
        slide = Presentation().slides.add_slide(Presentation().slide_layouts[6])
        return blobs(slides.quadrant_chart(slide, points, *cuts, *slides.HALF_CHART_BOX,
                                           cells=cells))

    slides._SKELETONS.clear()
    decks = {}
    for name, x, y in (("Aneby", 63.2, 41.7), ("Åre", 31.0, 77.5)):
        points = [*cloud, (name, x, y, True)]
        view["series"]["quadrant_points"], view["series"]["quadrant_cells"] = points, cells
        decks[name] = slides.build_deck(view, tmp_path / f"{name}.pptx", cuts=cuts)
        frame = position_chart(decks[name])
        assert blobs(frame) == drawn_alone(points)
        own = list(frame.chart.plots[0].series)[1]
        assert own.values == (y,)
        assert own.points[0].data_label.text_frame.text == name
        # the radar and the trend, also data put in the skeleton's charts
        prs = Presentation(str(decks[name]))
        radar, trend = (next(s for s in prs.slides[i].shapes if s.has_chart) for i in (3, 4))
        comparison = view["series"]["radar_comparison"]
        alone = Presentation().slides.add_slide(Presentation().slide_layouts[6])
        assert blobs(radar) == blobs(slides.radar_chart(alone, slides.radar_data(
            [c["name"] for c in view["categories"]], [c["value"] for c in view["categories"]],
            comparison["values"], view["org"]["short_name"],
            comparison_label=comparison["label"]), *slides.HALF_CHART_BOX))
        assert blobs(trend) == blobs(slides.trend_chart(alone, slides.trend_data(
            view["series"]["trend"], view["org"]["short_name"], place=view["place"]),
            trend.left, trend.top, trend.width, trend.height))
        assert radar.chart.plots[0].series[0].values == tuple(
            round(c["value"], 1) for c in view["categories"])
        bars = next(s for s in prs.slides[5].shapes if s.has_chart)
        assert prs.slides[5].shapes.title.text.startswith("Svarsfrekvens per målgrupp")
        rates = bars.chart.plots[0].series[0].values
        assert rates == tuple(None if r["rate"] is None else round(r["rate"], 4)
                              for r in view["series"]["response_rates"])
        assert blobs(bars) == blobs(slides.share_bar_chart(alone, slides.share_data(
            list(bars.chart.plots[0].categories), rates, "Svarsfrekvens"), *slides.BARS_BOX))
    assert len(slides._SKELETONS) == 1  # Åre's deck was made from Aneby's skeleton
    assert b"Aneby" not in position_chart(decks["Åre"]).chart_part.blob


def test_a_charts_ids_carry_its_salt_and_a_name_in_a_label_stays_text():
    """Every id of a chart drawn in two layers (the trend: a frame shared by every
    organisation, the organisation's marks on top, each layer numbering its groups from
    ``figure_1``) begins with the chart's salt and stands once, and every clip path and
    marker it refers to is one of its own; a name holding ``id="x"`` and ``url(#y)`` is
    drawn as it is; a salt that cannot begin an id is refused."""
    name = 'Ö id="x" url(#y)'

    def trend(salt):
        return charts.trend_chart([2024, 2025], [40.0, 45.0], [37.0, 42.0], [43.0, 48.0],
                                  [50.0, 51.0], label=name, preliminary=[False, True],
                                  version_breaks=[], salt=salt).svg

    svg = trend("t-0604")
    assert 'aria-label="Digital mognad över åren: Ö id=&#34;x&#34; url(#y) och' in svg
    tags = [re.sub(r'\saria-label="[^"]*"', "", tag) for tag in re.findall(r"<[^>]+>", svg)]
    ids = [i for tag in tags for i in re.findall(r'\sid="([^"]+)"', tag)]
    refs = [i for tag in tags for i in re.findall(r'url\(#([^)]+)\)|xlink:href="#([^"]+)"', tag)]
    assert "t-0604-figure_1" in ids and "t-0604-top-figure_1" in ids
    assert all(i.startswith("t-0604-") for i in ids)
    assert len(set(ids)) == len(ids)
    assert refs and {a or b for a, b in refs} <= set(ids)
    assert name in _texts(svg)
    with pytest.raises(ValueError, match="salt '0604'"):
        trend("0604")


def test_an_organisations_position_chart_takes_the_years_cells_made_once(tiny_snapshot):
    """The tiny snapshot with 45 organisations added in 2025 (Aneby's rows at other indices,
    46 shown with Aneby, above the county scale): every organisation's view has the year's
    cells, one value made once for the snapshot, equal to ``position_cells`` of the view's
    own points (counting 46), and its position chart is byte for byte the chart that
    computes the cells from those points itself."""
    from tiny_build import TINY_MIN_CELL_RESPONDENTS

    from pipelines.reports.data import load_snapshot
    from pipelines.reports.views import organisation_view

    data = load_snapshot(tiny_snapshot / "mognad.duckdb",
                         min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    aneby = next(o for o in data.organisations if o["organisation_code"] == "0604")
    rng = random.Random(13)
    for i in range(45):
        code = f"9{i:03d}"
        data.organisations.append({**aneby, "organisation_code": code,
                                   "organisation_name": f"Org {i} kommun", "short_name": f"Org {i}"})
        data.org_years[code] = {2025: {**data.org_years["0604"][2025], "organisation_code": code,
                                       "capability_index": rng.uniform(20, 80),
                                       "legacy_index": rng.uniform(25, 85)}}
    views = [organisation_view(data, org) for org in (aneby, data.organisations[-1])]
    assert views[0]["year"] == views[1]["year"] == 2025
    cells = views[0]["series"]["quadrant_cells"]
    assert views[1]["series"]["quadrant_cells"] is cells
    for view in views:
        points = view["series"]["quadrant_points"]
        assert cells == tuple(charts.position_cells(points))
        assert sum(n for _x, _y, n in cells) == 46
        assert view["charts"]["quadrant"].svg == charts.quadrant_chart(
            points, capability_cut=data.capability_cut, legacy_cut=data.legacy_cut,
            quadrant_names={letter: (data.quadrant_types.get(letter) or {}).get(
                "quadrant_name_sv") or f"Typ {letter}" for letter in charts.QUADRANT_CORNERS},
            salt=f"q-{view['org']['organisation_code']}",
            title=view["charts"]["quadrant"].alt).svg


def test_small_multiples_write_the_years_under_every_column():
    """14 panels in 4 columns (rows of 4, 4, 4 and 2): the years are written once under each
    column's lowest panel, the last row's two and the third row's last two, not only under
    the bottom row's panels."""
    years = [2018, 2019, 2020]
    panels = [(f"Org {i}", years, [40.0, 45.0, 50.0]) for i in range(14)]
    chart = charts.small_multiples_chart(panels, (years, [41.0, 44.0, 48.0]), salt="sm",
                                         title="Små diagram")
    texts = _texts(chart.svg)
    assert [texts.count(f"’{y}") for y in ("18", "19", "20")] == [4, 4, 4]

