"""The file checks' technical details as a page of our own, in place of GX Data Docs.

GX's Data Docs need scripts from CDNs (empty offline) and show expectation codes and raw
fractions. This page is built from the same stored GX validation results (one JSON file per
suite and run, ``<gx context>/uncommitted/validations/<suite>/<run>/…/<name>.json``; the
latest run of each suite is shown) and says, per table and check, in Swedish: what was
expected (the check's name from the council report, the column), the outcome, how many rows
were checked and how many broke the rule (formatted as numbers and percentages), and up to
five example values. Self-contained like the other reports (one stylesheet, no scripts).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.reports.formatting import format_int, format_number, format_percent

EXPECTATIONS_SV = {
    "expect_table_columns_to_match_set": "Tabellen har exakt de avtalade kolumnerna",
    "expect_column_values_to_not_be_null": "Värde saknas aldrig i kolumnen {column}",
    "expect_column_values_to_be_in_set": "Kolumnen {column} har bara tillåtna värden",
    "expect_column_values_to_be_between": "Kolumnen {column} ligger inom tillåtet intervall",
    "expect_column_values_to_be_unique": "Varje värde i kolumnen {column} förekommer en gång",
    "expect_compound_columns_to_be_unique": "Kombinationen {columns} förekommer en gång",
    "expect_column_distinct_values_to_contain_set": "Kolumnen {column} innehåller alla väntade värden",
    "expect_column_distinct_values_to_equal_set": "Kolumnen {column} har exakt de väntade värdena",
    "expect_table_row_count_to_equal": "Tabellen har det väntade antalet rader",
    "expect_column_values_to_match_regex": "Kolumnen {column} har rätt format",
}
"""Swedish wording of each GX expectation type ({column}/{columns} from its arguments)."""

TABLES_SV = {
    "survey_answers": "Svar",
    "respondents": "Svarande",
    "invitations": "Inbjudningar",
}
"""Swedish names of the raw tables (other assets keep their names)."""

COLUMNS_SV = {
    "survey_year": "mätår",
    "respondent_id": "svarandets id",
    "organisation_code": "organisation",
    "target_group": "målgrupp",
    "department": "förvaltning",
    "instrument_version": "enkätversion",
    "item_code": "påstående",
    "answer_value": "svarsvärde",
    "answer_status": "svarets status",
    "invited": "antal inbjudna",
    "invitation_method": "inbjudningssätt",
}
"""Swedish names of the raw columns in the rules' wording (others keep their names)."""

MAX_EXAMPLES = 5


def latest_results(validations_dir: Path) -> list[dict[str, Any]]:
    """The latest stored validation result of each suite under ``validations_dir`` (a GX
    validations store), by suite name. Empty when the folder does not exist."""
    latest: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(Path(validations_dir).glob("*/*/*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        run_time = str((data.get("meta") or {}).get("validation_time") or path.parent.name)
        suite = data.get("suite_name") or path.parts[-4]
        if suite not in latest or run_time > latest[suite][0]:
            latest[suite] = (run_time, data)
    return [latest[s][1] for s in sorted(latest)]


def _describe(config: dict[str, Any]) -> str:
    kwargs = config.get("kwargs") or {}
    template = EXPECTATIONS_SV.get(config.get("type"), config.get("type") or "")
    column = kwargs.get("column", "")
    return template.format(
        column=f"”{COLUMNS_SV.get(column, column)}”",
        columns=" + ".join(f"”{COLUMNS_SV.get(c, c)}”" for c in kwargs.get("column_list") or []),
    )


def results_view(results: list[dict[str, Any]], check_titles: dict[str, str]) -> list[dict]:
    """Tables with their expectation rows as the page shows them (formatted Swedish text)."""
    tables = []
    for suite in results:
        batch = (suite.get("meta") or {}).get("active_batch_definition") or {}
        asset = batch.get("data_asset_name") or suite.get("suite_name") or ""
        rows = []
        for r in suite.get("results") or []:
            config = r.get("expectation_config") or {}
            result = r.get("result") or {}
            check = (config.get("meta") or {}).get("check") or ""
            checked = result.get("element_count")
            broken = result.get("unexpected_count")
            observed = result.get("observed_value")
            if isinstance(observed, (int, float)) and not isinstance(observed, bool):
                observed_text = format_number(observed, 0 if float(observed).is_integer() else 3)
            else:
                observed_text = ""
            examples = [str(v) for v in (result.get("partial_unexpected_list") or [])]
            rows.append(
                {
                    "check": check_titles.get(check, check),
                    "expectation": _describe(config),
                    "status": "godkänd" if r.get("success") else "fel",
                    "checked": format_int(checked) if checked is not None else "",
                    "broken": format_int(broken) if broken is not None else "",
                    "share": format_percent(broken / checked, 1) if checked and broken is not None else "",
                    "observed": observed_text,
                    "examples": ", ".join(dict.fromkeys(examples[:MAX_EXAMPLES])),
                    "error": ((r.get("exception_info") or {}).get("exception_message") or ""),
                }
            )
        tables.append({"name": TABLES_SV.get(asset, asset), "rows": rows,
                       "success": bool(suite.get("success"))})  # fmt: skip
    return tables
