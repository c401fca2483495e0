"""Write tiny raw Parquet fixtures with the contract schemas (docs/data-contracts.md §3).

Shapes: ``answers`` rows are ``(respondent_id, item_code, value)`` where ``value`` is an int
scale value, ``"dk"`` ("vet ej") or ``None`` (blank); ``respondents`` rows are
``(respondent_id, organisation_code, target_group, instrument_version)``; ``invitations``
rows are ``(organisation_code, target_group, invited_or_None, method)``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ingest.schemas import SCHEMAS

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"

CODEBOOK_COLUMNS = [
    "instrument_version", "item_code", "factor_code", "category_code", "dimension_code",
    "item_text_sv", "reverse_coded", "scale_min", "scale_max", "sort_order",
]


def write_project_with_codebook(tmp_path: Path, codebook: list[tuple]) -> Path:
    """Copy the dbt project to ``tmp_path/dbt_project`` and replace its codebook seeds.

    ``codebook`` rows are ``(instrument_version, item_code, factor_code, category_code,
    dimension_code, reverse_coded "true"/"false", scale_min, scale_max)``; the factor seed is
    rewritten to the factors the rows name. Returns the project directory.
    """
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs"))
    seeds = project / "seeds"
    with (seeds / "instrument_items.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CODEBOOK_COLUMNS)
        for i, (version, item, factor, category, dimension, reverse, low, high) in enumerate(codebook, 1):
            w.writerow([version, item, factor, category, dimension, f"Påstående {item}", reverse, low, high, i])
    factors = sorted({(row[2], row[3]) for row in codebook})
    with (seeds / "model_factors.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["factor_code", "category_code", "factor_name_sv", "sort_order"])
        for i, (factor, category) in enumerate(factors, 1):
            w.writerow([factor, category, factor, i])
    return project


def _contract(table: str) -> pa.Schema:
    """The raw table's contract schema (pipelines.ingest.schemas, docs/data-contracts.md
    §3) with every field nullable, so fixtures can also hold deliberately bad rows."""
    return pa.schema([field.with_nullable(True) for field in SCHEMAS[table]])


SURVEY_ANSWERS_SCHEMA = _contract("survey_answers")
RESPONDENTS_SCHEMA = _contract("respondents")
INVITATIONS_SCHEMA = _contract("invitations")


def _check_results_schema() -> pa.Schema | None:
    """The validation stage's check-results schema, when that stage is present."""
    try:
        from pipelines.validation.results import CHECK_RESULTS_SCHEMA
    except ImportError:
        return None
    return CHECK_RESULTS_SCHEMA


def write_raw_year(
    data_dir: Path,
    year: int,
    answers: list[tuple],
    respondents: list[tuple],
    invitations: list[tuple],
    check_results: list[dict] | None = None,
) -> Path:
    """Write ``warehouse/raw/<year>/{survey_answers,respondents,invitations}.parquet`` and,
    when the validation stage is present, ``quality_check_results.parquet`` (``check_results``:
    rows as dicts of that stage's schema; missing keys are null)."""
    folder = data_dir / "warehouse" / "raw" / str(year)
    folder.mkdir(parents=True, exist_ok=True)

    answer_rows = []
    for respondent_id, item_code, value in answers:
        if value == "dk":
            status, answer_value, raw = "dont_know", None, "Vet ej"
        elif value is None:
            status, answer_value, raw = "blank", None, ""
        else:
            status, answer_value, raw = "answered", int(value), str(value)
        answer_rows.append(
            {
                "survey_year": year,
                "respondent_id": respondent_id,
                "item_code": item_code,
                "answer_value": answer_value,
                "answer_status": status,
                "answer_raw": raw,
            }
        )
    respondent_rows = [
        {
            "survey_year": year,
            "respondent_id": rid,
            "organisation_code": org,
            "target_group": group,
            "department": None,
            "submitted_at": None,
            "instrument_version": version,
            "source_file": "export.csv",
            "source_row": i + 1,
        }
        for i, (rid, org, group, version) in enumerate(respondents)
    ]
    invitation_rows = [
        {
            "survey_year": year,
            "organisation_code": org,
            "target_group": group,
            "invited": invited,
            "invitation_method": method,
        }
        for org, group, invited, method in invitations
    ]
    tables = [
        ("survey_answers", answer_rows, SURVEY_ANSWERS_SCHEMA),
        ("respondents", respondent_rows, RESPONDENTS_SCHEMA),
        ("invitations", invitation_rows, INVITATIONS_SCHEMA),
    ]
    check_results_schema = _check_results_schema()
    if check_results_schema is not None:
        # The validation stage's per-year check results (source raw.quality_check_results);
        # empty here: these tests are about scoring.
        rows = [
            {name: row.get(name) for name in check_results_schema.names}
            for row in (check_results or [])
        ]
        tables.append(("quality_check_results", rows, check_results_schema))
    for name, rows, schema in tables:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")
    return folder
