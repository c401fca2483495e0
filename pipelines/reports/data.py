"""The curated tables the municipality reports, county overview and slide decks show.

Read from a published snapshot by its contract (:class:`pipelines.reports.snapshot.
SnapshotReader`): ``maturity_by_organisation``, ``organisations``, ``maturity_by_category``,
``quadrant_types``, ``instrument_items``, ``maturity_by_target_group``,
``maturity_by_department``, ``response_rates``, ``dont_know_by_item`` and ``county_summary``
must all be there with their contract's columns; the county means are the marts' own
(``county_mean_category_index``, ``county_summary.maturity_index_mean``), never recomputed
here. Year status, and for a year the council has signed off who decided it and when, from
the published ``survey_years`` table; from ``<snapshot>/manifest.json``
(``years[<year>].status``) for a year that table lacks (snapshots published before it).

Privacy (domain doc, "Privacy"): no figure describing fewer than ``min_cell_respondents``
(default 5) respondents is shown. The marts suppress such cells (value null plus a flag);
the reports additionally treat any cell whose respondent count is below the threshold as
suppressed, in case an upstream table does not.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.publish.snapshot import SURVEY_YEARS_TABLE, YEAR_STATUS_SV
from pipelines.reports.council import review_state, survey_year_review
from pipelines.reports.snapshot import SnapshotReader
from pipelines.settings import dbt_project_vars

DEFAULT_MIN_CELL_RESPONDENTS: int = dbt_project_vars()["min_cell_respondents"]
"""Disclosure threshold (domain doc, "Privacy"): dbt's var ``min_cell_respondents``, declared
in ``dbt_project/dbt_project.yml`` and read from there."""

COUNTY_SCALE: int = 40
"""A snapshot with at most this many organisations is at county scale (a county has 14, the
country about 1,500). At county scale the charts name every organisation, the county report
has one section per organisation and every organisation gets its own PDF; above it a chart
shows the distribution the organisation is seen among, the county report holds the overview
and "Begrepp" without its tables of one row per organisation (which the workbook and the HTML
overview hold), an organisation's PDF is made on request (``mognad pdf``) and the
organisations' pages and decks are built by two processes (``pipelines/reports/build.py``)."""

ORGANISATION_TABLE = "maturity_by_organisation"
"""The published table of one row per organisation and year (``SnapshotData.org_years``)."""

Row = dict[str, Any]

@dataclass(frozen=True)
class Population:
    """The words the reports use for the population every organisation is compared with
    (the organisations of the snapshot), decided once per snapshot by :func:`population_of`.

    - ``name``: definite form, as in "Digital mognad i länet", "jämfört med länet";
    - ``genitive``: as in "länets medelvärde", "länets organisationer";
    - ``members``: the organisations it is made of, after "Översikt över <genitive>";
    - ``report``: what the whole report is called ("länsrapport");
    - ``overview``: what the overview page is called ("Länsöversikt").

    Sentences starting with one of them capitalise it (``str.capitalize``, Jinja's
    ``capitalize``)."""

    name: str
    genitive: str
    members: str
    report: str
    overview: str

    @property
    def mean(self) -> str:
        """The population's mean as charts and tables label it: "Länets medelvärde"."""
        return f"{self.genitive.capitalize()} medelvärde"


COUNTY_POPULATION = Population(
    name="länet", genitive="länets", members="kommuner och regionen", report="länsrapport",
    overview="Länsöversikt",
)
"""A snapshot of one county (the reference case: Jönköpings län, 13 municipalities and the
region)."""

NATIONAL_POPULATION = Population(
    name="riket", genitive="rikets", members="kommuner och regioner", report="riksrapport",
    overview="Riksöversikt",
)
"""A snapshot whose organisations belong to several counties (the national comparison): the
population is the country's organisations in the snapshot, not a county."""


def population_of(county_codes: Iterable[Any]) -> Population:
    """``NATIONAL_POPULATION`` when the organisations' register county codes
    (``organisations.county_code``) name more than one county, else ``COUNTY_POPULATION``
    (one county; a code left empty names no county)."""
    counties = {str(c).strip() for c in county_codes if not is_missing(c) and str(c).strip()}
    return NATIONAL_POPULATION if len(counties) > 1 else COUNTY_POPULATION


PRELIMINARY_STATUSES = frozenset({"preliminary", "preliminär", "prelim"})
"""Year statuses that mark a year preliminary (the manifest's, survey_years', older ones)."""


