"""The tiny dbt build shared by the dbt, report and council tests.

A tiny codebook (12 items, 2 per category, scale 1–5) and five respondents in two
organisations for 2024 (Aneby 0604: r1–r3, Gnosjö 0617: r4–r5, invited by link) and Aneby
alone for 2025; every expected value is worked out by hand in ``tests/dbt/test_dbt_build.py``.
:func:`publish_tiny_snapshot` publishes such a build as a real snapshot (the marts copied by
:func:`pipelines.publish.snapshot.build_snapshot`, with the contract's columns), which is what
the report tests read. :func:`write_council_raw` is the council's variant: six organisations
whose 2019 gives each status of the council's quality checks (tests/council/).
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

DBT = Path(sys.executable).with_name("mognad-dbt")
"""The project's dbt launcher (pipelines/transform/dbt_launcher.py): dbt in the data root
(``$MOGNAD_DATA_DIR``), where the profile names the warehouse."""


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


def add_codebook_version(project: Path, version: str, text: str) -> None:
    """Add instrument version ``version`` to the project's codebook seed: TINY_CODEBOOK's items
    again, each with the text ``text.format(item=<item code>)``, after the rows already there.
    An item code means the same item in every version; only the wording differs."""
    import csv

    from dbt_raw_fixtures import CODEBOOK_COLUMNS

    path = project / "seeds" / "instrument_items.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == CODEBOOK_COLUMNS, reader.fieldnames
        rows = list(reader)
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CODEBOOK_COLUMNS)
        for row in rows:
            if row["instrument_version"] == "vtest":
                writer.writerow({**row, "instrument_version": version,
                                 "item_text_sv": text.format(item=row["item_code"])})


def write_tiny_action_register(data_dir: Path) -> None:
    """The decided-action register of ``data_dir`` (``warehouse/actions``, as
    pipelines/actions/register.py writes it): one action of Aneby (0604) answering its 2024
    measurement on Innovation, registered 2025-03-01 as planerad and 30 days later as pågår."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipelines.actions.register import HISTORY_SCHEMA, REGISTER_SCHEMA

    registered = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    register = data_dir / "warehouse" / "actions"
    register.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([{
        "action_id": "0604-2024-01", "organisation_code": "0604", "survey_year": 2024,
        "action": "Pilot med användare", "category_code": "innovation", "factor_code": None,
        "decided_by": "kommunstyrelsen", "decided_on": dt.date(2025, 2, 3),
        "responsible": "digitaliseringsstrateg", "status": "pågår", "due_date": None,
        "follow_up_note": "Eva leder piloten", "source_file": "aneby.xlsx",
        "source_sha256": "0" * 64, "source_row": 2, "accepted_at": registered,
    }], schema=REGISTER_SCHEMA), register / "decided_actions.parquet")  # fmt: skip
    pq.write_table(pa.Table.from_pylist([
        {"action_id": "0604-2024-01", "organisation_code": "0604", "status": "planerad",
         "observed_at": registered, "source_file": "aneby.xlsx"},
        {"action_id": "0604-2024-01", "organisation_code": "0604", "status": "pågår",
         "observed_at": registered + dt.timedelta(days=30), "source_file": "aneby.xlsx"},
    ], schema=HISTORY_SCHEMA), register / "action_status_history.parquet")  # fmt: skip


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


# The council's tiny build (write_council_raw): six organisations, all at 75 % in 2018; in
# 2019 their invitations and answers give each status of the council's quality checks. Habo
# (0643) is renamed to HOSTILE_NAME / HOSTILE_SHORT, and the register holds the six alone
# (edit_register).
COUNCIL_HOSTILE_CODE = "0643"

COUNCIL_OTHER_VERSION = "vtest2"
"""An instrument version in the council build's codebook that no year answered: the same item
codes as vtest (sorted after it), other texts (COUNCIL_OTHER_VERSION_TEXT)."""
COUNCIL_OTHER_VERSION_TEXT = "FEL VERSION {item}"

