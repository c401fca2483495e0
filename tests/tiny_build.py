"""The tiny dbt build shared by the dbt, report and council tests.

A tiny codebook (12 items, 2 per category, scale 1–5) and five respondents in two
organisations for 2024 (Aneby 0604: r1–r3, Gnosjö 0617: r4–r5, invited by link) and Aneby
alone for 2025; every expected value is worked out by hand in ``tests/dbt/test_dbt_build.py``.
:func:`publish_tiny_snapshot` publishes such a build as a real snapshot (the marts copied by
:func:`pipelines.publish.snapshot.build_snapshot`, with the contract's columns), which is what
the report tests read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
from dbt_raw_fixtures import DBT_PROJECT, write_project_with_codebook, write_raw_year

DBT = Path(sys.executable).with_name("dbt")


def run_dbt_build(
    project_dir: Path,
    data_dir: Path,
    tmp_path: Path,
    min_cell_respondents: int = 1,
    select: str | None = None,
    withholding_checks: tuple[str, ...] | None = ("respondents_within_invited",),
) -> subprocess.CompletedProcess:
    """Run ``dbt build`` on ``project_dir`` against ``data_dir``; fail the test on error.

    The fixtures have 2-3 respondents per organisation, so disclosure control is off
    (``min_cell_respondents`` 1) unless a test is about it. ``select``: a dbt selection
    (``--select``), e.g. ``+internal_consistency_by_category``; default everything.
    The council's quality checks run on the fixture as on any year, but the tiny
    organisations answer far below the council's levels (Aneby 3 of 15 invited, 20 %): so
    that the scoring and report tests see their figures published, only
    ``respondents_within_invited`` withholds (the dbt var ``withholding_checks``) unless a
    test is about withholding (``withholding_checks=None``: the project's own).
    """
    variables = f"min_cell_respondents: {min_cell_respondents}"
    if withholding_checks is not None:
        variables += f", withholding_checks: [{', '.join(withholding_checks)}]"
    env = {**os.environ, "MOGNAD_DATA_DIR": str(data_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [
            str(DBT), "build",
            "--project-dir", str(project_dir),
            "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(tmp_path / "target"),
            "--log-path", str(tmp_path / "logs"),
            "--vars", f"{{{variables}}}",
            *(["--select", select] if select else []),
        ],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return result


def query(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse" / "mognad.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


# A tiny codebook: 2 items per category, scale 1-5 (score = 25 * (x - 1)); T2 is reverse coded
# (score = 25 * (5 - x)).
TINY_CODEBOOK = [
    # item, factor, category, dimension, reverse
    ("E1", "eff_strategi", "effektivitet", "capability", "false"),
    ("E2", "eff_strategi", "effektivitet", "capability", "false"),
    ("I1", "inn_anvandare", "innovation", "capability", "false"),
    ("I2", "inn_anvandare", "innovation", "capability", "false"),
    ("B1", "bal_budget", "balansering", "capability", "false"),
    ("B2", "bal_budget", "balansering", "capability", "false"),
    ("O1", "org_kompetens", "organisation", "legacy", "false"),
    ("O2", "org_kompetens", "organisation", "legacy", "false"),
    ("A1", "anv_stod", "anvandare", "legacy", "false"),
    ("A2", "anv_stod", "anvandare", "legacy", "false"),
    ("T1", "tek_system", "teknik", "legacy", "false"),
    ("T2", "tek_system", "teknik", "legacy", "true"),
]

# value per item in TINY_CODEBOOK order; "dk" = vet ej, None = blank
TINY_ANSWERS = {
    # org 0604 (Aneby)
    "r1": [5, 4, 3, 3, 2, "dk", 4, 4, 5, 5, 4, 2],
    "r2": [3, 3, "dk", "dk", 4, 4, 2, None, 3, 4, 2, 4],
    "r3": [4, 5, 5, 4, None, None, 3, 3, 1, 2, 5, 1],
    # org 0617 (Gnosjö)
    "r4": [2, 2, 2, 2, 2, 2, 1, 1, 2, 2, 1, 5],
    "r5": [3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 3, 3],
}


def write_tiny_project(tmp_path: Path) -> Path:
    """Copy the dbt project and replace the codebook seeds with TINY_CODEBOOK (vtest, 1-5)."""
    return write_project_with_codebook(
        tmp_path, [("vtest", item, factor, category, dimension, reverse, 1, 5)
                   for item, factor, category, dimension, reverse in TINY_CODEBOOK]
    )




def write_tiny_raw(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny project (``tmp_path/dbt_project``) and its raw years 2024 and 2025 under
    ``tmp_path/data`` (no dbt run). Returns ``(project, data_dir)``."""
    project = write_tiny_project(tmp_path)
    data_dir = tmp_path / "data"
    items = [row[0] for row in TINY_CODEBOOK]
    answers = [(rid, item, v) for rid, values in TINY_ANSWERS.items() for item, v in zip(items, values, strict=True)]
    respondents = [
        ("r1", "0604", "strateger", "vtest"),
        ("r2", "0604", "strateger", "vtest"),
        ("r3", "0604", "kommunledning", "vtest"),
        ("r4", "0617", "strateger", "vtest"),
        ("r5", "0617", "strateger", "vtest"),
    ]
    invitations = [
        ("0604", "strateger", 10, "email"),
        ("0604", "kommunledning", 5, "email"),
        ("0617", "strateger", None, "link"),
    ]
    write_raw_year(data_dir, 2024, answers, respondents, invitations)
    # 2025: Aneby only, no invitations file. Every item scores 100 for r1, 75 for r2, 50 for
    # r3 (T2 is reverse coded, so its answers are 1, 2, 3).
    answers_2025 = [
        (rid, item, value if item != "T2" else 6 - value)
        for rid, value in (("r1", 5), ("r2", 4), ("r3", 3))
        for item in items
    ]
    write_raw_year(data_dir, 2025, answers_2025, respondents[:3], [])
    return project, data_dir






def publish_tiny_snapshot(data_dir: Path, years: dict[str, dict[str, Any]]) -> Path:
    """Publish the marts of the build in ``data_dir`` as a snapshot under
    ``data_dir/published`` (no reports: ``finalise`` is not run) and return its folder.
    ``years`` is the manifest's ``years`` mapping (e.g. ``{"2024": {"status": "preliminary",
    "instrument_version": "vtest"}}``)."""
    from pipelines.publish.snapshot import build_snapshot
    from pipelines.transform.assets import mart_descriptions, mart_relations

    snapshot = build_snapshot(
        data_dir / "warehouse" / "mognad.duckdb",
        data_dir / "published",
        sorted(mart_relations()),
        descriptions=mart_descriptions(),
        extra_manifest={"years": years},
    )
    return snapshot.path


HOSTILE_NAME = "<script>alert(1)</script> kommun"
"""Gnosjö's (0617) name in the tiny snapshot's register: markup must come out as text."""
HOSTILE_SHORT = '=HYPERLINK("http://x.invalid","klicka")'
"""Gnosjö's short name in the tiny snapshot's register: a spreadsheet formula."""
TINY_MIN_CELL_RESPONDENTS = 3
"""Disclosure threshold of the tiny snapshot: Aneby's 3 respondents are shown, Gnosjö's 2
and every group of fewer than 3 are hidden."""


def copy_snapshot(snapshot: Path, target: Path) -> Path:
    """A copy of a published snapshot folder at ``target`` (the name is the snapshot id)."""
    shutil.copytree(snapshot, target)
    return target


def contract_columns() -> dict[str, list[tuple[str, str]]]:
    """``{published table: [(column, data type), …]}`` from the marts' contracts
    (``dbt_project/models/marts/*.yml``; a model's alias is its published name)."""
    import yaml

    out: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((DBT_PROJECT / "models" / "marts").glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            config = model.get("config") or {}
            if not (config.get("contract") or {}).get("enforced"):
                continue
            out[config.get("alias") or model["name"]] = [
                (c["name"], c["data_type"]) for c in model.get("columns") or []
            ]
    return out


def complete_to_contract(db_path: Path) -> None:
    """Add to a hand-made snapshot database every published table and contract column it
    lacks (tables empty, columns null), so the reports' contract reader accepts it."""
    with duckdb.connect(str(db_path)) as con:
        present: dict[str, set[str]] = {}
        for table, column in con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'main'"
        ).fetchall():
            present.setdefault(table, set()).add(column)
        for table, columns in contract_columns().items():
            if table not in present:
                cols = ", ".join(f'"{c}" {t}' for c, t in columns)
                con.execute(f'create table main."{table}" ({cols})')
                continue
            for column, data_type in columns:
                if column not in present[table]:
                    con.execute(f'alter table main."{table}" add column "{column}" {data_type}')
