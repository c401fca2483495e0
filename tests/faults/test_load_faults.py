"""The fault suite, end to end: each case breaks a copy of a data root loaded from the
sample, runs `mognad load` as a data engineer would, and asserts the message, the exit
code, what is in quarantine, and that the accepted data and the published snapshot are as
they should be (content hashes before and after). Input faults that stop at ingest are
cheap (no dbt); the operational faults run the whole load."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fault_support import (
    EXPORT_2020,
    SAMPLE,
    accepted,
    correct_2020,
    fill_disk,
    mognad,
    published,
    small_disk,
    tree_digest,
)

from pipelines.publish.health import snapshot_problems

pytestmark = pytest.mark.e2e


def export_lines(data: Path) -> list[str]:
    return (data / "landing" / "2020" / EXPORT_2020).read_text(encoding="utf-8-sig").split("\n")


def write_export(data: Path, lines: list[str]) -> None:
    (data / "landing" / "2020" / EXPORT_2020).write_text("\n".join(lines), encoding="utf-8-sig")


def only_quarantine(data: Path, year: int) -> Path:
    [folder] = list((data / "quarantine" / str(year)).iterdir())
    return folder


def test_row_lacking_a_field_in_a_trailing_delimiter_file_is_rejected(data):
    lines = export_lines(data)
    body = [i for i, ln in enumerate(lines) if ln and i > 0]
    for i in body:
        lines[i] += ","  # every data line ends with a delimiter ...
    fields = lines[body[6]].split(",")
    del fields[4]  # ... and data row 7 lacks its unit (Enhet)
    lines[body[6]] = ",".join(fields)
    write_export(data, lines)
    raw, snap = accepted(data), published(data)
    done = mognad(data, "load", "2020")
    out = done.stdout + done.stderr
    assert done.returncode == 1
    expected = (f"this file's data rows have 43 fields ({len(body) - 1} of {len(body)} rows; "
                "the header has 42 fields); data row 7 (42 fields) differs")
    assert expected in out
    reason = (only_quarantine(data, 2020) / "reason.txt").read_text(encoding="utf-8")
    assert expected in reason and "ExportFormatError" in reason
    assert accepted(data) == raw and published(data) == snap


def test_identity_values_reach_no_output_quarantine_reason_or_event_log(data):
    lines = export_lines(data)
    fields = lines[5].split(",")
    email = fields[5]
    assert "@" in email
    fields[2] = email  # the e-mail typed into the organisation code
    lines[5] = ",".join(fields)
    write_export(data, lines)
    raw, snap = accepted(data), published(data)
    done = mognad(data, "load", "2020")
    assert done.returncode == 1
    assert "<identity value masked>" in done.stdout + done.stderr
    reasons = "".join(p.read_text(encoding="utf-8")
                      for p in only_quarantine(data, 2020).glob("reason.*"))
    assert "<identity value masked>" in reasons
    stored = b"".join(p.read_bytes() for p in (data / "dagster_home").rglob("*") if p.is_file())
    logs = "".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("*"))
    for text in (done.stdout, done.stderr, reasons, logs):
        assert email not in text and email.split("@")[0] not in text
    assert email.encode() not in stored
    assert accepted(data) == raw and published(data) == snap


def test_duplicate_submission_is_listed_by_the_load_and_warned_in_the_council_report(data):
    lines = export_lines(data)
    fields = lines[2].split(",")
    fields[1] = "2020-11-30T12:00:00"  # the same respondent again, later
    lines.insert(len(lines) - 1, ",".join(fields))
    write_export(data, lines)
    before = accepted(data)
    done = mognad(data, "load", "2020")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert ("      - duplicate rule fired: 1 earlier submissions of a respondent identity "
            "dropped, the latest kept") in done.stdout
    page = (data / "published" / "latest" / "quality" / "2020.html").read_text(encoding="utf-8")
    assert ("Vid inläsningen togs 1 dubbel inskickning bort: samma svarande hade svarat mer "
            "än en gång, och den senaste inskickningen behölls.") in page
    after = accepted(data)
    assert {k: v for k, v in after.items() if not k.startswith("2020/")} == {
        k: v for k, v in before.items() if not k.startswith("2020/")}


def test_full_disk_during_the_publication_keeps_latest_and_the_accepted_data(data, tmp_path):
    published_dir = data / "published"
    keep = tmp_path / "published-copy"
    shutil.copytree(published_dir, keep, symlinks=True)
    shutil.rmtree(published_dir)
    lines = export_lines(data)
    del lines[3]  # a corrected 2020 delivery (one respondent less): a new snapshot is due
    write_export(data, lines)
    with small_disk(published_dir, 64 * 1024) as disk:
        for p in keep.iterdir():
            if p.is_symlink():
                os.symlink(os.readlink(p), disk / p.name)
            else:
                shutil.copytree(p, disk / p.name)
        earlier = {k: v for k, v in accepted(data).items() if not k.startswith("2020/")}
        snap = published(data)
        fill_disk(disk, leave_bytes=512 * 1024)
        done = mognad(data, "load", "2020")
        out = done.stdout + done.stderr
        assert done.returncode == 1, out[-3000:]
        assert f"The publication ran out of disk space in {disk}" in out
        assert f"published/latest still shows snapshot {snap[0]}, unchanged" in out
        assert published(data) == snap
        assert not [p for p in disk.iterdir() if p.name.endswith(".partial")]
        assert {k: v for k, v in accepted(data).items() if not k.startswith("2020/")} == earlier


def _rows(folder: Path, table: str) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(folder / "parquet" / f"{table}.parquet").to_pylist()


def _same_values(a: list[dict], b: list[dict]) -> bool:
    """Equal rows, floats to 1e-9 (DuckDB sums in parallel: the last bits may differ)."""
    import math

    def same(x, y) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) or (x != x and y != y)
        return x == y

    return len(a) == len(b) and all(
        r.keys() == q.keys() and all(same(r[k], q[k]) for k in r) for r, q in zip(a, b, strict=True))


def test_snapshot_folder_deleted_by_hand_is_named_and_published_again(data, tmp_path):
    snapshot_id, before = published(data)
    manifest = json.loads((data / "published" / "latest" / "manifest.json").read_text("utf-8"))
    shutil.copytree(data / "published" / snapshot_id / "parquet", tmp_path / "was" / "parquet")
    shutil.rmtree(data / "published" / snapshot_id)
    raw = accepted(data)
    done = mognad(data, "load", "2020")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (f"==> published/latest points at snapshot {snapshot_id}, which does not exist "
            "(deleted by hand?): this load publishes a complete snapshot") in done.stdout
    assert snapshot_problems(data / "published") == []
    latest = data / "published" / "latest"
    tables = sorted(set(manifest["tables"]) - {"quality_check_results", "survey_years"})
    assert len(tables) > 10  # the two left out carry the time of the load
    for table in tables:
        assert _same_values(_rows(latest, table), _rows(tmp_path / "was", table)), table
    assert accepted(data) == raw


def test_damaged_warehouse_stops_the_load_before_anything_changes(data):
    db = data / "warehouse" / "mognad.duckdb"
    with db.open("r+b") as fh:
        fh.write(b"\0garbage" * 512)
    raw_all = tree_digest(data / "warehouse" / "raw")
    snap = published(data)
    done = mognad(data, "load", "2020", "--force")
    assert done.returncode == 1
    assert f"The working warehouse {db} is damaged" in done.stderr
    assert f"mv {db} {db}.damaged" in done.stderr and "Nothing was loaded." in done.stderr
    assert "Traceback" not in done.stderr
    assert tree_digest(data / "warehouse" / "raw") == raw_all and published(data) == snap


@pytest.mark.parametrize(("leave_mb", "stage"), [
    (0.01, "The ingest (reading the export, writing the candidate tables and their checks "
           "under warehouse/) ran out of disk space in "),
    (7, "The dbt build of the warehouse ran out of disk space in "),
])
def test_full_disk_during_ingest_or_dbt_names_the_disk_and_loses_nothing(
        data, tmp_path, leave_mb, stage):
    warehouse = data / "warehouse"
    keep = tmp_path / "warehouse-copy"
    shutil.move(warehouse, keep)
    correct_2020(data)  # a corrected 2020 delivery: read, checked, built
    with small_disk(warehouse, 48 * 1024) as disk:
        for p in keep.iterdir():
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, disk / p.name)
        raw, snap = accepted(data), published(data)
        fill_disk(disk, leave_bytes=int(leave_mb * 1024 * 1024))
        done = mognad(data, "load", "2020")
        out = done.stdout + done.stderr
        assert done.returncode == 1, out[-3000:]
        assert stage in out, out[-3000:]
        assert ("Nothing accepted was lost: the accepted data in warehouse/raw (2018, 2019, "
                f"2020) are intact and published/latest (snapshot {snap[0]}) is "
                "unchanged") in out
        assert "No space left on device" in out and "Traceback" not in out
        assert published(data) == snap
        now = accepted(data)
        assert {k: v for k, v in now.items() if not k.startswith("2020/")} == {
            k: v for k, v in raw.items() if not k.startswith("2020/")}
        if "ingest" in stage:  # the corrected 2020 was not accepted: the old one stays
            assert now == raw


def test_first_load_rejected_in_an_empty_data_root_says_nothing_is_published(tmp_path):
    """A first load whose only year is rejected: the load says that nothing is published
    and lists no output of a snapshot that does not exist (only the data root and the
    quarantine, which holds the rejected files)."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "2020", data / "landing" / "2020")
    lines = export_lines(data)
    lines[3] += ",extra"  # data row 3 has one field too many
    write_export(data, lines)
    done = mognad(data, "load", "2020")
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert ("==> nothing to build or publish: no survey year has been accepted yet, so nothing "
            "is published") in done.stdout
    outputs = done.stdout.split("\nOutputs\n", 1)[1].splitlines()
    assert outputs[:3] == [
        f"  data root:          {data}",
        "  published snapshot: none yet (no survey year has been accepted)",
        f"  quarantine:         {data / 'quarantine'}",
    ]
    assert "mognad.duckdb" not in done.stdout and not (data / "published").exists()
    assert (only_quarantine(data, 2020) / "reason.txt").is_file()
