"""Each raw check on a tiny year that passes and on one that fails, with hand-counted numbers.

The passing year is described in conftest.py (3 organisations, 3 respondents, items A01–A03).
"""

from __future__ import annotations

import hashlib

import dagster as dg
import pandas as pd
import pytest
from validation_support import YEAR, as_tables

from pipelines.settings import EXPECTATIONS_DIR
from pipelines.validation import (
    RAW_CHECKS,
    CheckOutcome,
    data_docs_dir,
    run_raw_checks,
    to_asset_check_results,
)


def _failed(outcomes) -> set[str]:
    return {name for name, o in outcomes.items() if not o.passed}


def _tree_digest(root) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_passing_year_passes_every_check_and_leaves_expectations_untouched(
    rows, run_checks, tmp_path
):
    before = _tree_digest(EXPECTATIONS_DIR)
    outcomes = run_checks(rows)
    assert _tree_digest(EXPECTATIONS_DIR) == before

    assert list(outcomes) == [c.name for c in RAW_CHECKS]
    assert _failed(outcomes) == set()
    assert {o.severity for o in outcomes.values()} == {"ERROR"}
    # 3 respondents x 3 items of v2020
    assert outcomes["respondents_unique"].metadata["answer_rows_expected"] == 9
    assert outcomes["respondents_unique"].metadata["answer_rows_observed"] == 9
    assert outcomes["expected_organisations_present"].metadata["missing_organisation_codes"] == []
    assert outcomes["answers_within_scale"].metadata["off_scale_answer_value_rows"] == 0
    # the GX run wrote its Data Docs into the work folder
    assert (data_docs_dir(tmp_path / "work") / "index.html").is_file()


def test_data_docs_can_be_left_to_a_later_build(rows, seeds_dir, tmp_path):
    from pipelines.validation import build_data_docs, run_raw_checks

    work = tmp_path / "later"
    outcomes = run_raw_checks(
        as_tables(rows), year=YEAR, instrument_version="v2020", work_dir=work,
        seeds_dir=seeds_dir, build_docs=False,
    )
    assert all(o.passed for o in outcomes)
    assert not (data_docs_dir(work) / "index.html").exists()
    assert build_data_docs(work) == data_docs_dir(work)
    page = (data_docs_dir(work) / "index.html").read_text(encoding="utf-8")
    assert "raw_survey_answers" in page  # the stored results of the run above


def test_pandas_input_is_accepted(rows, run_checks):
    tables = {name: t.to_pandas() for name, t in as_tables(rows).items()}
    assert isinstance(tables["respondents"], pd.DataFrame)
    assert _failed(run_checks(tables)) == set()


def test_required_columns(rows, run_checks):
    tables = as_tables(rows)
    tables["survey_answers"] = tables["survey_answers"].drop_columns(["answer_raw"])
    tables["respondents"] = tables["respondents"].append_column(
        "email", tables["respondents"].column("respondent_id")
    )
    outcomes = run_checks(tables)
    meta = outcomes["required_columns"].metadata
    assert not outcomes["required_columns"].passed
    assert meta["missing_survey_answers_columns"] == ["answer_raw"]
    assert meta["unexpected_survey_answers_columns"] == []
    assert meta["missing_respondents_columns"] == []
    assert meta["unexpected_respondents_columns"] == ["email"]
    assert meta["missing_invitations_columns"] == []
    assert _failed(outcomes) == {"required_columns"}


def test_survey_year_matches(rows, run_checks):
    rows["invitations"][1]["survey_year"] = YEAR - 1
    outcomes = run_checks(rows)
    meta = outcomes["survey_year_matches"].metadata
    assert _failed(outcomes) == {"survey_year_matches"}
    assert meta["invitations_other_year_rows"] == 1
    assert meta["invitations_other_year_values"] == [YEAR - 1]
    assert meta["survey_answers_other_year_rows"] == 0