# 2019: (organisation, target group): (invitation method, invited, respondents)
COUNCIL_INVITATIONS_2019 = {
    ("0604", "kommunledning"): ("email", 4, 2),
    ("0604", "strateger"): ("email", 1, 2),  # more respondents than invited: fel
    ("0642", "kommunledning"): ("email", 8, 2),
    ("0642", "strateger"): ("email", 4, 1),
    ("0617", "kommunledning"): ("link", None, 2),
    ("0617", "strateger"): ("link", None, 1),
    ("0643", "kommunledning"): ("email", 1, 1),
    ("0643", "strateger"): ("email", 2, 1),
    ("0680", "kommunledning"): ("email", 5, 1),
    ("0680", "strateger"): ("email", 5, 3),
    ("06", "kommunledning"): ("email", 2, 2),
    ("06", "strateger"): ("email", 2, 2),
}


def council_answers_2019(respondent_ids: list[str]) -> list[tuple]:
    """The 2019 answers of the council's build, respondent k (1-based, in ``respondent_ids``
    order) answering ``1 + (k - 1) % 5`` on every item, except: A2 answered by respondent 1
    only ("vet ej" for the other 19); I2 "vet ej" for respondents 1-8 and blank for 9-12;
    B2 "vet ej" for 13-14; E1 "vet ej" for 15; T2 (reverse coded) ``1 + (k - 1) % 3``."""
    items = [row[0] for row in TINY_CODEBOOK]
    answers = []
    for k, rid in enumerate(respondent_ids, 1):
        base = 1 + (k - 1) % 5
        for item in items:
            value: int | str | None = base
            if item == "A2" and k > 1:
                value = "dk"
            elif item == "I2" and k <= 8:
                value = "dk"
            elif item == "I2" and k <= 12:
                value = None
            elif item == "B2" and k in (13, 14):
                value = "dk"
            elif item == "E1" and k == 15:
                value = "dk"
            elif item == "T2":
                value = 1 + (k - 1) % 3
            answers.append((rid, item, value))
    return answers


def structural_check_rows(year: int) -> list[dict]:
    """Every file check of the year passed, as the validation stage records it."""
    import datetime as dt

    from pipelines.validation.suites import RAW_CHECKS

    return [
        {"survey_year": year, "check_name": check.name, "check_kind": "structural",
         "status": "godkänd", "observed": 0.0, "threshold": "0 offending rows",
         "checked_at": dt.datetime(2026, 11, 1, 10, 0, 0)}
        for check in RAW_CHECKS
    ]  # fmt: skip


