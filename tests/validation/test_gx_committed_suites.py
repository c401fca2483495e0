"""The committed GX context (the suites' only declaration) fits the code that runs it: every
expectation names a declared check, every check has expectations, and every suite parameter
the JSON uses is one the runtime fills, and the other way round. It holds the raw suites only:
the council's quality checks are dbt's (int_quality_checks_evaluated)."""

from __future__ import annotations

import json

import yaml

from pipelines.settings import EXPECTATIONS_DIR, SEEDS_DIR
from pipelines.validation.gx_checks import suite_parameters
from pipelines.validation.suites import RAW_CHECK_NAMES, RAW_COLUMNS, SUITE_PARAMETERS

GX = EXPECTATIONS_DIR / "gx"


def _suite(name: str) -> dict:
    return json.loads((GX / "expectations" / f"{name}.json").read_text(encoding="utf-8"))


def _parameters(value) -> set[str]:
    """Every ``$PARAMETER`` name inside an expectation's kwargs."""
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            return {value["$PARAMETER"]}
        return set().union(*(_parameters(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_parameters(v) for v in value)) if value else set()
    return set()


def test_committed_context_is_offline_and_holds_only_the_suites():
    config = yaml.safe_load((GX / "great_expectations.yml").read_text(encoding="utf-8"))
    assert config["analytics_enabled"] is False
    assert not (GX / "uncommitted").exists()
    raw = {f"raw_{t}" for t in RAW_COLUMNS}
    assert {p.stem for p in (GX / "expectations").glob("*.json")} == raw
    assert {p.stem for p in (GX / "validation_definitions").glob("*.json")} == raw
    assert {p.stem for p in (GX / "checkpoints").glob("*.json")} == {"raw_tables"}
    assert set(config["fluent_datasources"]["raw"]["assets"]) == set(RAW_COLUMNS)


def test_raw_suites_map_every_expectation_to_a_check_and_use_known_parameters():
    seen_checks, used = set(), set()
    for table in RAW_COLUMNS:
        for expectation in _suite(f"raw_{table}")["expectations"]:
            assert expectation["meta"]["check"] in RAW_CHECK_NAMES
            assert expectation["meta"]["measure"]
            seen_checks.add(expectation["meta"]["check"])
            used |= _parameters(expectation["kwargs"])
        # the column set is the Arrow schema's, passed as a parameter (no copy in the JSON)
        (column_set,) = [
            e["kwargs"]["column_set"]
            for e in _suite(f"raw_{table}")["expectations"]
            if e["type"] == "expect_table_columns_to_match_set"
        ]
        assert column_set == {"$PARAMETER": f"{table}_columns"}
    assert seen_checks == RAW_CHECK_NAMES
    assert used == set(SUITE_PARAMETERS)
    filled = suite_parameters(
        year=2020, instrument_version="v2020", respondent_count=2, seeds_dir=SEEDS_DIR
    )
    assert set(filled) == set(SUITE_PARAMETERS)
    assert filled["survey_answers_columns"] == [
        "survey_year", "respondent_id", "item_code", "answer_value", "answer_status", "answer_raw"
    ]
    assert filled["invitation_methods"] == ["email", "link"]
