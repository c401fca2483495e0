"""Operational faults around the publication, named so a data engineer can act on them.

- :func:`snapshot_problems`: ``published/latest`` points at a folder that is gone (deleted by
  hand) or lacks files its manifest lists. Such a snapshot counts as not published, so the
  next load publishes a complete one (see ``snapshot.current_manifest``).
- :func:`is_disk_full` and :func:`disk_full_reason`: a publication that ran out of space is
  reported with the file system, the space free, the size a snapshot needs and what to do;
  the partial snapshot is removed and ``latest`` is untouched (``snapshot.build_snapshot``).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
from pathlib import Path

DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_TEXT = "No space left on device"


class PublicationError(Exception):
    """The publication failed for an operational reason (e.g. a full disk); its message says
    what happened, what is unchanged and what to do."""


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` or an exception it wraps (cause, context, ``shutil.Error``'s list)
    comes from a full disk or quota: errno ENOSPC / EDQUOT, or DuckDB's and other
    libraries' text "No space left on device"."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno in DISK_FULL_ERRNOS:
            return True
        if DISK_FULL_TEXT.casefold() in str(e).casefold():
            return True
        todo += [x for x in (e.__cause__, e.__context__) if x is not None]
    return False


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (0 when it does not exist)."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


PUBLICATION_DISK_FULL = "The publication ran out of disk space"
"""How the publication's own full-disk message begins (:func:`disk_full_reason`)."""


def disk_full_reason(published_root: Path, keep: int) -> str:
    """The message for a publication that ran out of space under ``published_root``."""
    root = Path(published_root)
    usage = shutil.disk_usage(root)
    latest = root / "latest"
    current = os.readlink(latest) if latest.is_symlink() else None
    need = folder_size(latest) if latest.exists() else 0
    kept = (f"published/latest still shows snapshot {current}, unchanged" if current
            else "nothing was published before")
    others = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
              and not p.name.startswith(".") and p.name != current] if root.exists() else []
    return (
        f"{PUBLICATION_DISK_FULL} in {root} ({_megabytes(usage.free)} free of "
        f"{_megabytes(usage.total)}): no new snapshot was made and its partial folder was "
        f"removed; {kept}. The accepted data (warehouse/raw) and the warehouse are intact. "
        + (f"A snapshot needs about {_megabytes(need)} (the current one). " if need else "")
        + f"Free space on that disk - {len(others)} older snapshot(s) are kept beside the "
        f"current one (MOGNAD_KEEP_SNAPSHOTS={keep}: lower it, or delete old snapshot folders "
        "under published/, never the one latest points at) - or move the data root to a "
        "larger disk; then load again (mognad load <years>; add --force if it says nothing "
        "changed)."
    )


STAGES = {
    "survey_export": "The ingest (reading the export, writing the candidate tables and their "
                     "checks under warehouse/)",
    "raw": "The promotion of the checked tables to warehouse/raw",
    "mognad_dbt_models": "The dbt build of the warehouse",
}
"""What a step that writes does, by the start of its step key, for :func:`disk_full_message`."""

_ERROR_PATH = re.compile(r"""No space left on device: '([^']+)'|[Ff]ile "([^"]+)"[^\n]*No space""")
"""The file named in an OS error (``...: '<path>'``) or a DuckDB one (``file "<path>"``)."""


def disk_full_message(data_root: Path, step_key: str, error: str) -> str:
    """The message for a step other than the publication (``step_key``) that ran out of
    space under the data root, from the step's error text ``error``: where, how much is
    free, what is unchanged, what the stage needs (the figures it can know) and what to do."""
    root = Path(data_root)
    where = _ERROR_PATH.search(error)
    folder = Path(where.group(1) or where.group(2)) if where else root / "warehouse"
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    usage = shutil.disk_usage(folder)
    stage = next((text for key, text in STAGES.items() if step_key.startswith(key)),
                 f"The step {step_key}")
    raw = root / "warehouse" / "raw"
    years = sorted(p.name for p in raw.iterdir() if p.is_dir() and not p.name.startswith(
        ".")) if raw.is_dir() else []
    latest = root / "published" / "latest"
    snapshot = os.readlink(latest) if latest.is_symlink() else None
    db = root / "warehouse" / "mognad.duckdb"
    needs = {
        "mognad_dbt_models": (f"The warehouse file is {_megabytes(db.stat().st_size)}; a "
                              "full rebuild writes about as much again beside it. "
                              if db.exists() else ""),
        "survey_export": ("The accepted tables of the years loaded so far take "
                          f"{_megabytes(folder_size(raw))} under warehouse/raw. "),
    }
    need = next((text for key, text in needs.items() if step_key.startswith(key)), "")
    return (
        f"{stage} ran out of disk space in {folder} ({_megabytes(usage.free)} free of "
        f"{_megabytes(usage.total)} on that file system). Nothing accepted was lost: the "
        f"accepted data in warehouse/raw ({', '.join(years) if years else 'no year yet'}) "
        "are intact"
        + (f" and published/latest (snapshot {snapshot}) is unchanged; " if snapshot else "; ")
        + "what this load wrote half-way is removed or rebuilt by the next load. "
        + need
        + "Free space on that disk (old snapshot folders under published/ - never the one "
        "latest points at - or MOGNAD_KEEP_SNAPSHOTS lower, old quarantine folders, files "
        "that are not the pipeline's) or move the data root to a larger disk; then load "
        f"again (mognad load <years>; add --force if it says nothing changed). (Cause: "
        f"{error.strip().splitlines()[-1][:300]})"
    )


def snapshot_problems(published_root: Path) -> list[str]:
    """What is wrong with the snapshot ``published/latest`` points at, one sentence each;
    ``[]`` when it is complete or nothing is published yet.

    Complete means: the folder exists, ``manifest.json`` reads as JSON, and
    ``mognad.duckdb`` and each table's ``parquet/<table>.parquet`` and ``csv/<table>.csv``
    listed in the manifest exist.
    """
    root = Path(published_root)
    latest = root / "latest"
    if not latest.is_symlink() and not latest.exists():
        return []
    target = os.readlink(latest) if latest.is_symlink() else latest.name
    if not latest.exists():
        return [f"published/latest points at snapshot {target}, which does not exist "
                "(deleted by hand?)"]
    manifest_path = latest / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"snapshot {target} (published/latest) has no manifest.json"]
    except (OSError, ValueError) as exc:
        return [f"snapshot {target} (published/latest) has an unreadable manifest.json "
                f"({type(exc).__name__})"]
    expected = ["mognad.duckdb"] + [f"{kind}/{table}.{kind}" for table in
                                    sorted(manifest.get("tables") or {})
                                    for kind in ("parquet", "csv")]
    missing = [name for name in expected if not (latest / name).is_file()]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        return [f"snapshot {target} (published/latest) lacks {len(missing)} of its files: "
                f"{shown} (deleted by hand?)"]
    return []
