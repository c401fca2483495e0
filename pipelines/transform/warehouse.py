"""Is the working warehouse file usable? A damaged file is named with what to do.

The working DuckDB file (``warehouse/mognad.duckdb``) holds only what dbt builds from the
accepted raw data (``warehouse/raw/<year>/``) and the seeds, so a damaged file loses no
accepted data: it is moved aside and rebuilt by a full refresh. What counts as damaged is
what DuckDB says when it opens the file: not a DuckDB file, a file shorter than its own
header says (cut off), or a block whose checksum does not match. Any other error (e.g. the
lock of another process) is not damage and is left to the caller.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

DAMAGE_SIGNS = (
    "not a valid DuckDB database file",
    "Could not read enough bytes",
    "Corrupt database file",
    "does not match stored checksum",
)
"""Texts of DuckDB errors that mean the file itself is damaged."""


def damage_in(text: str) -> bool:
    """Whether an error text (DuckDB's, or dbt's log quoting it) says a database file is
    damaged (:data:`DAMAGE_SIGNS`)."""
    return any(sign.casefold() in text.casefold() for sign in DAMAGE_SIGNS)


def warehouse_problem(db: Path, raw_root: Path) -> str | None:
    """Why the working warehouse ``db`` cannot be used, with what to do; None when it opens
    (read-only, catalog read) or does not exist yet (the next build creates it).

    ``raw_root``: ``warehouse/raw``, named in the message with the accepted years it holds.
    """
    db = Path(db)
    if not db.exists():
        return None
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("select count(*) from duckdb_tables()").fetchall()
    except duckdb.Error as exc:
        if not damage_in(str(exc)):
            return None
        return damaged_message(db, raw_root, str(exc))
    return None


def damaged_message(db: Path, raw_root: Path, error: str) -> str:
    """The message for a damaged warehouse file (``error``: DuckDB's text)."""
    years = sorted(p.name for p in Path(raw_root).iterdir() if p.is_dir()) if Path(
        raw_root).is_dir() else []
    first = error.strip().splitlines()[0] if error.strip() else error
    return (
        f"The working warehouse {db} is damaged (DuckDB: {first}). It holds only what dbt "
        f"builds from the accepted raw data, which is intact in {raw_root} "
        f"({', '.join(years) if years else 'no year accepted yet'}); published/latest is "
        f"unchanged. To rebuild it: move the damaged file aside "
        f"(mv {db} {db}.damaged) and load again with mognad load --all --force: the build "
        "after a missing warehouse is a full refresh from warehouse/raw (the landing files "
        "are read again, so leave the accepted ones there)."
    )


BUILD_UNFINISHED_FILE = ".dbt-build-unfinished"
"""Marker in ``warehouse/``: written when a dbt build of the warehouse starts, removed when
it has finished. While it exists (a build failed or was killed half-way) the warehouse
mixes tables of two builds, so it is built again before anything is published from it
(``pipelines.orchestration.build_reason``)."""


def warehouse_build_unfinished(paths) -> bool:
    """Whether the last dbt build of ``paths.warehouse`` started and did not finish."""
    return (Path(paths.warehouse) / BUILD_UNFINISHED_FILE).exists()


def mark_build(paths, *, finished: bool) -> None:
    """Write (``finished=False``, at the start of a build) or remove the marker
    :data:`BUILD_UNFINISHED_FILE`."""
    marker = Path(paths.warehouse) / BUILD_UNFINISHED_FILE
    if finished:
        marker.unlink(missing_ok=True)
    else:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("a dbt build of this warehouse started and has not finished\n",
                          encoding="utf-8")
