"""The position (quadrant) chart is zoomed to its points: limits worked out by hand, the
types named only where the view reaches them, and a county's labels beside their points."""

from __future__ import annotations

import re

from pipelines.reports import charts
from pipelines.reports.charts import zoom_limits

NAMES = {"A": "Typ A", "B": "Typ B", "C": "Typ C", "D": "Typ D"}
LEADER = "stroke: #9aa5b1; stroke-width: 0.6"
"""The style of the thin line from a point to a label that had to move away from it."""


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_zoom_limits_by_hand():
    # spread 22.5, 12 % of it (2.7) on each side: 49.6-77.5, out to multiples of 5
    assert zoom_limits([52.3, 60.0, 74.8]) == (45.0, 80.0)
    # close together: at least 20 wide around the middle (61): 51-71, out to 50-75
    assert zoom_limits([60.0, 62.0]) == (50.0, 75.0)
    assert zoom_limits([61.0]) == (50.0, 75.0)
    # against an end of the scale: within 0-100 and still 20 wide
    assert zoom_limits([1.0, 3.0]) == (0.0, 20.0)
    assert zoom_limits([98.0, 99.5]) == (80.0, 100.0)
    assert zoom_limits([0.0, 100.0]) == (0.0, 100.0)
    # a wide spread: 12 % of 50 = 6 on each side
    assert zoom_limits([20.0, 70.0]) == (10.0, 80.0)


def test_types_named_where_the_view_reaches_them():
    """Capability 60-80 (view 55-85) lies wholly above the cut 50: only C and D are in view,
    named in the right-hand corners; legacy 30-70 (view 25-75) straddles its cut."""
    points = [("Eksjö", 60.0, 30.0, False), ("Gnosjö", 80.0, 70.0, False)]
    chart = charts.quadrant_chart(points, capability_cut=50, legacy_cut=50,
                                  quadrant_names=NAMES, salt="t")
    texts = _texts(chart.svg)
    assert "Typ C" in texts and "Typ D" in texts
    assert "Typ A" not in texts and "Typ B" not in texts
    # the axis ticks are those of the zoomed view, not 0-100
    assert "55" in texts and "85" in texts and "0" not in texts and "100" not in texts


def test_without_points_the_whole_square_and_every_type():
    chart = charts.quadrant_chart([("Aneby", None, 40.0, True)], capability_cut=50,
                                  legacy_cut=50, quadrant_names=NAMES, salt="t")
    texts = _texts(chart.svg)
    assert {"Typ A", "Typ B", "Typ C", "Typ D"} <= set(texts)
    assert "0" in texts and "100" in texts


# A county's organisations as they lie in practice: in a band of the square (capability
# 55-72, legacy 42-61), several close together.
COUNTY = [
    ("Aneby", 58.2, 47.9), ("Eksjö", 63.5, 52.4), ("Gislaved", 61.0, 49.8),
    ("Gnosjö", 55.4, 44.1), ("Habo", 66.8, 55.0), ("Jönköping", 71.9, 60.7),
    ("Mullsjö", 57.1, 42.3), ("Nässjö", 62.2, 51.1), ("Sävsjö", 59.6, 46.5),
    ("Tranås", 64.9, 53.8), ("Vaggeryd", 60.3, 48.6), ("Vetlanda", 62.8, 50.2),
    ("Värnamo", 67.5, 57.9), ("Region Jönköpings län", 69.4, 58.8),
]


def test_a_county_labels_its_points_beside_them():
    """Zoomed to the county's band, every name is drawn and each sits next to its point:
    no label had to be moved away and joined to its point by a leader line (on the whole
    0-100 square, the same points need them)."""
    points = [(name, cx, ly, False) for name, cx, ly in COUNTY]
    chart = charts.quadrant_chart(points, capability_cut=50, legacy_cut=50,
                                  quadrant_names=NAMES, salt="t")
    assert {name for name, _, _ in COUNTY} <= set(_texts(chart.svg))
    assert chart.svg.count(LEADER) == 0
