"""The dbt asset uses dagster-dbt's own resource and prunes old build folders
(pipelines/transform/assets.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource


def test_the_stock_dbt_resource_is_used(dbt_manifest):
    from pipelines.definitions import defs

    assert type(defs.resources["dbt"]) is DbtCliResource


@pytest.mark.parametrize("keep", [3, 1])
def test_old_build_folders_are_pruned(tmp_path, keep):
    from pipelines.transform.assets import _prune_build_targets

    folders = []
    for i in range(6):
        folder = tmp_path / f"mognad_dbt_models-{i:07d}-abcdef0"
        folder.mkdir()
        (folder / "run_results.json").write_text("{}", encoding="utf-8")
        stamp = time.time() - 100 + i
        os.utime(folder, (stamp, stamp))
        folders.append(folder)
    (tmp_path / "partial_parse.msgpack").write_bytes(b"x")  # not a build folder
    current = folders[2]  # e.g. a clock that went back: the current one is never removed
    removed = _prune_build_targets(current, keep=keep)
    left = sorted(p.name for p in tmp_path.iterdir())
    newest = [f.name for f in folders[-keep:]]
    assert left == sorted({*newest, current.name, "partial_parse.msgpack"})
    assert {p.name for p in removed} == {f.name for f in folders} - set(newest) - {current.name}
    assert isinstance(removed[0], Path)


def test_council_check_results_name_the_years_of_their_rows(tmp_path):
    """Each council check result carries its rows per survey year and status, read from the
    checked model: counted here by hand from the rows written."""
    import dagster as dg
    import duckdb

    from pipelines.transform.check_years import results_by_year, with_years

    db = tmp_path / "mognad.duckdb"
    rows = ([("response_rate", 2019, "fel"), ("response_rate", 2019, "godkänd")]
            + [("response_rate", 2018, "godkänd")] * 3
            + [("response_rate", 2019, "varning")] * 2
            + [("response_rate", 2019, "okänd"), ("min_respondents", 2020, "godkänd")])
    with duckdb.connect(str(db)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_quality_checks_evaluated "
                    "(check_name varchar, survey_year integer, status varchar)")
        con.executemany("insert into intermediate.int_quality_checks_evaluated values (?, ?, ?)",
                        rows)
    by_check = results_by_year(db, '"intermediate"."int_quality_checks_evaluated"')
    assert by_check == {
        "min_respondents": {"2020": {"godkänd": 1}},
        "response_rate": {"2018": {"godkänd": 3},
                          "2019": {"godkänd": 1, "varning": 2, "fel": 1, "okänd": 1}},
    }
    # statuses in the council report's order, years ascending
    assert list(by_check["response_rate"]) == ["2018", "2019"]
    assert list(by_check["response_rate"]["2019"]) == ["godkänd", "varning", "fel", "okänd"]

    dbt_result = dg.AssetCheckResult(
        passed=False, asset_key=dg.AssetKey(["intermediate", "int_quality_checks_evaluated"]),
        check_name="response_rate", severity=dg.AssetCheckSeverity.WARN,
        metadata={"dagster_dbt/failed_row_count": 3, "status": "warn"})
    result = with_years(dbt_result, by_check)
    assert result.metadata["years"].value == (
        "2018: 3 godkänd · 2019: 1 godkänd, 2 varning, 1 fel, 1 okänd")
    assert result.metadata["results_by_year"].value == by_check["response_rate"]
    # what dbt reported stays as it was, but a "fel" row (2019) shows the result as an error
    assert result.metadata["dagster_dbt/failed_row_count"].value == 3
    assert (result.passed, result.severity, result.check_name, result.asset_key) == (
        False, dg.AssetCheckSeverity.ERROR, "response_rate", dbt_result.asset_key)
    # one status to read, the council's worst of any year (2019's fel), beside dbt's own
    # named as dbt's: no bare "status" saying warn on a result shown as an error
    assert (result.metadata["council_status"].value, result.metadata["dbt_test_status"].value) == (
        "fel", "warn")
    assert "status" not in result.metadata
    # only "varning" rows: the warning dbt reported
    warned = with_years(dbt_result, {"response_rate": {"2020": {"godkänd": 4, "varning": 1}}})
    assert (warned.passed, warned.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert (warned.metadata["council_status"].value, warned.metadata["dbt_test_status"].value) == (
        "varning", "warn")
    assert warned.metadata["years"].value == "2020: 4 godkänd, 1 varning"
    # an unknown rate is worse than a pass; dbt's test passed (okänd is no failing row)
    passed = dg.AssetCheckResult(passed=True, asset_key=dbt_result.asset_key,
                                 check_name="response_rate", severity=dg.AssetCheckSeverity.WARN,
                                 metadata={"status": "pass"})
    unknown = with_years(passed, {"response_rate": {"2020": {"godkänd": 4, "okänd": 1}}})
    assert (unknown.metadata["council_status"].value, unknown.metadata["dbt_test_status"].value,
            unknown.severity) == ("okänd", "pass", dg.AssetCheckSeverity.WARN)
    # a check the model has no row of (or a model that could not be read): dbt's status,
    # named as dbt's, and no council status
    other = dg.AssetCheckResult(passed=True, asset_key=dbt_result.asset_key,
                                check_name="dont_know_share", metadata={"a": 1, "status": "pass"})
    bare = with_years(other, by_check)
    assert {k: v.value for k, v in bare.metadata.items()} == {"a": 1, "dbt_test_status": "pass"}
    assert (bare.passed, bare.severity) == (True, other.severity)


def test_council_check_status_as_the_instance_records_it():
    """The instance's check evaluation of a council check (the result :func:`with_years`
    makes of dagster-dbt's, materialised for real): severity ERROR for a year with a 'fel'
    row, the council's status and dbt's named apart, no bare ``status``."""
    import dagster as dg

    from pipelines.transform.check_years import with_years

    key = dg.AssetKey(["intermediate", "int_quality_checks_evaluated"])
    by_check = {"response_rate": {"2018": {"godkänd": 14}, "2019": {"godkänd": 12, "fel": 1}},
                "dont_know_share": {"2019": {"godkänd": 40, "varning": 2}}}

    @dg.asset(key=key, check_specs=[dg.AssetCheckSpec(name, asset=key) for name in by_check])
    def checked():
        dbt_results = [dg.AssetCheckResult(passed=False, asset_key=key, check_name=name,
                                           severity=dg.AssetCheckSeverity.WARN,
                                           metadata={"status": "warn", "unique_id": name})
                       for name in by_check]
        return dg.MaterializeResult(check_results=[with_years(r, by_check) for r in dbt_results])

    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize([checked], instance=instance).success
    # the latest execution of each check, as the UI's check page reads it
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(key, name) for name in by_check])
    recorded = {}
    for check_key, record in latest.items():
        evaluation = record.event.dagster_event.event_specific_data
        recorded[check_key.name] = (
            evaluation.severity, {k: v.value for k, v in evaluation.metadata.items()
                                  if k in ("status", "council_status", "dbt_test_status")})
    assert recorded == {
        "response_rate": (dg.AssetCheckSeverity.ERROR,
                          {"council_status": "fel", "dbt_test_status": "warn"}),
        "dont_know_share": (dg.AssetCheckSeverity.WARN,
                            {"council_status": "varning", "dbt_test_status": "warn"}),
    }


def test_every_dbt_check_has_a_description():
    """dagster-dbt gives a dbt test's check only ``meta.description``: the translator adds the
    test's own description (the council's checks) or one said from its name and arguments."""
    from pipelines.transform.assets import data_test_description, mognad_dbt_models

    specs = {(s.asset_key.to_user_string(), s.name): s for s in mognad_dbt_models.check_specs}
    assert specs and all(s.description for s in specs.values())
    council = specs[("intermediate/int_quality_checks_evaluated", "response_rate")]
    assert council.description.startswith("Each organisation's response rate (respondents / invited)")
    assert not council.blocking

    def node(name, **kwargs):
        return {"name": "t", "test_metadata": {"name": name, "kwargs": kwargs}}

    assert data_test_description(node("not_null", column_name="survey_year")) == (
        "survey_year is never null.")
    assert data_test_description(node("accepted_values", column_name="s", values=["a", "b"])) == (
        "s is one of: a, b.")
    assert data_test_description(node("accepted_range", column_name="x", min_value=0)) == (
        "x is at least 0.")
    assert data_test_description(node("accepted_range", column_name="x", min_value=0,
                                      max_value=100)) == "x is at least 0 and at most 100."
    assert data_test_description(node("relationships", column_name="c", field="code",
                                      to="ref('organisations')")) == (
        "every c is a code of organisations.")
    assert data_test_description(node("expression_is_true", expression="a\n   <= b")) == (
        "every row satisfies: a <= b.")
    assert data_test_description({"name": "assert_x", "original_file_path": "tests/assert_x.sql"}
                                 ) == "dbt test tests/assert_x.sql."


def test_an_incremental_build_names_its_years_in_the_environment_not_in_vars(monkeypatch):
    """The plan's years reach dbt as MOGNAD_SURVEY_YEARS_TO_BUILD (no ``--vars``, which would
    make dbt parse the whole project again); a full refresh sets it empty, so that a value
    left in the shell never limits the pipeline's build; the variable is restored after."""
    import os

    from pipelines.transform.assets import _environment
    from pipelines.transform.incremental import BuildPlan
    from pipelines.transform.project import YEARS_TO_BUILD_ENV

    record = {"code_version": "x", "years": {}}
    incremental = BuildPlan(False, (2019, 2021), "incremental", record, ("int_answers_scored",))
    assert incremental.dbt_args() == []
    assert incremental.dbt_env() == {YEARS_TO_BUILD_ENV: "2019,2021"}
    full = BuildPlan(True, (), "full refresh", record, ("int_answers_scored",))
    assert (full.dbt_args(), full.dbt_env()) == (["--full-refresh"], {YEARS_TO_BUILD_ENV: ""})
    no_models = BuildPlan(False, (2021,), "tables only", record, ())
    assert (no_models.dbt_args(), no_models.dbt_env()) == (
        ["--full-refresh"], {YEARS_TO_BUILD_ENV: ""})

    monkeypatch.setenv(YEARS_TO_BUILD_ENV, "2018")  # set by hand in the shell
    with _environment(full.dbt_env()):
        assert os.environ[YEARS_TO_BUILD_ENV] == ""
    assert os.environ[YEARS_TO_BUILD_ENV] == "2018"
    monkeypatch.delenv(YEARS_TO_BUILD_ENV)
    with _environment(incremental.dbt_env()):
        assert os.environ[YEARS_TO_BUILD_ENV] == "2019,2021"
    assert YEARS_TO_BUILD_ENV not in os.environ
