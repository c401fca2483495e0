"""quarantine(): rejected inputs copied with a readable reason; landing left untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest
from ingest_support import SECRET, ok_row_2018, write_2018

from pipelines.ingest import IngestError, MappingError, ingest_year, quarantine


def test_quarantine_copies_files_and_writes_reason(tmp_path):
    folder = tmp_path / "landing" / "2018"
    write_2018(folder, [ok_row_2018("1", "Atlantis")])
    (folder / "invitations.csv").write_text(
        "organisation_code,target_group,invited,invitation_method\n", encoding="utf-8")
    with pytest.raises(MappingError) as err:
        ingest_year(folder, 2018, secret=SECRET)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    where = quarantine(folder, 2018, tmp_path / "quarantine", err.value)

    assert where.parent == tmp_path / "quarantine" / "2018"
    assert len(where.name) == len("20261129T123456Z") and where.name.endswith("Z")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # landing untouched
    for name, data in before.items():
        assert (where / name).read_bytes() == data
    reason = (where / "reason.txt").read_text(encoding="utf-8")
    assert "Export profile: dimios_2018_csv" in reason
    # the time in Stockholm, as the CLI gives it, computed here from the folder's UTC name
    utc = dt.datetime.strptime(where.name, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    local = utc.astimezone(ZoneInfo("Europe/Stockholm"))
    assert (f"Quarantined at: {local:%Y-%m-%d %H:%M} (Europe/Stockholm) (the folder's name "
            f"{where.name} is UTC)") in reason
    assert "MappingError" in reason
    assert "'Atlantis' (1 row)" in reason
    export = before["dimios_export_2018.csv"]
    assert (f"dimios_export_2018.csv  {len(export)} bytes  sha256 "
            f"{hashlib.sha256(export).hexdigest()}") in reason
    meta = json.loads((where / "reason.json").read_text(encoding="utf-8"))
    assert meta["details"]["organisations"] == {"Atlantis": 1}
    assert sorted(f["name"] for f in meta["files"]) == sorted(before)


def test_quarantine_twice_in_the_same_second_gets_new_folder(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018()])
    one = quarantine(folder, 2018, tmp_path / "q", IngestError("first"))
    two = quarantine(folder, 2018, tmp_path / "q", IngestError("second"))
    assert one != two
    assert "second" in (two / "reason.txt").read_text(encoding="utf-8")
    assert "first" in (one / "reason.txt").read_text(encoding="utf-8")


def test_quarantine_when_profile_unresolvable(tmp_path):
    folder = tmp_path / "2031"
    folder.mkdir()
    (folder / "x.csv").write_bytes(b"a")
    where = quarantine(folder, 2031, tmp_path / "q", IngestError("no profile"))
    assert "Export profile: (not resolved: No export profile applies to 2031" in (
        where / "reason.txt").read_text(encoding="utf-8")
