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
