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
