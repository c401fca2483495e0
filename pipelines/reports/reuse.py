"""Which organisations' reports must be built again, and reusing the others' files.

A national snapshot has about 1,500 organisations, each with an HTML page, a slide deck and
a PDF. Most publications change only some of them (the action register of a few
municipalities, a corrected department breakdown), so the reports are rebuilt only for the
organisations whose *inputs* changed, decided from the published rows each organisation's
outputs read and the code that turns them into files — never by comparing output bytes.

An organisation's key is the SHA-256 of

- :func:`reports_code_version`: the source of ``pipelines/reports`` (modules and templates),
  ``pipelines/files.py`` and the versions of the libraries that render the files;
- what every organisation's outputs read from the whole snapshot (:func:`shared_inputs`):
  the years and their status, the disclosure threshold, the quadrant cuts and types, the
  categories and item texts, ``county_summary``, and every organisation's position per year
  (name, type, the three indices, the same-type mean and why it is hidden, if it is), which the
  position chart and the same-type reference draw on, and the words for the population
  compared with (``SnapshotData.population``: one county or several);
- its own rows (:func:`organisation_inputs`): its register entry and every row of every
  published table the reports read that carries its ``organisation_code``, all years.

The county report (``lansrapport.pdf``) reads every organisation: its key covers the shared
inputs and every organisation's key.

The record of one build is ``reports/build_record.json``: ``{"version", "code_version",
"organisations": {code: {"key", "files": [paths relative to the snapshot]}}, "county":
{"key", "files"}}``. The next build reads the record of the previous snapshot (the one
``published/latest`` points at while the new one is written) and, for each organisation
whose key is the same and whose files are all there, links those files into the new
snapshot (a hard link; a copy where the file system has none) instead of building them.
A reused page, deck or PDF names the snapshot that built it (its footer): its figures are
the same in both snapshots.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pipelines.reports.data import DETAIL_TABLES, SnapshotData, is_missing
from pipelines.reports.views import suppression_text

BUILD_RECORD = "build_record.json"
"""The build record's file name, in the snapshot's ``reports/`` folder."""
RECORD_VERSION = 1

RENDERING_LIBRARIES = ("jinja2", "matplotlib", "python-pptx", "weasyprint")
"""Libraries whose version changes the files the reports write."""

PER_ORGANISATION_TABLES = tuple(t for t in DETAIL_TABLES if t != "county_summary")
"""Detail tables whose rows belong to one organisation (``organisation_code``)."""


def source_version(root: Path, sources: Iterable[Path], libraries: Iterable[str]) -> str:
    """SHA-256 over ``sources`` (each by its path relative to ``root`` and its content, in
    the order given) and the installed versions of ``libraries``: the code version of the
    files made by that code, which decides whether an earlier build of them can be kept."""
    sha = hashlib.sha256()
    for path in sources:
        sha.update(str(path.relative_to(root)).encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    for name in libraries:
        try:
            sha.update(f"{name}=={version(name)}\0".encode())
        except PackageNotFoundError:
            sha.update(f"{name} absent\0".encode())
    return sha.hexdigest()


@cache
def reports_code_version() -> str:
    """SHA-256 over the reports' source files (every file under ``pipelines/reports``, by
    relative path and content, ``__pycache__`` left out), ``pipelines/files.py`` and the
    installed versions of ``RENDERING_LIBRARIES``."""
    package = Path(__file__).resolve().parent
    sources = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return source_version(package.parent, [*sources, package.parent / "files.py"],
                          RENDERING_LIBRARIES)


def digest(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON (keys sorted; dates, decimals as text)."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def shared_inputs(data: SnapshotData) -> dict[str, Any]:
    """What every organisation's page, deck and PDF read from the whole snapshot."""
    positions = {
        str(year): [
            [code, org["short_name"], org["organisation_type"],
             *(None if is_missing(row.get(c)) else row[c] for c in (
                 "capability_index", "legacy_index", "maturity_index",
                 "organisation_type_mean_maturity_index", "same_type_organisations")),
             suppression_text(row, data.min_cell_respondents)]
            for org in data.organisations
            if (row := data.org_years.get((code := org["organisation_code"]), {}).get(year))
        ]
        for year in data.years
    }
    return {
        "years": data.years,
        "year_status": {str(y): s for y, s in sorted(data.year_status.items())},
        "year_reviews": {str(y): r["text"] for y, r in sorted(data.year_reviews.items())},
        "min_cell_respondents": data.min_cell_respondents,
        "cuts": [data.capability_cut, data.legacy_cut],
        "quadrant_types": data.quadrant_types,
        "category_order": data.category_order,
        "item_texts": sorted([*k, v] for k, v in data.item_texts.items()),
        "county_summary": data.optional["county_summary"].rows,
        "positions": positions,
        "population": dataclasses.asdict(data.population),
    }


