"""Ingest warnings reach the people who look: `mognad load` lists them (read back from the
Dagster instance), and a rule that fired turns the check it concerns into 'varning'."""

from __future__ import annotations

import datetime as dt

import dagster as dg
from ingest_support import SECRET, ok_row_2018, write_2018

from pipelines.ingest import ingest_year
from pipelines.ingest.run_warnings import run_ingest_warnings, warning_lines
from pipelines.validation.gx_checks import CheckOutcome
from pipelines.validation.results import check_result_rows, findings_from_stats


def test_duplicate_dropped_counts_as_a_finding_of_the_uniqueness_check(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1"), ok_row_2018("2"), ok_row_2018("1"),
                        ok_row_2018("1")])
    result = ingest_year(folder, 2018, secret=SECRET)
    assert result.stats["duplicates_removed"] == 2
    assert findings_from_stats(result.stats) == {"respondents_unique": 2}
    assert findings_from_stats({"duplicates_removed": 0, "rows_outside_year": 0}) == {}


def test_a_passed_check_whose_ingest_rule_fired_is_varning_with_the_count():
    at = dt.datetime(2026, 1, 1)
    outcomes = [CheckOutcome("respondents_unique", True, "ERROR", "", {}),
                CheckOutcome("survey_year_matches", True, "ERROR", "", {}),
                CheckOutcome("required_columns", True, "ERROR", "", {})]
    rows = check_result_rows(year=2018, structural=outcomes, checked_at=at,
                             ingest_findings={"respondents_unique": 3,
                                              "survey_year_matches": 1})
    got = {r["check_name"]: (r["status"], r["observed"], r["threshold"]) for r in rows}
    assert got == {
        "respondents_unique": ("varning", 3.0, "varning > 0 duplicates_removed at ingest"),
        "survey_year_matches": ("varning", 1.0, "varning > 0 rows_outside_year at ingest"),
        "required_columns": ("godkänd", None, None),
    }
    failed = [CheckOutcome("respondents_unique", False, "ERROR", "", {})]
    [row] = check_result_rows(year=2018, structural=failed, checked_at=at,
                              ingest_findings={"respondents_unique": 3})
    assert row["status"] == "fel"  # a failure stays a failure


def test_warning_lines_short_list():
    assert warning_lines(2018, []) == []
    assert warning_lines(2018, ["a"]) == ["    2018: 1 ingest warning:", "      - a"]
    lines = warning_lines(2020, [f"w{i}" for i in range(13)], limit=10)
    assert lines[0] == "    2020: 13 ingest warnings:"
    assert lines[1:11] == [f"      - w{i}" for i in range(10)]
    assert lines[11].startswith("      ... and 3 more (mognad ui")


def test_run_ingest_warnings_read_back_from_the_instance():
    partitions = dg.StaticPartitionsDefinition(["2018", "2019"])

    @dg.asset(key=dg.AssetKey("survey_export"), partitions_def=partitions)
    def survey_export(context):
        year = context.partition_key
        return dg.MaterializeResult(metadata={
            "warnings": dg.MetadataValue.json([f"{year}: first", f"{year}: second"])})

    @dg.asset(key=dg.AssetKey("other"))
    def other():
        return dg.MaterializeResult(metadata={"warnings": dg.MetadataValue.json(["no"])})

    with dg.instance_for_test() as instance:
        run = dg.materialize([survey_export], partition_key="2019", instance=instance)
        assert run_ingest_warnings(instance, run.run_id) == {
            2019: ["2019: first", "2019: second"]}
        assert run_ingest_warnings(instance, dg.materialize([other], instance=instance).run_id
                                   ) == {}


def test_a_reload_cut_off_at_a_line_break_warns_with_the_counts(tmp_path):
    """A 2020 export missing its last 155 data rows (cut exactly after a line break) is a
    well-formed file; compared with the accepted 2020 (754 respondents) it warns that 155
    respondents (21 %) are missing. A first delivery and a complete reload do not warn."""
    import shutil
    from pathlib import Path

    from pipelines.ingest.ingest import write_tables
    from pipelines.validation.file_contract import fewer_respondents_than_accepted

    sample = Path(__file__).resolve().parents[2] / "sample" / "landing" / "2020"
    accepted = tmp_path / "raw" / "2020"
    assert fewer_respondents_than_accepted(accepted, 754) is None  # nothing accepted yet
    full = ingest_year(sample, 2020, secret=SECRET)
    write_tables(full, accepted)
    assert full.tables["respondents"].num_rows == 754

    cut = tmp_path / "landing" / "2020"
    shutil.copytree(sample, cut)
    export = cut / "dimios_export_2020.csv"
    lines = export.read_bytes().splitlines(keepends=True)
    export.write_bytes(b"".join(lines[:-155]))
    shorter = ingest_year(cut, 2020, secret=SECRET)
    assert shorter.tables["respondents"].num_rows == 599

    message = fewer_respondents_than_accepted(accepted, 599)
    assert message is not None
    assert "599 respondents, 155 fewer than the 754 accepted before (21% fewer)" in message
    assert fewer_respondents_than_accepted(accepted, 754) is None
