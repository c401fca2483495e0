"""Operational faults of the publication and the warehouse (unit level): a full disk, a
snapshot folder deleted by hand, files missing from it, a damaged warehouse file. Each gets
a message a data engineer can act on; nothing published or accepted is lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from fault_support import fill_disk, small_disk, tree_digest

from pipelines.publish.health import PublicationError, snapshot_problems
from pipelines.publish.snapshot import build_snapshot, current_manifest
from pipelines.transform.warehouse import warehouse_problem

TABLES = ["maturity_by_organisation"]


def make_warehouse(db: Path, index: float = 41.25) -> Path:
    if db.exists():
        db.unlink()
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.maturity_by_organisation as select * from (values "
            f"('0604', 'Aneby kommun', 2018, {index}::double, 7), "
            "('0680', 'Jönköpings kommun', 2018, 55.5, 120)) "
            "t(organisation_code, organisation_name, survey_year, maturity_index, respondents)"
        )
    return db


def publish(db: Path, root: Path):
    return build_snapshot(db, root, TABLES, keep=5)


def test_disk_full_during_publication_keeps_latest_and_says_what_to_do(tmp_path):
    db = make_warehouse(tmp_path / "wh.duckdb")
    with small_disk(tmp_path / "published", 4096) as root:
        first = publish(db, root)
        before = tree_digest(root / "latest")
        assert before  # a complete snapshot
        make_warehouse(db, index=42.0)  # new content: a new snapshot is due
        fill_disk(root, leave_bytes=64 * 1024)
        with pytest.raises(PublicationError) as err:
            publish(db, root)
        message = str(err.value)
        assert f"The publication ran out of disk space in {root}" in message
        assert f"published/latest still shows snapshot {first.snapshot_id}, unchanged" in message
        assert "MOGNAD_KEEP_SNAPSHOTS=5" in message and "No space left on device" in message
        assert os.readlink(root / "latest") == first.snapshot_id
        assert tree_digest(root / "latest") == before
        assert sorted(p.name for p in root.iterdir()) == sorted(
            [".ballast", "latest", first.snapshot_id])  # no partial folder left
        (root / ".ballast").unlink()
        second = publish(db, root)  # once space is freed, the next publication succeeds
        assert not second.unchanged and os.readlink(root / "latest") == second.snapshot_id


def test_snapshot_folder_deleted_by_hand_is_named_and_republished(tmp_path):
    db = make_warehouse(tmp_path / "wh.duckdb")
    root = tmp_path / "published"
    first = publish(db, root)
    shutil.rmtree(root / first.snapshot_id)
    assert snapshot_problems(root) == [
        f"published/latest points at snapshot {first.snapshot_id}, which does not exist "
        "(deleted by hand?)"]
    assert current_manifest(root) is None
    again = publish(db, root)  # same tables: without the check this would be "unchanged"
    assert not again.unchanged and again.snapshot_id != first.snapshot_id
    assert snapshot_problems(root) == [] and current_manifest(root)["snapshot_id"] == (
        again.snapshot_id)


def test_snapshot_with_files_missing_is_named_and_republished(tmp_path):
    db = make_warehouse(tmp_path / "wh.duckdb")
    root = tmp_path / "published"
    first = publish(db, root)
    (root / "latest" / "parquet" / "maturity_by_organisation.parquet").unlink()
    (root / "latest" / "mognad.duckdb").unlink()
    assert snapshot_problems(root) == [
        f"snapshot {first.snapshot_id} (published/latest) lacks 2 of its files: "
        "mognad.duckdb, parquet/maturity_by_organisation.parquet (deleted by hand?)"]
    again = publish(db, root)
    assert not again.unchanged
    assert (root / "latest" / "parquet" / "maturity_by_organisation.parquet").is_file()
    (root / "latest" / "manifest.json").write_text("{", encoding="utf-8")
    assert snapshot_problems(root) == [
        f"snapshot {again.snapshot_id} (published/latest) has an unreadable manifest.json "
        "(JSONDecodeError)"]
    assert snapshot_problems(tmp_path / "nothing_published") == []


def _garbage_head(p: Path) -> None:
    with p.open("r+b") as fh:
        fh.write(b"\0garbage" * 512)


def _cut_in_half(p: Path) -> None:
    os.truncate(p, p.stat().st_size // 2)


def _checksum(p: Path) -> None:
    with p.open("r+b") as fh:
        fh.seek(4096)
        fh.write(bytes(range(256)) * 32)


@pytest.mark.parametrize(("damage", "duckdb_says"), [
    (_garbage_head, "is not a valid DuckDB database file"),
    (_cut_in_half, "Could not read enough bytes"),
    (_checksum, "does not match stored checksum"),
])
def test_damaged_warehouse_is_named_with_the_rebuild(tmp_path, damage, duckdb_says):
    raw = tmp_path / "warehouse" / "raw"
    for year in ("2018", "2020"):
        (raw / year).mkdir(parents=True)
    db = tmp_path / "warehouse" / "mognad.duckdb"
    with duckdb.connect(str(db)) as con:  # a warehouse of a few blocks
        con.execute("create schema marts")
        con.execute("create table marts.t as select range as i, 'x' || range as s "
                    "from range(200000)")
    assert warehouse_problem(db, raw) is None
    damage(db)
    message = warehouse_problem(db, raw)
    assert message.startswith(f"The working warehouse {db} is damaged (DuckDB: ")
    assert duckdb_says in message
    assert f"which is intact in {raw} (2018, 2020)" in message
    assert f"mv {db} {db}.damaged" in message and "mognad load --all --force" in message


def test_missing_or_locked_warehouse_is_not_damage(tmp_path):
    db = tmp_path / "mognad.duckdb"
    assert warehouse_problem(db, tmp_path / "raw") is None  # the next build creates it
    with duckdb.connect(str(db)) as con:  # held open for writing (another configuration)
        con.execute("create table t as select 1 as i")
        assert warehouse_problem(db, tmp_path / "raw") is None