def is_missing(value: Any) -> bool:
    """True for ``None`` and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass
class Table:
    """A table read whole: its contract's column names and rows as dicts (column -> value)."""

    name: str
    columns: list[str]
    rows: list[Row]


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
      (``maturity_by_category.county_mean_category_index``);
    - ``quadrant_types[letter]``, ``capability_cut``, ``legacy_cut``;
    - ``year_status[year]``: e.g. ``"preliminary"`` or ``"signed_off"`` (survey_years, else
      manifest.json);
    - ``year_reviews[year]``: the council's review of the year as the reports state it
      (:func:`pipelines.reports.council.survey_year_review` of the year's ``survey_years``
      row: ``signed_off``, ``label``, ``text``
      such as "Mätningen 2025 är granskad och godkänd av Digitaliseringsrådet vid sammanträdet den
      12 november 2026 (registrerat av … den …)."), preliminary for a year ``year_status``
      calls so;
    - ``optional``: the detail tables (``DETAIL_TABLES``), by name;
    - ``population``: the words for the population the organisations are compared with
      (:func:`population_of` the register's county codes: "länet" for one county).
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
    year_reviews: dict[int, dict[str, Any]] = field(default_factory=dict)
    item_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    population: Population = COUNTY_POPULATION
    _by_organisation: dict[str, dict[str, list[Row]]] = field(default_factory=dict, repr=False)
    _derived: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def is_preliminary(self, year: int) -> bool:
        """True when the manifest marks the year preliminary (``status`` = ``preliminary``)."""
        return str(self.year_status.get(year, "")).lower() in PRELIMINARY_STATUSES

    def year_mark(self, year: int) -> str:
        """The year's status in one word as the reports set it beside the year ("granskad",
        "preliminär": ``mark`` of :func:`pipelines.reports.council.survey_year_review`);
        "" for a year without a review."""
        return (self.year_reviews.get(year) or {}).get("mark", "")

    def organisation_rows(self, table: str, code: str) -> list[Row]:
        """Every row of a detail table (``DETAIL_TABLES``) that belongs to one organisation
        (``organisation_code``), all years, in the table's order; ``[]`` for a table without
        that column. The rows are grouped by organisation once per table, so a national
        snapshot (1,500 organisations) is not scanned once per organisation."""
        grouped = self._by_organisation.get(table)
        if grouped is None:
            grouped = defaultdict(list)
            found = self.optional[table]
            if "organisation_code" in found.columns:
                for r in found.rows:
                    grouped[str(r["organisation_code"])].append(r)
            self._by_organisation[table] = grouped
        return grouped.get(code, [])

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """A value derived from this snapshot's data alone, made by ``make()`` the first time
        ``key`` (hashable, naming what it is) is asked for and kept: what every
        organisation's page shows of all the others (e.g. the year's positions) is made once,
        not once per organisation (quadratic at national scale). The value is shared: a
        caller must not change it."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def rows_for(self, table: str, code: str, year: int) -> list[Row]:
        """Rows of a detail table for one organisation and year."""
        return [r for r in self.organisation_rows(table, code) if _as_int(r["survey_year"]) == year]


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_table(snapshot: SnapshotReader, table: str) -> Table:
    """Every contract column of ``table`` (raises ``SnapshotContractError`` when missing)."""
    return Table(table, list(snapshot.columns(table)), snapshot.rows(table))


def read_year_status(manifest: Mapping[str, Any]) -> dict[int, str]:
    """``{year: status}`` from a snapshot manifest's ``years[<year>].status``."""
    status = {}
    for year, info in (manifest.get("years") or {}).items():
        if _as_int(year) is not None and isinstance(info, Mapping) and info.get("status"):
            status[int(year)] = str(info["status"])
    return status


DETAIL_TABLES = (
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


PRESENT_ONLY_TABLES = (
    "maturity_by_organisation_weighted",
    "maturity_by_factor",
    "national_reference_values",
    "peer_group_references",
)
"""Detail tables the reports use when the snapshot has them (the weighted indices, the
factors, the optional national reference values and peer-group references; a snapshot
without them gets pages without those parts)."""


def load_snapshot(
    db_path: Path,
    *,
    min_cell_respondents: int = DEFAULT_MIN_CELL_RESPONDENTS,
) -> SnapshotData:
    """Read the snapshot whose DuckDB file is ``db_path`` (read-only) into ``SnapshotData``.

    Raises ``FileNotFoundError`` when the file does not exist and
    ``SnapshotContractError`` (a ``ValueError``) when a table or contract column is missing.
    Each year's status and review come from the snapshot's ``survey_years`` table, where the
    publication writes them; a year it does not hold falls back to ``manifest.json``.
    """
    with SnapshotReader(db_path.parent) as snapshot:
        orgs_t = read_table(snapshot, ORGANISATION_TABLE)
        register = read_table(snapshot, "organisations")
        cats_t = read_table(snapshot, "maturity_by_category")
        quads_t = read_table(snapshot, "quadrant_types")
        items_t = read_table(snapshot, "instrument_items")
        optional = {name: read_table(snapshot, name) for name in DETAIL_TABLES}
        for name in PRESENT_ONLY_TABLES:
            if snapshot.has_table(name):
                optional[name] = read_table(snapshot, name)
        status = read_year_status(snapshot.manifest)
        manifest = snapshot.manifest
        reviews: dict[int, dict[str, Any]] = {}
        if snapshot.has_table(SURVEY_YEARS_TABLE):
            statuses = {sv: status_code for status_code, sv in YEAR_STATUS_SV.items()}
            for row in snapshot.rows(SURVEY_YEARS_TABLE):
                year = int(row["survey_year"])
                status[year] = statuses.get(row["status"], "preliminary")
                reviews[year] = survey_year_review(row)

    org_years: dict[str, dict[int, Row]] = defaultdict(dict)
    for row in orgs_t.rows:
        org_years[str(row["organisation_code"])][int(row["survey_year"])] = row
    years = sorted({y for by_year in org_years.values() for y in by_year})

    organisations = _organisations(register, orgs_t)
    category_order = _category_order(items_t)
    rank = {code: i for i, (code, _, _) in enumerate(category_order)}
    categories: dict[tuple[str, int], list[Row]] = defaultdict(list)
    county_category_mean: dict[tuple[int, str], float] = {}
    for row in cats_t.rows:
        key = (str(row["organisation_code"]), int(row["survey_year"]))
        categories[key].append(row)
        if not is_missing(row["county_mean_category_index"]):
            county_category_mean[(key[1], row["category_code"])] = float(
                row["county_mean_category_index"]
            )
    for rows in categories.values():
        rows.sort(key=lambda r: rank.get(r["category_code"], len(rank)))

    quadrant_types = {str(row["quadrant"]): row for row in quads_t.rows}
    cuts = {(float(r["capability_cut"]), float(r["legacy_cut"])) for r in quads_t.rows}
    if len(cuts) != 1:
        raise ValueError(f"quadrant_types must carry one pair of cuts, found {sorted(cuts)}")
    capability_cut, legacy_cut = cuts.pop()

    item_texts: dict[tuple[str, str], str] = {}
    for row in items_t.rows:
        text = row["item_text_sv"]
        if text:
            item_texts[(str(row["instrument_version"]), str(row["item_code"]))] = text
            item_texts.setdefault(("", str(row["item_code"])), text)

    for year in years:
        if year not in reviews:
            preliminary = str(status.get(year, "")).lower() in PRELIMINARY_STATUSES
            reviews[year] = review_state({} if preliminary else manifest, year)
    return SnapshotData(
        organisations=organisations,
        org_years=dict(org_years),
        categories=dict(categories),
        category_order=category_order,
        county_category_mean=county_category_mean,
        quadrant_types=quadrant_types,
        capability_cut=capability_cut,
        legacy_cut=legacy_cut,
        years=years,
        year_status=status,
        year_reviews=reviews,
        min_cell_respondents=min_cell_respondents,
        optional=optional,
        item_texts=item_texts,
        population=population_of(o["county_code"] for o in organisations),
    )


def _organisations(register: Table, orgs_t: Table) -> list[Row]:
    """Register rows (``organisations``) of every organisation with results,
    municipalities by code and then regions; ``short_name`` is the register's short name,
    ``county_code`` the register's county code."""
    with_results = {str(r["organisation_code"]) for r in orgs_t.rows}
    orgs = [
        {
            "organisation_code": str(r["organisation_code"]),
            "organisation_name": r["organisation_name"],
            "short_name": r["organisation_short_name"] or r["organisation_name"],
            "organisation_type": r["organisation_type"],
            "county_code": r["county_code"],
        }
        for r in register.rows
        if str(r["organisation_code"]) in with_results
    ]
    unknown = with_results - {o["organisation_code"] for o in orgs}
    if unknown:
        raise ValueError(f"organisations with results but not in the register: {sorted(unknown)}")
    return sorted(orgs, key=lambda o: (o["organisation_type"] == "region", o["organisation_code"]))


def _category_order(items_t: Table) -> list[tuple[str, str, str]]:
    """``[(category_code, category_name_sv, dimension_code)]`` in the model's order: the
    codebook's dimension sort order, then its category sort order (``instrument_items``)."""
    info: dict[str, tuple] = {}
    for r in items_t.rows:
        info.setdefault(
            r["category_code"],
            (r["dimension_sort_order"], r["category_sort_order"], r["category_name_sv"],
             r["dimension_code"]),
        )  # fmt: skip
    ordered = sorted(info.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0]))
    return [(code, name or code, dim) for code, (_, _, name, dim) in ordered]


def flagged_suppressed(row: Row) -> bool:
    """True when a row carries a true suppression flag (``is_suppressed``, ``suppressed`` or
    any ``*_suppressed`` column), as the marts mark hidden cells."""
    return any(
        bool(v) and not is_missing(v)
        for k, v in row.items()
        if k in ("is_suppressed", "suppressed") or k.endswith("_suppressed")
    )
