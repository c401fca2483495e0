"""The committed GX context equals what ``build_suites`` writes, byte for byte."""

from __future__ import annotations

import json

import yaml

from pipelines.settings import EXPECTATIONS_DIR
from pipelines.validation.build_suites import build_suites
from pipelines.validation.suites import RAW_CHECK_NAMES, RAW_COLUMNS


def _files(root) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_build_suites_reproduces_the_committed_context(tmp_path):
    built = build_suites(tmp_path)
    committed = _files(EXPECTATIONS_DIR / "gx")
    fresh = _files(built)
    assert sorted(fresh) == sorted(committed)
    for name in fresh:
        assert fresh[name] == committed[name], f"{name} differs: rerun build_suites and commit"


def test_committed_context_is_offline_and_maps_every_expectation_to_a_check():
    config = yaml.safe_load((EXPECTATIONS_DIR / "gx" / "great_expectations.yml").read_text())
    assert config["analytics_enabled"] is False
    assert not (EXPECTATIONS_DIR / "gx" / "uncommitted").exists()
    seen_checks = set()
    for table, columns in RAW_COLUMNS.items():
        suite = json.loads(
            (EXPECTATIONS_DIR / "gx" / "expectations" / f"raw_{table}.json").read_text()
        )
        column_sets = [
            e["kwargs"]["column_set"]
            for e in suite["expectations"]
            if e["type"] == "expect_table_columns_to_match_set"
        ]
        assert column_sets == [list(columns)]
        for expectation in suite["expectations"]:
            assert expectation["meta"]["check"] in RAW_CHECK_NAMES
            seen_checks.add(expectation["meta"]["check"])
    assert seen_checks == RAW_CHECK_NAMES