def test_answers_within_scale(rows, run_checks):
    answers = rows["survey_answers"]
    answers[0]["answer_value"] = 0  # r1 A01 answered 0: below 1
    answers[1]["answer_value"] = 6  # r1 A02 answered 6: above 5
    answers[2]["answer_value"] = 3  # r1 A03 dont_know with a value
    answers[3]["answer_value"] = None  # r2 A01 answered without a value
    answers[4]["answer_status"] = "vet ej"  # r2 A02: not a contract status (value is null)
    outcomes = run_checks(rows)
    meta = outcomes["answers_within_scale"].metadata
    assert _failed(outcomes) == {"answers_within_scale"}
    assert meta["off_scale_answer_value_rows"] == 2
    assert sorted(meta["off_scale_answer_value_values"]) == [0, 6]
    assert meta["value_without_answered_status_rows"] == 1
    assert meta["value_without_answered_status_values"] == [3]
    assert meta["answered_without_value_rows"] == 1
    assert meta["unknown_answer_status_rows"] == 1
    assert meta["unknown_answer_status_values"] == ["vet ej"]
    assert meta["null_answer_status_rows"] == 0


def test_answers_within_scale_accepts_the_scale_ends(rows, run_checks):
    rows["survey_answers"][0]["answer_value"] = 1
    rows["survey_answers"][1]["answer_value"] = 5
    assert run_checks(rows)["answers_within_scale"].passed


def test_expected_organisations_present(rows, run_checks):
    # organisation 06 (respondent r1) sends nobody this year
    rows["respondents"] = [r for r in rows["respondents"] if r["organisation_code"] != "06"]
    rows["survey_answers"] = [a for a in rows["survey_answers"] if a["respondent_id"] != "r1"]
    outcomes = run_checks(rows)
    meta = outcomes["expected_organisations_present"].metadata
    assert _failed(outcomes) == {"expected_organisations_present"}
    assert meta["missing_organisation_codes"] == ["06"]
    assert meta["missing_organisation_codes_count"] == 1


def test_expected_organisations_can_be_narrowed(rows, seeds_dir, tmp_path):
    rows["respondents"] = [r for r in rows["respondents"] if r["organisation_code"] != "06"]
    rows["survey_answers"] = [a for a in rows["survey_answers"] if a["respondent_id"] != "r1"]
    outcomes = run_raw_checks(
        as_tables(rows),
        year=YEAR,
        instrument_version="v2020",
        work_dir=tmp_path / "work",
        seeds_dir=seeds_dir,
        expected_organisation_codes=["0604", "0680"],
    )
    assert all(o.passed for o in outcomes)
    with pytest.raises(ValueError, match="0999"):
        run_raw_checks(
            as_tables(rows),
            year=YEAR,
            instrument_version="v2020",
            work_dir=tmp_path / "work",
            seeds_dir=seeds_dir,
            expected_organisation_codes=["0604", "0999"],
        )


def test_organisation_codes_known(rows, run_checks):
    rows["respondents"].append({**rows["respondents"][0], "respondent_id": "r4"})
    rows["respondents"][-1]["organisation_code"] = "0999"
    rows["survey_answers"] += [
        {**a, "respondent_id": "r4"} for a in rows["survey_answers"] if a["respondent_id"] == "r1"
    ]
    rows["invitations"][2]["organisation_code"] = "680"  # lost its leading zero
    rows["invitations"].append({**rows["invitations"][0], "organisation_code": None})
    outcomes = run_checks(rows)
    meta = outcomes["organisation_codes_known"].metadata
    assert _failed(outcomes) == {"organisation_codes_known"}
    assert meta["respondents_unknown_organisation_rows"] == 1
    assert meta["respondents_unknown_organisation_values"] == ["0999"]
    assert meta["invitations_unknown_organisation_rows"] == 1
    assert meta["invitations_unknown_organisation_values"] == ["680"]
    assert meta["invitations_null_organisation_rows"] == 1
    assert meta["respondents_null_organisation_rows"] == 0


def test_instrument_items_present(rows, run_checks):
    answers = rows["survey_answers"]
    # drop A03 everywhere (3 rows), and give r1 an unknown item X99 instead: 7 rows
    rows["survey_answers"] = [a for a in answers if a["item_code"] != "A03"]
    rows["survey_answers"].append({**answers[2], "item_code": "X99"})
    rows["respondents"][2]["instrument_version"] = "v2018"
    outcomes = run_checks(rows)
    meta = outcomes["instrument_items_present"].metadata
    assert "instrument_items_present" in _failed(outcomes)
    assert meta["missing_item_codes"] == ["A03"]
    assert meta["unexpected_item_codes"] == ["X99"]
    assert meta["unknown_item_code_rows"] == 1
    assert meta["unknown_item_code_values"] == ["X99"]
    assert meta["other_instrument_version_rows"] == 1
    assert meta["other_instrument_version_values"] == ["v2018"]
    # 7 rows where 3 x 3 = 9 are due: the completeness part of respondents_unique fails too
    assert outcomes["respondents_unique"].metadata["answer_rows_observed"] == 7


