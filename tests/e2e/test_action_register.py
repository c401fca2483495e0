"""A new user's path through the action register, on the bundled sample: open the published
handlingsplan template of Jönköping, fill in two actions answering 2019 by script, drop it in
actions/, load, and find them on the 2020 report with the category's change 2019→2020 and
its interval, and on the county overview; then a broken workbook is rejected with file, row
and column named while the register and the published snapshot stay as they were."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from pptx import Presentation
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from browser_support import CHROMIUM  # noqa: E402

from pipelines.reports.formatting import format_interval, format_signed  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample" / "landing"

pytestmark = pytest.mark.e2e


def _mognad(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MOGNAD_DATA_DIR": str(data),
           "DAGSTER_HOME": str(data / "dagster_home"),
           "MOGNAD_PSEUDONYM_KEY": "test-key-not-secret"}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1500)


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _fill(template: Path, target: Path) -> None:
    """Two actions of Jönköping answering the 2019 measurement, as a user would type them:
    one with an Excel date cell, one with a text date."""
    book = openpyxl.load_workbook(template)
    sheet = book["Åtgärder"]
    rows = {
        2: {"C": 2019, "D": "Inför en gemensam modell för systemförvaltning", "E": "Effektivitet",
            "F": "Systemförvaltning och projektform", "G": "kommunstyrelsen",
            "H": dt.datetime(2020, 3, 16), "I": "IT-enheten", "J": "pågår", "K": "2021-06-30",
            "L": "Samordnas av Anna Berg"},
        3: {"C": 2019, "D": "Utbildning i digitalt ledarskap för chefer", "E": "Organisation",
            "G": "kommunledningsgruppen", "H": "2020-02-10", "I": "HR-avdelningen",
            "J": "planerad"},
    }
    for row, values in rows.items():
        for column, value in values.items():
            sheet[f"{column}{row}"] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def _expected_change(db: Path, category: str) -> tuple[str, str]:
    """Δ 2019→2020 of Jönköping's category and its 95 % interval, computed here from the two
    published indices with scipy's t quantile: Δ ± t(0.975, min(n)−1)·√(se₁²+se₂²)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = dict(((y), (i, se, n)) for y, i, se, n in con.execute(
            "select survey_year, category_index, category_index_standard_error, respondents "
            "from maturity_by_category where organisation_code = '0680' and category_code = ?",
            [category]).fetchall())
    (i1, se1, n1), (i2, se2, n2) = rows[2019], rows[2020]
    change = i2 - i1
    half = float(stats.t.ppf(0.975, min(n1, n2) - 1)) * math.sqrt(se1**2 + se2**2)
    return format_signed(change), format_interval(change - half, change + half)


def test_two_actions_for_2019_reach_the_2020_report_and_a_broken_workbook_changes_nothing(
        tmp_path: Path):
    data = tmp_path / "data"
    for year in (2018, 2019, 2020):
        shutil.copytree(SAMPLE / str(year), data / "landing" / str(year))
    loaded = _mognad(data, "load", "--all")
    assert loaded.returncode == 0, loaded.stdout[-3000:] + loaded.stderr[-3000:]
    latest = data / "published" / "latest"
    template = latest / "handlingsplan" / "0680_jonkoping.xlsx"
    assert template.exists(), sorted(p.name for p in (latest / "handlingsplan").iterdir())

    _fill(template, data / "actions" / "handlingsplan_jonkoping.xlsx")
    first = _mognad(data, "actions")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Åtgärdsregistret: 2 åtgärder från 1 fil " in first.stdout

    latest = (data / "published" / "latest").resolve()
    with duckdb.connect(str(latest / "mognad.duckdb"), read_only=True) as con:
        actions = con.execute("select action_id, category_code, status, decided_on "
                              "from decided_actions order by 1").fetchall()
        columns = [r[0] for r in con.execute("describe decided_actions").fetchall()]
    assert actions == [("0680-2020-01", "effektivitet", "pågår", dt.date(2020, 3, 16)),
                       ("0680-2020-02", "organisation", "planerad", dt.date(2020, 2, 10))]
    assert "follow_up_note" not in columns  # free text is not published

    page = (latest / "reports" / "kommun" / "0680.html").read_text(encoding="utf-8")
    section = page[page.index('id="atgarder"'):page.index('id="att-lasa"')]
    assert "Beslutade åtgärder och uppföljning" in section
    assert "bevisar inte att åtgärden orsakade den" in section
    assert "Anna Berg" not in page
    for text, category in (("Inför en gemensam modell för systemförvaltning", "effektivitet"),
                           ("Utbildning i digitalt ledarskap för chefer", "organisation")):
        change, interval = _expected_change(latest / "mognad.duckdb", category)
        block = section[section.index(text):]
        block = block[:block.index("</table>")]
        assert f">{change}<" in block and f">{interval}<" in block, (change, interval, block)
        assert "2019 (utgångsläge)" in block

    deck = Presentation(str(latest / "slides" / "0680_jonkoping.pptx"))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert {"Rekommendationer 2020", "Beslutade åtgärder och uppföljning"} <= set(titles), titles

    overview = (latest / "reports" / "index.html").read_text(encoding="utf-8")
    exchange = overview[overview.index('id="utbyte"'):]
    row = exchange[exchange.index("<td>Effektivitet</td>"):]
    assert row[:row.index("</tr>")].count("Jönköping") >= 1

    if CHROMIUM:
        shot = Path(os.environ.get("MOGNAD_SCREENSHOTS", tmp_path)) / "actions_0680.png"
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        f"--screenshot={shot}", "--window-size=1200,6000",
                        (latest / "reports" / "kommun" / "0680.html").as_uri()],
                       capture_output=True, timeout=120)
        assert shot.exists() and shot.stat().st_size > 50_000

    # A broken workbook: an unknown status and a merged range. Rejected, named, quarantined;
    # the register and the published snapshot are unchanged.
    register_before = _digest(data / "warehouse" / "actions" / "accepted")
    tables_before = {name: _digest(data / "warehouse" / "actions")[name]
                     for name in ("decided_actions.parquet", "action_status_history.parquet")}
    snapshot_before = _digest(latest)
    broken = data / "actions" / "handlingsplan_habo.xlsx"
    book = openpyxl.load_workbook(latest / "handlingsplan" / "0643_habo.xlsx")
    sheet = book["Åtgärder"]
    for column, value in {"C": 2019, "D": "Öppna data", "E": "Innovation", "G": "kommunstyrelsen",
                          "H": "2020-05-04", "I": "IT-enheten", "J": "klar"}.items():
        sheet[f"{column}2"] = value
    sheet.merge_cells("D4:E4")
    book.save(broken)
    second = _mognad(data, "actions")
    # a rejected file fails the command (exit 1); the register accepted before stays in force
    assert second.returncode == 1, second.stdout[-3000:] + second.stderr[-3000:]
    assert ("handlingsplan_habo.xlsx, blad Åtgärder, rad 2, kolumn Status (J): okänd status ”klar”"
            in second.stdout), second.stdout
    assert "handlingsplan_habo.xlsx, blad Åtgärder, rad 4: sammanfogade celler D4:E4" in second.stdout
    [quarantined] = (data / "quarantine" / "actions").iterdir()
    assert (quarantined / "handlingsplan_habo.xlsx").exists()
    assert (data / "published" / "latest").resolve() == latest
    assert _digest(latest) == snapshot_before
    assert _digest(data / "warehouse" / "actions" / "accepted") == register_before
    assert {name: _digest(data / "warehouse" / "actions")[name] for name in tables_before} \
        == tables_before