def organisation_inputs(data: SnapshotData, org: Mapping[str, Any]) -> dict[str, Any]:
    """One organisation's own published rows: its register entry, its
    ``maturity_by_organisation`` and ``maturity_by_category`` rows and its rows of every
    per-organisation detail table, all years."""
    code = org["organisation_code"]
    return {
        "organisation": dict(org),
        "maturity_by_organisation": [row for _, row in sorted(data.org_years.get(code, {}).items())],
        "maturity_by_category": [
            data.categories.get((code, year), []) for year in data.years
        ],
        **{table: data.organisation_rows(table, code)
           for table in PER_ORGANISATION_TABLES if table in data.optional},
    }


def organisation_keys(data: SnapshotData) -> dict[str, str]:
    """``{organisation_code: key}`` for every organisation with results (module docstring)."""
    shared = digest({"code": reports_code_version(), "shared": shared_inputs(data)})
    return {
        org["organisation_code"]: digest([shared, organisation_inputs(data, org)])
        for org in data.organisations
    }


def county_key(keys: Mapping[str, str]) -> str:
    """The county report's key: every organisation's key (each covers the shared inputs)."""
    return digest({"code": reports_code_version(), "organisations": dict(sorted(keys.items()))})


def read_record(snapshot_dir: Path | None) -> dict[str, Any]:
    """The build record of a finished snapshot, or ``{}`` when there is none, it is not
    readable, or it was written by another record version or reports code version (then
    nothing is reused)."""
    if snapshot_dir is None:
        return {}
    path = Path(snapshot_dir) / "reports" / BUILD_RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return {}
    if record.get("code_version") != reports_code_version():
        return {}
    return record


def write_record(snapshot_dir: Path, organisations: Mapping[str, Mapping[str, Any]],
                 county: Mapping[str, Any]) -> Path:
    """Write ``reports/build_record.json`` of the snapshot being built."""
    path = Path(snapshot_dir) / "reports" / BUILD_RECORD
    record = {"version": RECORD_VERSION, "code_version": reports_code_version(),
              "organisations": dict(sorted(organisations.items())), "county": dict(county)}
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True),
                    encoding="utf-8")
    return path


def reuse(previous_dir: Path, snapshot_dir: Path, entry: Mapping[str, Any] | None,
          key: str) -> list[Path] | None:
    """Link the files of a previous build entry into ``snapshot_dir`` when its key is
    ``key`` and every file is there; returns the new paths, or ``None`` (build them)."""
    if not entry or entry.get("key") != key:
        return None
    files = [str(f) for f in entry.get("files") or []]
    sources = [Path(previous_dir) / f for f in files]
    if not files or not all(s.is_file() for s in sources):
        return None
    return [_link(s, Path(snapshot_dir) / f) for s, f in zip(sources, files, strict=True)]


def _link(source: Path, target: Path) -> Path:
    """Hard-link ``source`` at ``target`` (replacing a file there), or copy it when the file
    system cannot link."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target


def relative(snapshot_dir: Path, paths: Iterable[Path]) -> list[str]:
    """``paths`` relative to the snapshot folder, as the record stores them."""
    return [Path(p).relative_to(snapshot_dir).as_posix() for p in paths]