def test_instrument_version_selects_the_items(rows, run_checks):
    # the same tables checked against v2018 (A01, A02): A03 is unexpected there
    outcomes = run_checks(rows, instrument_version="v2018")
    meta = outcomes["instrument_items_present"].metadata
    assert meta["missing_item_codes"] == []
    assert meta["unexpected_item_codes"] == ["A03"]
    assert meta["unknown_item_code_rows"] == 3
    assert meta["other_instrument_version_rows"] == 3
    assert outcomes["respondents_unique"].metadata["answer_rows_expected"] == 6


def test_respondents_unique(rows, run_checks):
    rows["respondents"].append(dict(rows["respondents"][0]))  # r1 twice
    rows["survey_answers"].append(dict(rows["survey_answers"][4]))  # r2 A02 twice
    outcomes = run_checks(rows)
    meta = outcomes["respondents_unique"].metadata
    assert _failed(outcomes) == {"respondents_unique"}
    # every row of a duplicated key is reported: both r1 rows, both (r2, A02) rows
    assert meta["duplicate_respondent_id_rows"] == 2
    assert meta["duplicate_respondent_id_values"] == ["r1"]
    assert meta["duplicate_answer_rows"] == 2
    assert meta["duplicate_answer_values"] == ["r2|A02"]
    # 4 respondent rows x 3 items = 12 expected; 10 answer rows present
    assert meta["answer_rows_expected"] == 12
    assert meta["answer_rows_observed"] == 10


def test_target_groups_known(rows, run_checks):
    rows["respondents"][0]["target_group"] = "chefer"
    rows["invitations"][0]["target_group"] = None
    outcomes = run_checks(rows)
    meta = outcomes["target_groups_known"].metadata
    assert _failed(outcomes) == {"target_groups_known"}
    assert meta["respondents_unknown_target_group_rows"] == 1
    assert meta["respondents_unknown_target_group_values"] == ["chefer"]
    assert meta["invitations_null_target_group_rows"] == 1


def test_invitations_consistent(rows, run_checks):
    inv = rows["invitations"]
    inv[0]["invited"] = None  # 06 by email without a count
    inv[1]["invited"] = 7  # 0604 by link with a count
    inv.append({**inv[2], "target_group": "kommunledning", "invited": -1})
    inv.append({**inv[2], "invitation_method": "sms"})  # also a second 0680|strateger row
    outcomes = run_checks(rows)
    meta = outcomes["invitations_consistent"].metadata
    assert _failed(outcomes) == {"invitations_consistent"}
    assert meta["email_without_invited_rows"] == 1
    assert meta["link_with_invited_rows"] == 1
    assert meta["negative_invited_rows"] == 1
    assert meta["negative_invited_values"] == [-1]
    assert meta["unknown_invitation_method_values"] == ["sms"]
    assert meta["duplicate_invitation_rows"] == 2
    assert meta["duplicate_invitation_values"] == ["0680|strateger"]


def test_missing_table_and_unknown_version_are_errors(rows, seeds_dir, tmp_path):
    tables = as_tables(rows)
    del tables["invitations"]
    with pytest.raises(ValueError, match="invitations"):
        run_raw_checks(
            tables, year=YEAR, instrument_version="v2020", work_dir=tmp_path, seeds_dir=seeds_dir
        )
    with pytest.raises(ValueError, match="v2099"):
        run_raw_checks(
            as_tables(rows),
            year=YEAR,
            instrument_version="v2099",
            work_dir=tmp_path,
            seeds_dir=seeds_dir,
        )


def test_to_asset_check_results():
    outcomes = [
        CheckOutcome("a", True, "ERROR", "A.", {"n_rows": 0, "values": ["x"]}),
        CheckOutcome("b", False, "WARN", "B.", {"n_rows": 3}),
    ]
    results = to_asset_check_results(outcomes, dg.AssetKey("survey_export"))
    assert [r.check_name for r in results] == ["a", "b"]
    assert [r.passed for r in results] == [True, False]
    assert [r.severity for r in results] == [
        dg.AssetCheckSeverity.ERROR,
        dg.AssetCheckSeverity.WARN,
    ]
    assert results[0].asset_key == dg.AssetKey("survey_export")
    assert results[0].metadata["values"] == dg.MetadataValue.json(["x"])
    assert results[1].metadata["n_rows"] == dg.IntMetadataValue(3)
