"""Charts that stay readable with many organisations (the country has about 1,500)."""

from __future__ import annotations

import random
import re

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
