"""The bundled sample (sample/landing/2018-2020) ingests; counts checked against an
independent read with the csv module / openpyxl and the seeds read directly."""

from __future__ import annotations

import csv
import functools
import gc
import io
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from ingest_support import REPO, SEEDS

from pipelines.ingest import ingest_year

SAMPLE = REPO / "sample" / "landing"
pytestmark = pytest.mark.skipif(not (SAMPLE / "2020").is_dir(), reason="sample not generated")


def seed_lookup() -> dict[str, str]:
    """Lower-cased code / name / short name / alias -> code, straight from the seeds."""
    out = {}
    with (SEEDS / "organisations.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            for k in (r["organisation_code"], r["organisation_name"], r["short_name"]):
                out[" ".join(k.split()).lower()] = r["organisation_code"]
    with (SEEDS / "organisation_aliases.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out[" ".join(r["alias"].split()).lower()] = r["organisation_code"]
    return out


@functools.cache
def independent(year: int) -> dict:
    """Rows, status counts, respondents per organisation and identity values of a year."""
    folder = SAMPLE / str(year)
    if year == 2019:
        ws = openpyxl.load_workbook(folder / "dimios_export_2019.xlsx")["Svar"]
        grid = [["" if v is None else str(v) for v in row] for row in
                ws.iter_rows(min_row=2, values_only=True)]
        header, data = grid[0], grid[1:]
        dont_know = {"vet ej"}
        id_cols = ["E-post"]
    else:
        enc, delim = ("cp1252", ";") if year == 2018 else ("utf-8-sig", ",")
        text = (folder / f"dimios_export_{year}.csv").read_bytes().decode(enc)
        grid = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        header, data = grid[0], grid[1:]
        dont_know = {"vet ej"} if year == 2018 else {"99"}
        id_cols = ["Namn", "E-post"] if year == 2018 else ["Epost"]
    items = [i for i, h in enumerate(header) if h.startswith("F") and h[1:].isdigit()]
    status = Counter()
    for row in data:
        for i in items:
            v = " ".join(row[i].split()).lower()
            status["blank" if v == "" else "dont_know" if v in dont_know else "answered"] += 1
    org_col = header.index("Kommunkod" if year == 2020 else "Organisation")
    lookup = seed_lookup()
    per_org = Counter(lookup[" ".join(row[org_col].split()).lower()] for row in data)
    identities = {row[header.index(c)].strip() for row in data for c in id_cols} - {""}
    emails = [row[header.index(id_cols[-1])].strip().lower() for row in data]
    return {"rows": len(data), "items": len(items), "status": status, "per_org": per_org,
            "identities": identities, "distinct_emails": len(set(emails))}


@pytest.mark.parametrize("year", [2018, 2019, 2020])
def test_sample_year_ingests_with_independent_counts(year):
    expected = independent(year)
    result = ingest_year(SAMPLE / str(year), year, secret=b"sample-test-key-0123456789abcdef")
    s = result.stats
    assert s["rows_read"] == expected["rows"]
    assert s["duplicates_removed"] == expected["rows"] - expected["distinct_emails"]
    assert s["respondents"] == expected["distinct_emails"]
    assert s["answers"] == s["respondents"] * expected["items"] == s["respondents"] * 36
    if s["duplicates_removed"] == 0:
        assert s["answered"] == expected["status"]["answered"]
        assert s["dont_know"] == expected["status"]["dont_know"]
        assert s["blank"] == expected["status"]["blank"]
        per_org = Counter(result.tables["respondents"]["organisation_code"].to_pylist())
        assert per_org == expected["per_org"]
    statuses = Counter(result.tables["survey_answers"]["answer_status"].to_pylist())
    assert statuses["dont_know"] == s["dont_know"]
    # no e-mail address or name from the export occurs anywhere in the output tables
    values = {str(v) for t in result.tables.values() for c in t.columns for v in c.to_pylist()}
    assert not (expected["identities"] & values)
    assert not any("@" in v for v in values)
    inv_rows = sum(1 for _ in (SAMPLE / str(year) / "invitations.csv").open()) - 1
    assert result.tables["invitations"].num_rows == inv_rows


def test_sample_2019_link_invitations_are_null():
    result = ingest_year(SAMPLE / "2019", 2019, secret=b"sample-test-key-0123456789abcdef")
    inv = result.tables["invitations"].to_pylist()
    link = [r for r in inv if r["invitation_method"] == "link"]
    assert {r["organisation_code"] for r in link} == {"0617"}
    assert all(r["invited"] is None for r in link)
    assert all(isinstance(r["invited"], int) for r in inv if r["invitation_method"] == "email")


@pytest.mark.parametrize("year", [2018, 2019, 2020])
def test_sample_dry_run_ok(year):
    from pipelines.ingest import dry_run

    report = dry_run(SAMPLE / str(year), year)
    text = report.render()
    assert report.ok, text
    assert f"Export profile: {Path(SAMPLE / str(year) / 'profile.txt').read_text().strip()}" in text
    if year == 2018:
        assert "'Namn'" in text and "dropped (identity)" in text
        assert "'Kommentar'" in text and "dropped (ignored)" in text
    for marker in ("UNMAPPED", "NOT MATCHED", "NOT MAPPED", "NOT COVERED", "MISSING"):
        assert marker not in text
    assert f"would load {independent(year)['distinct_emails']} respondents" in text


@pytest.mark.parametrize("year", [2018, 2019])
def test_progress_of_the_read_is_reported_without_changing_it(year, monkeypatch):
    """``on_rows`` is told the file when the read starts (0 rows) and the rows read every
    ``PROGRESS_EVERY_ROWS`` rows (here 100): CSV records and XLSX sheet rows, header rows
    included, of the sheet's rows for XLSX (openpyxl's count of the sheet) and of an
    unknown total for CSV; the tables are those of a read without it. The garbage collector
    is paused while the year is read (``collector_paused``) and set back as it was: enabled
    after the first read, still disabled after the second, which the test started with it
    disabled (a read with the collector running gave the same tables: the file's other
    tests compare them with an independent read)."""
    from pipelines.ingest import readers

    monkeypatch.setattr(readers, "PROGRESS_EVERY_ROWS", 100)
    calls, collector = [], []

    def watch(*call):
        calls.append(call)
        collector.append(gc.isenabled())

    watched = ingest_year(SAMPLE / str(year), year, secret=b"sample-test-key-0123456789abcdef",
                          on_rows=watch)
    assert gc.isenabled() and collector and not any(collector)  # paused while reading
    gc.disable()  # a caller's paused collector is left paused
    try:
        plain = ingest_year(SAMPLE / str(year), year, secret=b"sample-test-key-0123456789abcdef")
        assert not gc.isenabled()
    finally:
        gc.enable()
    if year == 2019:
        name = "dimios_export_2019.xlsx"
        total = openpyxl.load_workbook(SAMPLE / "2019" / name, read_only=True)["Svar"].max_row
        sheet_rows = total  # a title row, the header row and the data rows
    else:
        name, total = "dimios_export_2018.csv", None
        sheet_rows = independent(year)["rows"] + 1  # the header record and the data records
    assert sheet_rows > 300
    assert calls == [(name, 0, None)] + [(name, n, total)
                                         for n in range(100, sheet_rows + 1, 100)]
    assert watched.stats == plain.stats
    assert all(watched.tables[t].equals(plain.tables[t]) for t in plain.tables)
