"""Reports rebuilt only for the organisations whose inputs changed (pipelines/reports/reuse.py):
a second build of the same tables links every file of the first; a change in one
organisation's rows rebuilds that organisation (and the county report) only; a change every
page shows (a year's status) rebuilds all."""

from __future__ import annotations

import json
import os

import duckdb
import pytest
from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot

from pipelines.reports import build_reports
from pipelines.reports.reuse import BUILD_RECORD


def _build(snapshot, previous=None):
    return build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS,
                         previous=previous)


def _org_files(result):
    """``{organisation code: [page, deck, pdf]}`` from build_reports' result."""
    pages = {p.stem: p for p in result["reports"][1:]}
    files = {}
    for code, page in pages.items():
        deck = next(d for d in result["slides"] if d.name.startswith(f"{code}_"))
        pdf = next(p for p in result["pdf"][1:] if p.name.startswith(f"{code}_"))
        files[code] = [page, deck, pdf]
    return files


def _same_file(a, b) -> bool:
    return os.stat(a).st_ino == os.stat(b).st_ino


@pytest.fixture(scope="module")
def first(tiny_snapshot, tmp_path_factory):
    snapshot = copy_snapshot(tiny_snapshot, tmp_path_factory.mktemp("first") / tiny_snapshot.name)
    return snapshot, _build(snapshot)


def test_unchanged_inputs_link_every_file(first, tmp_path):
    previous, result = first
    record = json.loads((previous / "reports" / BUILD_RECORD).read_text(encoding="utf-8"))
    files = _org_files(result)
    assert sorted(record["organisations"]) == sorted(files)
    second = copy_snapshot(previous, tmp_path / "second")
    for path in second.rglob("*"):  # nothing of the first build's output left in the copy
        if path.is_file() and path.suffix in {".html", ".pptx", ".pdf"}:
            path.unlink()
    again = _build(second, previous)
    for code, paths in _org_files(again).items():
        for new, old in zip(paths, files[code], strict=True):
            assert _same_file(new, old), new
    assert _same_file(again["pdf"][0], result["pdf"][0])  # the county report
    assert not _same_file(again["reports"][0], result["reports"][0])  # the overview: always built


def test_one_organisation_changed_rebuilds_it_and_the_county_report(first, tmp_path):
    previous, result = first
    files = _org_files(result)
    second = copy_snapshot(previous, tmp_path / "second")
    with duckdb.connect(str(second / "mognad.duckdb")) as con:
        changed = con.execute(
            "select organisation_code from maturity_by_department order by 1 limit 1").fetchone()[0]
        con.execute("update maturity_by_department set respondents = respondents + 1 "
                    "where organisation_code = ?", [changed])
    again = _build(second, previous)
    rebuilt = {code for code, paths in _org_files(again).items()
               if not any(_same_file(n, o) for n, o in zip(paths, files[code], strict=True))}
    assert rebuilt == {changed}
    assert not _same_file(again["pdf"][0], result["pdf"][0])


def test_a_change_every_page_shows_rebuilds_all(first, tmp_path):
    previous, result = first
    files = _org_files(result)
    second = copy_snapshot(previous, tmp_path / "second")
    manifest = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    year = max(manifest["years"])
    status = manifest["years"][year]["status"]
    manifest["years"][year]["status"] = "signed_off" if status == "preliminary" else "preliminary"
    (second / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    # the reports read the year's status from the published survey_years table
    with duckdb.connect(str(second / "mognad.duckdb")) as con:
        con.execute(
            "update survey_years set status = case status when 'granskad' then 'preliminär' "
            "else 'granskad' end where survey_year = ?", [int(year)])
    again = _build(second, previous)
    for code, paths in _org_files(again).items():
        assert not any(_same_file(n, o) for n, o in zip(paths, files[code], strict=True)), code
