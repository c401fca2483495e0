"""Reading a published snapshot by its contract, for every report.

The published tables are the dbt marts with enforced contracts (``dbt_project/models/marts/
<mart>.yml``; docs/data-contracts.md); their columns, in declared order, come from the
prepared dbt manifest (:func:`pipelines.transform.assets.mart_descriptions`). The reports read
exactly those columns: a table or a contract column missing from the snapshot is an error
that names them (:class:`SnapshotContractError`), never a fallback to another column name or
a figure recomputed in Python; reading a column the contract does not declare is a
programming error (``KeyError``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

DATABASE_FILE = "mognad.duckdb"
"""The snapshot's DuckDB copy of the curated tables (schema ``main``)."""
MANIFEST_FILE = "manifest.json"
"""The snapshot's manifest (id, time, inputs, years, settings)."""

Row = dict[str, Any]


class SnapshotContractError(ValueError):
    """A published snapshot lacks a table or a column its contract declares."""


@cache
def published_contract() -> Mapping[str, tuple[str, ...]]:
    """``{published table name: (column, …)}`` of the curated tables, in declared order, and
    of ``survey_years`` (published beside them by the publication, not a dbt model).

    Read from the dbt manifest, which is prepared first when it does not exist yet
    (:func:`pipelines.transform.project.ensure_manifest`; a pipeline run has prepared it).
    """
    from pipelines.transform.project import ensure_manifest

    ensure_manifest(force=False)
    from pipelines.publish.snapshot import SURVEY_YEARS_DESCRIPTION, SURVEY_YEARS_TABLE
    from pipelines.transform.assets import mart_descriptions

    return {
        **{table: tuple(info["columns"]) for table, info in mart_descriptions().items()},
        SURVEY_YEARS_TABLE: tuple(SURVEY_YEARS_DESCRIPTION["columns"]),
    }


class SnapshotReader:
    """A published snapshot opened read-only: its manifest and its tables by contract.

    ``snapshot_dir`` holds ``mognad.duckdb`` and ``manifest.json``. Use as a context manager
    (or call :meth:`close`). Raises ``FileNotFoundError`` when the database is missing.
    """

    def __init__(
        self, snapshot_dir: Path | str, contract: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.snapshot_dir = Path(snapshot_dir)
        self.db_path = self.snapshot_dir / DATABASE_FILE
        if not self.db_path.exists():
            raise FileNotFoundError(f"No snapshot database at {self.db_path}.")
        self.contract = published_contract() if contract is None else contract
        manifest_path = self.snapshot_dir / MANIFEST_FILE
        self.manifest: dict[str, Any] = (
            json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        )
        self._con = duckdb.connect(str(self.db_path), read_only=True)
        self._present = {
            table: {c for (c,) in self._con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'main' and table_name = ?", [table]).fetchall()}
            for (table,) in self._con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }  # fmt: skip

    def __enter__(self) -> SnapshotReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    def has_table(self, table: str) -> bool:
        """Whether the snapshot holds ``table`` (for tables added after older snapshots were
        published, which reports show only when present)."""
        return table in self._present

    def columns(self, table: str) -> tuple[str, ...]:
        """The contract's columns of ``table``; ``KeyError`` for a table it does not publish."""
        if table not in self.contract:
            raise KeyError(f"{table!r} is not a published table of the contract")
        return tuple(self.contract[table])

    def rows(
        self,
        table: str,
        columns: Sequence[str] | None = None,
        *,
        order_by: Sequence[str] = (),
    ) -> list[Row]:
        """Rows of ``table`` as dicts of ``columns`` (default: every contract column).

        Raises ``KeyError`` for a table or column the contract does not declare and
        :class:`SnapshotContractError` when the snapshot lacks the table or any of the
        contract's columns of it (all missing columns are named).
        """
        declared = self.columns(table)
        wanted = tuple(columns) if columns is not None else declared
        undeclared = [c for c in (*wanted, *order_by) if c not in declared]
        if undeclared:
            raise KeyError(f"{table} has no column {', '.join(undeclared)} in the contract")
        present = self._present.get(table)
        if present is None:
            raise SnapshotContractError(
                f"Snapshot {self.snapshot_dir} has no table {table} (published contract: "
                f"docs/data-contracts.md, dbt_project/models/marts/)."
            )
        missing = [c for c in declared if c not in present]
        if missing:
            raise SnapshotContractError(
                f"Table {table} in snapshot {self.snapshot_dir} lacks the contract's "
                f"column(s) {', '.join(missing)}: the snapshot was made by another version of "
                "the marts; publish again."
            )
        select = ", ".join(f'"{c}"' for c in wanted)
        order = f" order by {', '.join(f'{chr(34)}{c}{chr(34)}' for c in order_by)}" if order_by else ""
        cursor = self._con.execute(f'select {select} from main."{table}"{order}')
        return [dict(zip(wanted, r, strict=True)) for r in cursor.fetchall()]
