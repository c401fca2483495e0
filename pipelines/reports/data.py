"""Read a published snapshot's curated tables for the reports, defensively.

The curated tables (dbt marts copied into ``<snapshot>/mognad.duckdb``, schema ``main``) grow
over time; this module reads what exists and never fails because an optional table or
column is missing. Required: ``maturity_by_organisation``. Used when present:
``organisations``, ``maturity_by_category``, ``quadrant_types``, ``instrument_items``,
``maturity_by_target_group``, ``maturity_by_department``, ``response_rates``,
``dont_know_by_item``, ``county_summary``; year status from ``<snapshot>/manifest.json``
(``years[<year>].status``).

Privacy (domain doc, "Privacy"): no figure describing fewer than ``min_cell_respondents``
(default 5) respondents is shown. The marts suppress such cells (value null plus a flag);
the reports additionally treat any cell whose respondent count is below the threshold as
suppressed, in case an upstream table does not.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.settings import dbt_project_vars

DEFAULT_MIN_CELL_RESPONDENTS: int = dbt_project_vars()["min_cell_respondents"]
"""Disclosure threshold (domain doc, "Privacy"): dbt's var ``min_cell_respondents``, declared
in ``dbt_project/dbt_project.yml`` and read from there."""

DEFAULT_CUT = 50.0
"""Quadrant cut on each 0–100 axis when ``quadrant_types`` carries none (domain doc, project choice)."""

CATEGORY_FALLBACK_ORDER = (
    "effektivitet",
    "innovation",
    "balansering",
    "organisation",
    "anvandare",
    "teknik",
)
"""The six categories in the model's order (domain doc, "The survey model")."""

Row = dict[str, Any]


def pick(columns: Iterable[str], *candidates: str) -> str | None:
    """The first of ``candidates`` that is one of ``columns``, else ``None``."""
    present = set(columns)
    for name in candidates:
        if name in present:
            return name
    return None


