"""A tiny hand-made year (seeds + raw tables) that passes every raw check.

Register: three organisations (``06``, ``0604``, ``0680``). Codebook: ``v2020`` has items
A01, A02, A03 on a 1–5 scale; ``v2018`` has A01, A02 only. Year 2024, three respondents
(one per organisation), three answer rows each (9 rows).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.ingest.schemas import SCHEMAS as CONTRACT_SCHEMAS

YEAR = 2024
ORGANISATIONS = ["06", "0604", "0680"]
ITEMS_V2020 = ["A01", "A02", "A03"]


def _contract(table: str) -> pa.Schema:
    """The raw table's contract schema (pipelines.ingest.schemas, docs/data-contracts.md
    §3) with every field nullable, so fixtures can also hold deliberately bad rows."""
    return pa.schema([field.with_nullable(True) for field in CONTRACT_SCHEMAS[table]])


ANSWERS_SCHEMA = _contract("survey_answers")
RESPONDENTS_SCHEMA = _contract("respondents")
INVITATIONS_SCHEMA = _contract("invitations")
SCHEMAS = {
    "survey_answers": ANSWERS_SCHEMA,
    "respondents": RESPONDENTS_SCHEMA,
    "invitations": INVITATIONS_SCHEMA,
}


@pytest.fixture
def seeds_dir(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "organisations.csv").write_text(
        "organisation_code,organisation_name,short_name,organisation_type,county_code\n"
        "06,Region Jönköpings län,Region Jönköpings län,region,06\n"
        "0604,Aneby kommun,Aneby,kommun,06\n"
        "0680,Jönköpings kommun,Jönköping,kommun,06\n",
        encoding="utf-8",
    )
    (seeds / "target_groups.csv").write_text(
        "target_group,target_group_name_sv\n"
        "kommunledning,Kommunledning\n"
        "strateger,Strateger och verksamhetsutvecklare\n",
        encoding="utf-8",
    )
    header = (
        "instrument_version,item_code,factor_code,category_code,dimension_code,item_text_sv,"
        "reverse_coded,scale_min,scale_max,sort_order\n"
    )
    rows = [
        "v2018,A01,f1,effektivitet,capability,Text ett,false,1,5,1",
        "v2018,A02,f1,effektivitet,capability,Text två,false,1,5,2",
        "v2020,A01,f1,effektivitet,capability,Text ett,false,1,5,1",
        "v2020,A02,f1,effektivitet,capability,Text två,false,1,5,2",
        "v2020,A03,f2,teknik,legacy,Text tre,true,1,5,3",
    ]
    (seeds / "instrument_items.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return seeds


def _rows() -> dict[str, list[dict]]:
    respondents = [
        {
            "survey_year": YEAR,
            "respondent_id": f"r{i}",
            "organisation_code": org,
            "target_group": "strateger",
            "department": None,
            "submitted_at": None,
            "instrument_version": "v2020",
            "source_file": "export.csv",
            "source_row": i,
        }
        for i, org in enumerate(ORGANISATIONS, start=1)
    ]
    # (value, status, raw) per respondent r1..r3 and item A01..A03
    grid = [
        [(1, "answered", "1"), (5, "answered", "5"), (None, "dont_know", "Vet ej")],
        [(3, "answered", "3"), (None, "blank", ""), (4, "answered", "4")],
        [(2, "answered", "2"), (2, "answered", "2"), (5, "answered", "5")],
    ]
    answers = [
        {
            "survey_year": YEAR,
            "respondent_id": f"r{i}",
            "item_code": item,
            "answer_value": value,
            "answer_status": status,
            "answer_raw": raw,
        }
        for i, row in enumerate(grid, start=1)
        for item, (value, status, raw) in zip(ITEMS_V2020, row, strict=True)
    ]
    invitations = [
        {
            "survey_year": YEAR,
            "organisation_code": "06",
            "target_group": "strateger",
            "invited": 10,
            "invitation_method": "email",
        },
        {
            "survey_year": YEAR,
            "organisation_code": "0604",
            "target_group": "strateger",
            "invited": None,
            "invitation_method": "link",
        },
        {
            "survey_year": YEAR,
            "organisation_code": "0680",
            "target_group": "strateger",
            "invited": 4,
            "invitation_method": "email",
        },
    ]
    return {"survey_answers": answers, "respondents": respondents, "invitations": invitations}


@pytest.fixture
def rows() -> dict[str, list[dict]]:
    """Row dicts of the passing year; tests edit a copy and call :func:`as_tables`."""
    return copy.deepcopy(_rows())


def as_tables(rows: dict[str, list[dict]]) -> dict[str, pa.Table]:
    """pyarrow tables with the contract schemas (docs/data-contracts.md §3)."""
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in SCHEMAS}


@pytest.fixture
def run_checks(seeds_dir, tmp_path):
    """Call ``run_raw_checks`` on edited rows (or ready tables); returns ``{name: outcome}``."""
    from pipelines.validation import run_raw_checks

    def _run(rows_or_tables, *, year: int = YEAR, instrument_version: str = "v2020"):
        tables = rows_or_tables
        if all(isinstance(v, list) for v in rows_or_tables.values()):
            tables = as_tables(rows_or_tables)
        outcomes = run_raw_checks(
            tables,
            year=year,
            instrument_version=instrument_version,
            work_dir=tmp_path / "work",
            seeds_dir=seeds_dir,
        )
        return {o.name: o for o in outcomes}

    return _run
