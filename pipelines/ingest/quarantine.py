"""Quarantine a rejected landing folder (architecture.md: ``quarantine/<year>/``;
input-faults.md: "quarantined with a reason a data engineer can act on")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

from pipelines.reports.formatting import format_local_time

from .errors import IngestError


def _profile_name(landing_year_dir: Path, year: int, error: IngestError) -> str:
    if error.details.get("profile"):
        return str(error.details["profile"])
    try:
        from .profiles import resolve_profile

        return resolve_profile(landing_year_dir, year).name
    except Exception as exc:  # noqa: BLE001 - the reason file must be written regardless
        return f"(not resolved: {exc})"


def rejection_message(year: int, where: Path, reason: object, in_force: str) -> str:
    """What a rejected year's step failure says: where its input was quarantined, why, and
    ``in_force``, what stays in force instead (the year's earlier accepted load and its
    publication: :func:`pipelines.orchestration.accepted_load_in_force`)."""
    return f"{year}: the export was rejected and quarantined in {where}.\n{reason}\n{in_force}"


def quarantine(landing_year_dir: Path, year: int, quarantine_root: Path,
               error: IngestError) -> Path:
    """Copy every file of ``landing_year_dir`` to ``quarantine_root/<year>/<UTC time>/``
    and write ``reason.txt`` (and ``reason.json``) beside them.

    The landing folder itself is left untouched (nothing already loaded changes; the data
    engineer replaces the files and loads again). The folder name is the UTC time
    ``YYYYMMDDTHHMMSSZ`` (suffix ``-2``, ``-3``... if it exists). ``reason.txt`` holds the
    time in Stockholm (as the CLI's lines give it), the error class, its message, the export profile, and each file's name, size and SHA-256.

    Returns:
        The quarantine folder created.
    """
    src = Path(landing_year_dir)
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    base = Path(quarantine_root) / str(year)
    target = base / stamp
    n = 2
    while target.exists():
        target = base / f"{stamp}-{n}"
        n += 1
    target.mkdir(parents=True)
    files = []
    if src.is_dir():
        for p in sorted(src.iterdir()):
            if p.is_file():
                data = p.read_bytes()
                shutil.copy2(p, target / p.name)
                files.append({"name": p.name, "bytes": len(data),
                              "sha256": hashlib.sha256(data).hexdigest()})
    profile = _profile_name(src, year, error)
    lines = [
        f"Rejected input for survey year {year}",
        f"Quarantined at: {format_local_time(now)} (the folder's name {target.name} is UTC)",
        f"Landing folder: {src}",
        f"Export profile: {profile}",
        f"Error: {type(error).__name__}",
        "",
        "Reason:",
        str(error),
        "",
        "Files:",
        *[f"  {f['name']}  {f['bytes']} bytes  sha256 {f['sha256']}" for f in files],
        "",
        "Fix the export or the profile, replace the files in the landing folder and load the "
        "year again. Years already loaded are unchanged.",
    ]
    (target / "reason.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (target / "reason.json").write_text(
        json.dumps({"year": year, "quarantined_at": stamp, "profile": profile,
                    "error": type(error).__name__, "reason": str(error),
                    "details": error.details, "files": files},
                   indent=2, ensure_ascii=False, default=str),
        encoding="utf-8",
    )
    return target