def is_missing(value: Any) -> bool:
    """True for ``None`` and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass
class Table:
    """A table read whole: its column names and rows as dicts (column -> value)."""

    name: str
    columns: list[str]
    rows: list[Row]

    def col(self, *candidates: str) -> str | None:
        """The first candidate column present in this table."""
        return pick(self.columns, *candidates)


@dataclass
class SnapshotData:
    """Everything the reports show, read from one snapshot.

    - ``organisations``: register rows (``organisation_code``, ``organisation_name``,
      ``short_name``, ``organisation_type``) in report order (municipalities by code, then
      the region);
    - ``org_years[code][year]``: the ``maturity_by_organisation`` row;
    - ``categories[(code, year)]``: ``maturity_by_category`` rows in model order;
    - ``category_order``: ``[(category_code, category_name_sv, dimension_code)]``;
    - ``county_category_mean[(year, category_code)]``: county mean of category_index
      (from the mart's column when it has one, else the unweighted mean over organisations);
    - ``quadrant_types[letter]``, ``capability_cut``, ``legacy_cut``;
    - ``year_status[year]``: e.g. ``"preliminary"`` or ``"final"`` (manifest.json);
    - ``optional``: the optional tables that exist, by name.
    """

    organisations: list[Row]
    org_years: dict[str, dict[int, Row]]
    categories: dict[tuple[str, int], list[Row]]
    category_order: list[tuple[str, str, str]]
    county_category_mean: dict[tuple[int, str], float]
    quadrant_types: dict[str, Row]
    capability_cut: float
    legacy_cut: float
    years: list[int]
    year_status: dict[int, str]
    min_cell_respondents: int = DEFAULT_MIN_CELL_RESPONDENTS
    optional: dict[str, Table] = field(default_factory=dict)
    item_texts: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def is_preliminary(self, year: int) -> bool:
        """True when the manifest marks the year preliminary (``status`` = ``preliminary``)."""
        return str(self.year_status.get(year, "")).lower() in {
            "preliminary",
            "preliminär",
            "prelim",
        }

    def rows_for(self, table: str, code: str, year: int) -> list[Row]:
        """Rows of an optional table for one organisation and year (empty if absent)."""
        t = self.optional.get(table)
        if t is None:
            return []
        year_col = t.col("survey_year", "year")
        return [
            r
            for r in t.rows
            if r.get("organisation_code") == code
            and (year_col is None or _as_int(r.get(year_col)) == year)
        ]


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _find_schema(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    rows = con.execute(
        "select table_schema from information_schema.tables where table_name = ? "
        "order by case table_schema when 'main' then 0 when 'marts' then 1 else 2 end",
        [table],
    ).fetchall()
    return rows[0][0] if rows else None


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> Table | None:
    """Read a whole table (schema ``main``, else ``marts``) or ``None`` when it does not exist."""
    schema = _find_schema(con, table)
    if schema is None:
        return None
    cur = con.execute(f'select * from "{schema}"."{table}"')
    columns = [d[0] for d in cur.description]
    return Table(table, columns, [dict(zip(columns, r, strict=True)) for r in cur.fetchall()])


def read_year_status(snapshot_dir: Path) -> dict[int, str]:
    """``{year: status}`` from ``manifest.json`` → ``years[<year>].status``; empty if absent."""
    manifest = snapshot_dir / "manifest.json"
    if not manifest.exists():
        return {}
    try:
        years = json.loads(manifest.read_text(encoding="utf-8")).get("years") or {}
    except (OSError, ValueError):
        return {}
    status = {}
    for year, info in years.items():
        if _as_int(year) is not None and isinstance(info, Mapping) and info.get("status"):
            status[int(year)] = str(info["status"])
    return status


OPTIONAL_TABLES = (
    "maturity_by_target_group",
    "maturity_by_department",
    "response_rates",
    "dont_know_by_item",
    "dont_know_by_target_group",
    "county_summary",
    "recommendations_by_organisation",
    "decided_actions",
    "action_follow_up",
    "category_exchange",
)


def load_snapshot(
    db_path: Path,
    *,
    year_status: Mapping[int, str] | None = None,
    min_cell_respondents: int = DEFAULT_MIN_CELL_RESPONDENTS,
) -> SnapshotData:
    """Read the snapshot DuckDB file at ``db_path`` (read-only) into ``SnapshotData``.

    Raises ``FileNotFoundError`` when the file does not exist and ``ValueError`` when it has
    no ``maturity_by_organisation`` table. ``year_status`` overrides the manifest's statuses.
    """
    if not db_path.exists():
        raise FileNotFoundError(f"snapshot database not found: {db_path}")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        orgs_t = read_table(con, "maturity_by_organisation")
        if orgs_t is None:
            raise ValueError(f"{db_path} has no table maturity_by_organisation")
        register = read_table(con, "organisations")
        cats_t = read_table(con, "maturity_by_category")
        quads_t = read_table(con, "quadrant_types")
        items_t = read_table(con, "instrument_items")
        optional = {name: t for name in OPTIONAL_TABLES if (t := read_table(con, name)) is not None}
    finally:
        con.close()

    org_years: dict[str, dict[int, Row]] = defaultdict(dict)
    for row in orgs_t.rows:
        year = _as_int(row.get("survey_year"))
        if year is not None:
            org_years[str(row["organisation_code"])][year] = row
    years = sorted({y for by_year in org_years.values() for y in by_year})

    organisations = _organisations(register, orgs_t)
    category_order = _category_order(items_t, cats_t)
    rank = {code: i for i, (code, _, _) in enumerate(category_order)}
    categories: dict[tuple[str, int], list[Row]] = defaultdict(list)
    if cats_t is not None:
        for row in cats_t.rows:
            year = _as_int(row.get("survey_year"))
            categories[(str(row["organisation_code"]), year)].append(row)
        for rows in categories.values():
            rows.sort(key=lambda r: rank.get(r.get("category_code"), 99))

    quadrant_types: dict[str, Row] = {}
    capability_cut = legacy_cut = DEFAULT_CUT
    if quads_t is not None:
        for row in quads_t.rows:
            quadrant_types[str(row.get("quadrant"))] = row
            if not is_missing(row.get("capability_cut")):
                capability_cut = float(row["capability_cut"])
            if not is_missing(row.get("legacy_cut")):
                legacy_cut = float(row["legacy_cut"])

    item_texts: dict[tuple[str, str], str] = {}
    if items_t is not None:
        for row in items_t.rows:
            text = row.get("item_text_sv")
            if text:
                item_texts[(str(row.get("instrument_version")), str(row.get("item_code")))] = text
                item_texts.setdefault(("", str(row.get("item_code"))), text)

    status = read_year_status(db_path.parent)
    status.update(year_status or {})
    return SnapshotData(
        organisations=organisations,
        org_years=dict(org_years),
        categories=dict(categories),
        category_order=category_order,
        county_category_mean=_county_category_means(cats_t, min_cell_respondents),
        quadrant_types=quadrant_types,
        capability_cut=capability_cut,
        legacy_cut=legacy_cut,
        years=years,
        year_status=status,
        min_cell_respondents=min_cell_respondents,
        optional=optional,
        item_texts=item_texts,
    )


def _organisations(register: Table | None, orgs_t: Table) -> list[Row]:
    """Register rows for every organisation with results (register first, then any code only
    seen in the results), municipalities by code and then regions."""
    found: dict[str, Row] = {}
    if register is not None:
        short_col = register.col("short_name", "organisation_short_name")
        for r in register.rows:
            code = str(r["organisation_code"])
            found[code] = {
                "organisation_code": code,
                "organisation_name": r.get("organisation_name") or code,
                "short_name": (r.get(short_col) if short_col else None)
                or r.get("organisation_name")
                or code,
                "organisation_type": r.get("organisation_type") or "",
            }
    for r in orgs_t.rows:
        code = str(r["organisation_code"])
        if code not in found:
            name = r.get("organisation_name") or code
            found[code] = {
                "organisation_code": code,
                "organisation_name": name,
                "short_name": name,
                "organisation_type": r.get("organisation_type") or "",
            }
    with_results = {str(r["organisation_code"]) for r in orgs_t.rows}
    orgs = [o for o in found.values() if o["organisation_code"] in with_results]
    return sorted(orgs, key=lambda o: (o["organisation_type"] == "region", o["organisation_code"]))


def _category_order(items_t: Table | None, cats_t: Table | None) -> list[tuple[str, str, str]]:
    """The categories in the model's order: dimension sort order, then category sort order
    (from ``instrument_items`` where it has them, else the domain doc's order), with each
    field taken from whichever table has it."""

    def fallback(code: str) -> int:
        return CATEGORY_FALLBACK_ORDER.index(code) if code in CATEGORY_FALLBACK_ORDER else 99

    info: dict[str, dict[str, Any]] = {}
    for table in (items_t, cats_t):
        for r in table.rows if table is not None else []:
            code = r.get("category_code")
            if not code:
                continue
            entry = info.setdefault(code, {})
            for key, value in (
                ("dim", r.get("dimension_code")),
                ("name", r.get("category_name_sv")),
                ("dim_order", _as_int(r.get("dimension_sort_order"))),
                ("cat_order", _as_int(r.get("category_sort_order"))),
            ):
                if entry.get(key) is None and value not in (None, ""):
                    entry[key] = value

    def sort_key(code: str) -> tuple:
        e = info[code]
        dim_order = e.get("dim_order")
        if dim_order is None:
            dim_order = 0 if e.get("dim") == "capability" else 1
        cat_order = e.get("cat_order")
        return (dim_order, fallback(code) if cat_order is None else cat_order, code)

    return [
        (code, info[code].get("name") or code, info[code].get("dim") or "")
        for code in sorted(info, key=sort_key)
    ]


def flagged_suppressed(row: Row) -> bool:
    """True when a row carries a true suppression flag (``is_suppressed``, ``suppressed`` or
    any ``*_suppressed`` column), as the marts mark hidden cells."""
    return any(
        bool(v) and not is_missing(v)
        for k, v in row.items()
        if k in ("is_suppressed", "suppressed") or k.endswith("_suppressed")
    )


def too_few(row: Row, min_n: int, respondents_col: str = "respondents") -> bool:
    """True when the row's respondent count is known and below ``min_n`` (domain doc, "Privacy")."""
    n = row.get(respondents_col)
    return not is_missing(n) and int(n) < min_n


def _row_suppressed(row: Row, min_n: int) -> bool:
    return flagged_suppressed(row) or too_few(row, min_n)


def _county_category_means(cats_t: Table | None, min_n: int) -> dict[tuple[int, str], float]:
    """County mean of category_index per year and category.

    Taken from the mart's county-mean column when it has one; otherwise the unweighted mean
    of the organisations' category indices (each organisation counts once, as in the
    DiMiOS comparison with other organisations; domain doc, "The tool's analysis"), leaving
    out suppressed cells so a hidden value cannot be recovered from the mean.
    """
    if cats_t is None:
        return {}
    mean_col = next(
        (
            c
            for c in cats_t.columns
            if "county" in c and ("mean" in c or "avg" in c or "average" in c)
        ),
        None,
    )
    values: dict[tuple[int, str], list[float]] = defaultdict(list)
    given: dict[tuple[int, str], float] = {}
    for r in cats_t.rows:
        key = (_as_int(r.get("survey_year")), r.get("category_code"))
        if mean_col and not is_missing(r.get(mean_col)):
            given[key] = float(r[mean_col])
        if not is_missing(r.get("category_index")) and not _row_suppressed(r, min_n):
            values[key].append(float(r["category_index"]))
    means = {k: statistics.fmean(v) for k, v in values.items() if v}
    means.update(given)
    return means