def write_council_raw(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny project with the council's two years under ``tmp_path/data`` (no dbt run).

    2018: each of the six organisations of 2019 invited 4 kommunledning by e-mail and 3 of
    them answered (75 %), every item answered. 2019: COUNCIL_INVITATIONS_2019, 20 respondents
    c01-c20 in its order, answers :func:`council_answers_2019`. Both years carry the nine
    file checks, all passed, and were answered in vtest; the codebook also holds
    COUNCIL_OTHER_VERSION. The register holds the six organisations of 2019 alone, Habo
    renamed to HOSTILE_NAME.
    Returns ``(project, data_dir)``."""
    project = write_tiny_project(tmp_path)
    add_codebook_version(project, COUNCIL_OTHER_VERSION, COUNCIL_OTHER_VERSION_TEXT)
    edit_register(
        project, rename={COUNCIL_HOSTILE_CODE: (HOSTILE_NAME, HOSTILE_SHORT)},
        keep={org for org, _ in COUNCIL_INVITATIONS_2019},
    )
    data_dir = tmp_path / "data"
    items = [row[0] for row in TINY_CODEBOOK]
    organisations = list(dict.fromkeys(org for org, _ in COUNCIL_INVITATIONS_2019))
    respondents_2018 = [
        (f"a{k + 1:02d}", org, "kommunledning", "vtest")
        for k, org in enumerate(org for org in organisations for _ in range(3))
    ]
    write_raw_year(
        data_dir, 2018,
        [(rid, item, 1 + k % 5) for k, (rid, *_) in enumerate(respondents_2018) for item in items],
        respondents_2018,
        [(org, "kommunledning", 4, "email") for org in organisations],
        structural_check_rows(2018),
    )  # fmt: skip
    respondents, invitations = [], []
    for (org, group), (method, invited, n) in COUNCIL_INVITATIONS_2019.items():
        invitations.append((org, group, invited, method))
        for _ in range(n):
            respondents.append((f"c{len(respondents) + 1:02d}", org, group, "vtest"))
    write_raw_year(
        data_dir, 2019, council_answers_2019([r[0] for r in respondents]), respondents,
        invitations, structural_check_rows(2019),
    )  # fmt: skip
    return project, data_dir


def edit_register(
    project: Path,
    rename: dict[str, tuple[str, str]] | None = None,
    keep: set[str] | None = None,
) -> None:
    """Edit the project's register seed (``seeds/organisations.csv``): ``rename`` maps an
    organisation code to its new ``(name, short name)``; ``keep``, when given, drops every
    other organisation from the register and from the seeds that refer to it (an
    organisation that answered nothing is otherwise reported with 0 respondents)."""
    import csv

    seeds = project / "seeds"
    for seed in ("organisations", "organisation_aliases", "organisation_peer_groups"):
        path = seeds / f"{seed}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fieldnames, rows = list(reader.fieldnames or []), list(reader)
        rows = [r for r in rows if keep is None or r["organisation_code"] in keep]
        if seed == "organisations":
            for row in rows:
                if row["organisation_code"] in (rename or {}):
                    row["organisation_name"], row["short_name"] = rename[row["organisation_code"]]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fieldnames)
            writer.writeheader()
            writer.writerows(rows)


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


def build_tiny_snapshot(
    tmp_path: Path,
    project: Path,
    data_dir: Path,
    years: dict[str, dict[str, Any]],
    withholding_checks: tuple[str, ...] | None = ("respondents_within_invited",),
) -> Path:
    """``dbt build`` of ``project`` on ``data_dir`` with ``min_cell_respondents``
    TINY_MIN_CELL_RESPONDENTS (:func:`run_dbt_build`, which says what ``withholding_checks``
    means), then the build published as a snapshot with the manifest's ``years``
    (:func:`publish_tiny_snapshot`). Returns the snapshot's folder."""
    run_dbt_build(
        project, data_dir, tmp_path, min_cell_respondents=TINY_MIN_CELL_RESPONDENTS,
        withholding_checks=withholding_checks,
    )
    return publish_tiny_snapshot(data_dir, years)


HOSTILE_NAME = "<script>alert(1)</script> kommun"
"""Gnosjö's (0617) name in the tiny snapshot's register, Habo's (0643) in the council's:
markup must come out as text."""
HOSTILE_SHORT = '=HYPERLINK("http://x.invalid","klicka")'
"""Gnosjö's (Habo's) short name: a spreadsheet formula."""
TINY_MIN_CELL_RESPONDENTS = 3
"""Disclosure threshold of the tiny snapshot: Aneby's 3 respondents are shown, Gnosjö's 2
and every group of fewer than 3 are hidden."""


def copy_snapshot(snapshot: Path, target: Path) -> Path:
    """A copy of a published snapshot folder at ``target`` (the name is the snapshot id)."""
    shutil.copytree(snapshot, target)
    return target


def add_file_check_page(snapshot: Path, year: int) -> None:
    """A stand-in for the year's file-check page (``quality/gx/<year>/index.html``, which the
    publish step's GX results become), so that the council report links to it."""
    gx = snapshot / "quality" / "gx" / str(year)
    gx.mkdir(parents=True, exist_ok=True)
    (gx / "index.html").write_text("<!doctype html><title>GX</title>", encoding="utf-8")
