"""Outcomes turned into Dagster asset check results are accepted by a real materialisation."""

from __future__ import annotations

import dagster as dg
from validation_support import YEAR, as_tables

from pipelines.validation import RAW_CHECKS, run_raw_checks, to_asset_check_results


def test_outcomes_materialise_as_asset_checks(rows, seeds_dir, tmp_path):
    rows["survey_answers"][0]["answer_value"] = 9  # one blocking failure
    tables = as_tables(rows)
    key = dg.AssetKey("survey_export")

    @dg.asset(
        key=key,
        check_specs=[
            dg.AssetCheckSpec(c.name, asset=key, description=c.description, blocking=True)
            for c in RAW_CHECKS
        ],
    )
    def survey_export():
        work = tmp_path / "work"
        outcomes = run_raw_checks(
            tables, year=YEAR, instrument_version="v2020", work_dir=work, seeds_dir=seeds_dir
        )
        return dg.MaterializeResult(check_results=to_asset_check_results(outcomes, key))

    result = dg.materialize([survey_export], raise_on_error=False)
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {c.name for c in RAW_CHECKS}
    failed = {name for name, e in evaluations.items() if not e.passed}
    assert failed == {"answers_within_scale"}  # the one blocking failure
    assert evaluations["answers_within_scale"].severity == dg.AssetCheckSeverity.ERROR
    meta = evaluations["answers_within_scale"].metadata
    assert meta["off_scale_answer_value_rows"].value == 1
