"""Fixtures for the report tests.

``tiny_built``: the tiny snapshot of a real dbt build (tests/tiny_build.py) with its reports
and slides, what the HTML tests read. ``built_snapshot``: the hand-made snapshot of
report_snapshot.py that the slide tests still read, completed to the published contract
(every table and column the contract declares and the hand-made file lacks is added, empty
or null, with the real build's types), since the reports read nothing else.
"""

from __future__ import annotations

import duckdb
import pytest
from report_snapshot import write_snapshot
from tiny_build import TINY_MIN_CELL_RESPONDENTS, copy_snapshot


@pytest.fixture(scope="session")
def tiny_built(tiny_snapshot, tmp_path_factory):
    """A copy of the tiny snapshot with its reports and slides built once per session."""
    from pipelines.reports import build_reports

    snapshot = copy_snapshot(tiny_snapshot, tmp_path_factory.mktemp("reports") / tiny_snapshot.name)
    result = build_reports(snapshot, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS)
    return snapshot, result


def complete_to_contract(snapshot, reference) -> None:
    """Add to ``snapshot``'s database every table and column of ``reference``'s (a real
    published snapshot) that it lacks: tables empty, columns null, types from ``reference``."""
    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute(f"attach '{reference / 'mognad.duckdb'}' as ref (read_only)")
        wanted = con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_catalog = 'ref' and table_schema = 'main' order by table_name, ordinal_position"
        ).fetchall()
        present = {
            (t, c)
            for t, c in con.execute(
                "select table_name, column_name from information_schema.columns "
                "where table_catalog = 'mognad' and table_schema = 'main'"
            ).fetchall()
        }
        tables = {t for t, _ in present}
        for table, column, data_type in wanted:
            if table not in tables:
                con.execute(f'create table main."{table}" as select * from ref.main."{table}" limit 0')
                tables.add(table)
                present |= {(table, c) for t, c, _ in wanted if t == table}
            elif (table, column) not in present:
                con.execute(f'alter table main."{table}" add column "{column}" {data_type}')
                present.add((table, column))


def codebook_from_seeds(snapshot) -> None:
    """Give the hand-made ``instrument_items`` the model's category and dimension names and
    order (seeds model_categories.csv, model_dimensions.csv) and one item for each category
    it lacks, as the published codebook has."""
    from pipelines.settings import SEEDS_DIR

    with duckdb.connect(str(snapshot / "mognad.duckdb")) as con:
        con.execute(
            f"create temp table cats as select c.*, d.sort_order as dimension_sort_order "
            f"from read_csv('{SEEDS_DIR / 'model_categories.csv'}') c "
            f"join read_csv('{SEEDS_DIR / 'model_dimensions.csv'}') d using (dimension_code)"
        )
        con.execute(
            "update instrument_items i set category_name_sv = c.category_name_sv, "
            "dimension_code = c.dimension_code, category_sort_order = c.sort_order, "
            "dimension_sort_order = c.dimension_sort_order from cats c "
            "where i.category_code = c.category_code"
        )
        con.execute(
            "insert into instrument_items (instrument_version, item_code, category_code, "
            "category_name_sv, dimension_code, category_sort_order, dimension_sort_order) "
            "select 'v2020', upper(left(category_code, 3)) || '99', category_code, "
            "category_name_sv, dimension_code, sort_order, dimension_sort_order from cats "
            "where category_code not in (select category_code from instrument_items)"
        )


@pytest.fixture(scope="session")
def built_snapshot(tmp_path_factory, tiny_snapshot):
    """The hand-made snapshot, completed to the contract, with reports and slides built once."""
    from pipelines.reports import build_reports

    snapshot = write_snapshot(tmp_path_factory.mktemp("snapshot") / "20260101T000000-000000Z")
    complete_to_contract(snapshot, tiny_snapshot)
    codebook_from_seeds(snapshot)
    result = build_reports(snapshot)
    return snapshot, result
