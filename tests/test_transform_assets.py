"""The dbt asset's helpers: the dbt version without a subprocess, the environment of the
dbt processes, the docs page kept when nothing it shows changed, old build folders pruned
(pipelines/transform/assets.py; the timings they save are in docs/benchmarks.md, round 5)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource

from pipelines.settings import executable


def test_dbt_version_is_the_executables_without_asking_it(dbt_manifest):
    from pipelines.definitions import defs
    from pipelines.transform.assets import MognadDbtCliResource

    # the overrides replace dagster-dbt's own attributes (renamed upstream -> this fails)
    assert "_cli_version" in vars(DbtCliResource)
    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource)
    resource = defs.resources["dbt"]
    assert isinstance(resource, MognadDbtCliResource)
    printed = subprocess.run(
        [executable("dbt"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    core = re.search(r"installed:\s*(\d+\.\d+\.\d+)", printed)
    assert core is not None, printed
    assert str(resource._cli_version) == core.group(1)
    assert resource._initialize_dbt_core_adapter(["build"]) is None  # no in-process adapter


def test_dbt_environment_sets_and_restores(monkeypatch):
    from pipelines.transform.assets import _dbt_environment

    monkeypatch.setenv("MOGNAD_SURVEY_YEARS_TO_BUILD", "1999")  # stale, from a shell
    monkeypatch.delenv("MOGNAD_TEST_EXTRA", raising=False)
    with _dbt_environment({}):
        assert "MOGNAD_SURVEY_YEARS_TO_BUILD" not in os.environ  # a full build: no filter
    assert os.environ["MOGNAD_SURVEY_YEARS_TO_BUILD"] == "1999"
    with _dbt_environment({"MOGNAD_SURVEY_YEARS_TO_BUILD": "2020,2021", "MOGNAD_TEST_EXTRA": "x"}):
        assert os.environ["MOGNAD_SURVEY_YEARS_TO_BUILD"] == "2020,2021"
        assert os.environ["MOGNAD_TEST_EXTRA"] == "x"
    assert os.environ["MOGNAD_SURVEY_YEARS_TO_BUILD"] == "1999"
    assert "MOGNAD_TEST_EXTRA" not in os.environ


class _FakeDocs:
    """Stands in for dagster-dbt: records calls, writes a page as ``dbt docs`` would."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def cli(self, args, *, manifest, target_path):
        self.calls.append(list(args))
        (target_path / "static_index.html").write_text(f"docs {len(self.calls)}", encoding="utf-8")
        outer = self

        class Invocation:
            def __init__(self) -> None:
                self.target_path = target_path

            def wait(self):
                return outer

        return Invocation()


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, text: str) -> None:
        self.lines.append(text)


def test_docs_page_kept_while_the_project_is_unchanged(tmp_path, monkeypatch):
    from pipelines.transform.assets import _publishable_docs

    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / "data"))
    page = tmp_path / "data" / "warehouse" / "dbt_docs" / "index.html"
    target = tmp_path / "target"
    target.mkdir()
    dbt, log = _FakeDocs(), _Log()

    _publishable_docs(dbt, target, "key-1", log)
    assert len(dbt.calls) == 1 and page.read_text(encoding="utf-8") == "docs 1"
    assert "--no-compile" in dbt.calls[0]
    _publishable_docs(dbt, target, "key-1", log)  # same project: no dbt process
    assert len(dbt.calls) == 1 and page.read_text(encoding="utf-8") == "docs 1"
    assert log.lines == ["dbt docs: unchanged project and table definitions, the page is kept"]
    _publishable_docs(dbt, target, "key-2", log)  # a model or seed changed
    assert len(dbt.calls) == 2 and page.read_text(encoding="utf-8") == "docs 2"
    page.unlink()
    _publishable_docs(dbt, target, "key-2", log, compiled=False)  # page gone: generated again
    assert len(dbt.calls) == 3
    # after an incremental build the SQL is compiled again (without the years' filter)
    assert dbt.calls[2] == ["docs", "generate", "--static"]
    assert dbt.calls[1] == ["docs", "generate", "--static", "--no-compile"]
    # the record is beside the published folder, not in it
    assert sorted(p.name for p in page.parent.iterdir()) == ["index.html"]


def test_docs_fingerprint_ignores_settings_that_do_not_change_the_page(tmp_path, monkeypatch):
    from pipelines.transform.assets import docs_fingerprint

    monkeypatch.delenv("MOGNAD_SURVEY_YEARS_TO_BUILD", raising=False)
    monkeypatch.delenv("MOGNAD_DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / "a"))
    base = docs_fingerprint()
    monkeypatch.setenv("MOGNAD_SURVEY_YEARS_TO_BUILD", "2021")  # an incremental build
    monkeypatch.setenv("MOGNAD_DUCKDB_MEMORY_LIMIT", "2GB")  # README's large-load setting
    assert docs_fingerprint() == base
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path / "b"))  # the sources' paths change
    assert docs_fingerprint() != base


def test_docs_fingerprint_follows_the_dbt_project(tmp_path, monkeypatch):
    from pipelines.transform import assets

    monkeypatch.setattr(assets, "parse_fingerprint", lambda ignore_env=(): "parsed-a")
    monkeypatch.setattr(assets, "transform_fingerprint", lambda: "tables-a")
    first = assets.docs_fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    monkeypatch.setattr(assets, "parse_fingerprint", lambda ignore_env=(): "parsed-b")  # a text
    second = assets.docs_fingerprint()
    monkeypatch.setattr(assets, "transform_fingerprint", lambda: "tables-b")  # e.g. a seed
    assert len({first, second, assets.docs_fingerprint()}) == 3


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
