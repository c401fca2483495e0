"""One ``dbt parse`` serves every data root of a checkout; each build reads its own root.

The manifest names no data root (the sources declare their files relative to it and
``macros/data_root_source.sql`` adds the root when dbt compiles at run time), so
``ensure_manifest`` parses once per checkout; the profile names the warehouse relative to
the data root, dbt's working directory (``mognad-dbt``), so dbt's partial-parse state serves
every data root too. These tests build two data roots holding different raw years from one
parse and count, by hand, what each build read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import duckdb
from tiny_build import DBT, TINY_ANSWERS, TINY_CODEBOOK, write_raw_year, write_tiny_project

from pipelines.transform.project import RUN_TIME_ENV, parse_fingerprint

VARS = "{min_cell_respondents: 1, withholding_checks: [respondents_within_invited]}"

RESPONDENTS = [
    ("r1", "0604", "strateger", "vtest"),
    ("r2", "0604", "strateger", "vtest"),
    ("r3", "0604", "kommunledning", "vtest"),
    ("r4", "0617", "strateger", "vtest"),
    ("r5", "0617", "strateger", "vtest"),
]
INVITATIONS = [
    ("0604", "strateger", 10, "email"),
    ("0604", "kommunledning", 5, "email"),
    ("0617", "strateger", None, "link"),
]


def _answers(respondent_ids):
    items = [row[0] for row in TINY_CODEBOOK]
    return [(rid, item, value) for rid in respondent_ids
            for item, value in zip(items, TINY_ANSWERS[rid], strict=True)]


def _dbt(command: str, project, data_dir, target) -> str:
    """Run ``dbt <command>`` for ``data_dir`` with ``target`` as target path; returns the
    run's dbt.log (its debug lines say how dbt parsed)."""
    logs = target.with_name(target.name + "-logs")
    result = subprocess.run(
        [str(DBT), command, "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(target), "--log-path", str(logs), "--vars", VARS,
         *(["--exclude-resource-type", "unit_test"] if command == "build" else [])],
        env={**os.environ, "MOGNAD_DATA_DIR": str(data_dir),
             "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return (logs / "dbt.log").read_text(encoding="utf-8")


def _comparable(manifest_path) -> dict:
    """The manifest without what differs between any two parses: its metadata (invocation
    id, time) and each node's ``created_at`` (a timestamp of the parse)."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "created_at"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest.pop("metadata")
    return strip(manifest)


def test_one_parse_two_data_roots_each_build_reads_its_own(tmp_path):
    project = write_tiny_project(tmp_path)
    # The data roots: "a" holds 2024 with all five respondents (Aneby r1-r3, Gnosjö r4-r5);
    # "b's" (a quote in its path, as SQL must escape it) holds Aneby alone, 2024 and 2025.
    root_a, root_b = tmp_path / "root a", tmp_path / "root b's"
    write_raw_year(root_a, 2024, _answers(["r1", "r2", "r3", "r4", "r5"]), RESPONDENTS,
                   INVITATIONS)
    for year in (2024, 2025):
        write_raw_year(root_b, year, _answers(["r1", "r2", "r3"]), RESPONDENTS[:3],
                       INVITATIONS[:2])

    parsed = tmp_path / "parsed"  # the one parse (as ensure_manifest's, for root a)
    _dbt("parse", project, root_a, parsed)
    other = tmp_path / "parsed-b"  # only to show the manifest does not depend on the root
    _dbt("parse", project, root_b, other)
    assert _comparable(parsed / "manifest.json") == _comparable(other / "manifest.json")
    text = (parsed / "manifest.json").read_text(encoding="utf-8")
    assert str(root_a) not in text and "root a" not in text

    logs = {}
    for name, root in (("a", root_a), ("b", root_b)):
        target = tmp_path / f"build-{name}"  # as the dbt step: a copy of the parse's state
        target.mkdir()
        shutil.copyfile(parsed / "partial_parse.msgpack", target / "partial_parse.msgpack")
        logs[name] = _dbt("build", project, root, target)
    # Both builds reuse the one parse: the profile names the warehouse relative to dbt's
    # working directory (the data root), so it is the same for both roots, and dbt compiles
    # each root's paths only when it runs.
    for name in ("a", "b"):
        assert "Nothing changed, skipping partial parsing" in logs[name], name
        assert "Unable to do partial parsing" not in logs[name], name

    def rows(root, sql):
        with duckdb.connect(str(root / "warehouse" / "mognad.duckdb"), read_only=True) as con:
            return con.execute(sql).fetchall()

    per_year = ("select survey_year, count(*) from staging.stg_raw__respondents "
                "group by all order by all")
    assert rows(root_a, per_year) == [(2024, 5)]
    assert rows(root_b, per_year) == [(2024, 3), (2025, 3)]
    answers = "select count(*) from staging.stg_raw__survey_answers"
    assert rows(root_a, answers) == [(5 * 12,)]
    assert rows(root_b, answers) == [(2 * 3 * 12,)]
    organisations = ("select survey_year, organisation_code from marts.maturity_by_organisation "
                     "order by all")
    assert rows(root_a, organisations) == [(2024, "0604"), (2024, "0617")]
    assert rows(root_b, organisations) == [(2024, "0604"), (2025, "0604")]
    # The views name their own root's files, absolute, so any reader of the warehouse (not
    # only dbt) reads the same files.
    view = ("select sql from duckdb_views() where schema_name = 'staging' "
            "and view_name = 'stg_raw__respondents'")
    [(sql_b,)] = rows(root_b, view)
    assert str(root_b).replace("'", "''") + "/warehouse/raw/*/respondents.parquet" in sql_b
    assert str(root_a) not in sql_b


def test_parse_fingerprint_ignores_the_data_root_only(tmp_path, monkeypatch):
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / "a"))
    first = parse_fingerprint()
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / "b"))
    assert parse_fingerprint() == first
    # ... and the years of an incremental build, which dbt reads only when it executes
    monkeypatch.setenv("MOGNAD_SURVEY_YEARS_TO_BUILD", "2021")
    assert parse_fingerprint() == first
    assert RUN_TIME_ENV == {"MOGNAD_DATA_DIR", "MOGNAD_SURVEY_YEARS_TO_BUILD"}
    # what the parse does depend on still changes it: the environment dbt reads ...
    monkeypatch.setenv("DBT_PARTIAL_PARSE", "false")
    assert parse_fingerprint() != first
    monkeypatch.delenv("DBT_PARTIAL_PARSE")
    # ... and env_var() values the project reads (profiles.yml's memory limit)
    monkeypatch.setenv("MOGNAD_DUCKDB_MEMORY_LIMIT", "3GB")
    assert parse_fingerprint() != first



def test_a_load_into_another_data_root_does_not_parse_again(tmp_path, monkeypatch, dbt_manifest):
    """``ensure_manifest(skip_if_unchanged=True)``, as every ``mognad`` command calls it,
    keeps the checkout's manifest for any data root: the file is not written again."""
    from pipelines.transform.project import FINGERPRINT_FILE, ensure_manifest

    before = dbt_manifest.stat()
    recorded = dbt_manifest.with_name(FINGERPRINT_FILE).read_text(encoding="utf-8")
    for name in ("a", "b"):
        monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / name))
        assert ensure_manifest(skip_if_unchanged=True) == dbt_manifest
        after = dbt_manifest.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert dbt_manifest.with_name(FINGERPRINT_FILE).read_text(encoding="utf-8") == recorded
