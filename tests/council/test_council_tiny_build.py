"""The council's quality report on the tiny snapshot of a real dbt build (tests/tiny_build.py):
the response rates and respondent counts come from dbt's quality_check_results, not from a
hand-made table.

By hand, 2024: Aneby (0604) invited 5 (kommunledning) and 10 (strateger) by e-mail; r3
answered as kommunledning, r1 and r2 as strateger: 1 of 5 = 20 %, 2 of 10 = 20 %, 3 of 15 =
20 %, all under the council's failing level 30 %. Gnosjö (0617, short name a spreadsheet
formula) invited its strateger by link: rate unknown, 2 respondents, under the tiny build's
minimum of 3 (min_cell_respondents, the failing level of min_respondents).
"""

from __future__ import annotations

from test_council_report import rows_of, text_of
from tiny_build import HOSTILE_SHORT, copy_snapshot

from pipelines.reports.council import build_quality_report

NBSP = "\u00a0"


def test_response_rates_of_a_real_build(tiny_snapshot, tmp_path):
    snapshot = copy_snapshot(tiny_snapshot, tmp_path / tiny_snapshot.name)
    written = {p.name: p for p in build_quality_report(snapshot)}
    assert {"index.html", "2024.html", "2025.html"} <= set(written)
    rows = {r[0]: r[1:] for r in rows_of(written["2024.html"].read_text("utf-8"), "rates")}
    # columns: Kommunledning, Strateger och verksamhetsutvecklare, Totalt, Svarande
    assert rows["Aneby"] == [
        f"✗ 20{NBSP}% 1 av 5", f"✗ 20{NBSP}% 2 av 10", f"✗ 20{NBSP}% 3 av 15 fel", "3"]
    assert rows[HOSTILE_SHORT] == [
        "– ingen inbjudan och inga svar", "? okänd 2 svar, länk", "? okänd 2 svar", "2 ✗ fel"]


def test_a_check_of_one_organisation_is_worded_in_the_singular(tmp_path, dbt_manifest):
    """A real build of one organisation: the register holds Aneby alone and the raw data is
    its 2025 (3 respondents, no invitations file), so each organisation check has one result:
    3 respondents pass the minimum of 3, the response rate is unknown."""
    import shutil

    from tiny_build import build_tiny_snapshot, edit_register, write_tiny_raw

    project, data_dir = write_tiny_raw(tmp_path)
    shutil.rmtree(data_dir / "warehouse" / "raw" / "2024")
    edit_register(project, keep={"0604"})
    snapshot = build_tiny_snapshot(
        tmp_path, project, data_dir,
        {"2025": {"instrument_version": "vtest", "status": "preliminary"}},
    )
    written = {p.name: p for p in build_quality_report(snapshot)}
    text = text_of(written["2025.html"].read_text("utf-8"))
    assert "Utfall 1 organisation: 1 godkänd." in text
    assert "Utfall 1 organisation: 1 okänd." in text
    assert "1 organisationer" not in text
