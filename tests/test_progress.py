"""Progress of a long run: one rewritten line on a terminal, one line per stage elsewhere
(pipelines/progress.py), from a real run's event log."""

from __future__ import annotations

import io
import threading

import dagster as dg

from pipelines.progress import (
    PROGRESS_TAG,
    ProgressPrinter,
    RowsRead,
    export_read_message,
    follow_run,
    parse_rows_read,
    progress_tags,
    reading_message,
    start_following,
)

CLEAR = "\r\x1b[2K"


def test_one_line_per_stage_off_a_terminal():
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=False, dbt_step="mognad_dbt_models", dbt_total=3)
    printer.step_started("survey_export")
    printer.materialized("survey_export")
    printer.step_started("mognad_dbt_models")
    for _ in range(3):
        printer.materialized("mognad_dbt_models")
    printer.step_started("published_snapshot")
    printer.finish()
    assert out.getvalue().splitlines() == [
        "    ... stage 1: survey_export",
        "    ... stage 2: mognad_dbt_models (3 dbt models)",
        "    ... stage 3: published_snapshot",
    ]
    assert "\r" not in out.getvalue()


def test_the_councils_command_shows_its_stages_in_swedish():
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=False, dbt_step="mognad_dbt_models", dbt_total=1,
                              swedish=True)
    printer.step_started("mognad_dbt_models")
    printer.step_started("published_snapshot")
    assert out.getvalue().splitlines() == [
        "    ... steg 1: mognad_dbt_models (1 dbt-modell)",
        "    ... steg 2: published_snapshot",
    ]
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=True, dbt_step="mognad_dbt_models", dbt_total=80,
                              swedish=True)
    printer.step_started("mognad_dbt_models")
    printer.materialized("mognad_dbt_models")
    assert out.getvalue().endswith(CLEAR + "    ... mognad_dbt_models: 1 av 80 dbt-modeller")


def test_one_rewritten_line_on_a_terminal():
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=True, dbt_step="mognad_dbt_models", dbt_total=3)
    printer.step_started("survey_export")
    printer.step_started("mognad_dbt_models")
    printer.materialized("mognad_dbt_models")
    printer.materialized("mognad_dbt_models")
    printer.materialized("survey_export")  # another step's asset is no dbt model
    assert out.getvalue().endswith(CLEAR + "    ... mognad_dbt_models: 2 of 3 dbt models")
    printer.finish()
    text = out.getvalue()
    assert "\n" not in text
    assert text.split(CLEAR) == [
        "",
        "    ... survey_export",
        "    ... mognad_dbt_models: 0 of 3 dbt models",
        "    ... mognad_dbt_models: 1 of 3 dbt models",
        "    ... mognad_dbt_models: 2 of 3 dbt models",
        "",  # cleared at the end: the run's outcome line starts on a clean line
    ]


@dg.asset
def first() -> int:
    return 1


@dg.asset
def second(first: int) -> int:
    return first + 1


def _materialize_followed(assets, printer: ProgressPrinter) -> None:
    """Materialize ``assets`` in one run of a real (ephemeral) instance while the follower
    reads its event log in a thread and prints to ``printer``."""
    instance = dg.DagsterInstance.ephemeral()
    tags = progress_tags()
    stop = start_following(instance, tags[PROGRESS_TAG], printer)
    try:
        result = dg.materialize(assets, instance=instance, tags=tags)
    finally:
        stop()
    assert result.success


def test_follows_a_real_run_from_the_event_log():
    """Two assets materialized in one run of a real (ephemeral) instance while the follower
    reads its event log in a thread; ``second`` stands for the dbt step, one model."""
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=False, dbt_step="second", dbt_total=1)
    _materialize_followed([first, second], printer)
    assert out.getvalue().splitlines() == [
        "    ... stage 1: first",
        "    ... stage 2: second (1 dbt model)",
    ]
    assert printer.dbt_done == 1


def test_an_unknown_run_prints_nothing():
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=True, dbt_step="x", dbt_total=1)
    stop = threading.Event()
    stop.set()
    follow_run(dg.DagsterInstance.ephemeral(), "no-such-token", printer, stop)
    assert out.getvalue() == ""


def test_rows_read_messages_read_back():
    """What the ingest step logs is what the follower reads back, digits grouped for people;
    a file name may hold a colon; any other message is no progress."""
    assert reading_message("Svar: 2019.xlsx", 40000, 74813) == (
        "Reading Svar: 2019.xlsx: 40,000 of 74,813 rows")
    assert parse_rows_read("Reading Svar: 2019.xlsx: 40,000 of 74,813 rows") == RowsRead(
        40000, "Svar: 2019.xlsx", 74813)
    assert parse_rows_read(reading_message("a.csv", 5000, None)) == RowsRead(5000, "a.csv")
    assert export_read_message(74810, 1) == "Export read: 74,810 rows from 1 file"
    assert export_read_message(1, 2) == "Export read: 1 row from 2 files"
    assert parse_rows_read("Export read: 1,234,567 rows from 3 files") == RowsRead(
        1234567, done=True, files=3)
    assert parse_rows_read("Pseudonymisation key from environment") is None
    assert parse_rows_read("Reading the manual: 3 pages") is None


def test_rows_read_on_a_terminal_and_off_it():
    """On a terminal the stage's line follows the read and then says the rows read; off a
    terminal only the finished read is a line of its own. A read of a step that is not the
    stage running is not shown."""
    def run(printer):
        printer.step_started("survey_export")
        printer.rows_read("survey_export", RowsRead(0, "a.xlsx"))
        printer.rows_read("survey_export", RowsRead(5000, "a.xlsx", 12001))
        printer.rows_read("survey_export", RowsRead(10000, "a.xlsx", 12001))
        printer.rows_read("survey_export", RowsRead(5000, "b.csv"))
        printer.rows_read("other_step", RowsRead(7, done=True, files=1))
        printer.rows_read("survey_export", RowsRead(17432, done=True, files=2))
        printer.step_started("accepted_raw_tables")
        printer.finish()

    tty = io.StringIO()
    run(ProgressPrinter(tty, tty=True, dbt_step="dbt", dbt_total=0))
    assert tty.getvalue().split(CLEAR) == [
        "",
        "    ... survey_export",
        "    ... survey_export: reading a.xlsx",
        "    ... survey_export: reading a.xlsx, 5,000 of 12,001 rows",
        "    ... survey_export: reading a.xlsx, 10,000 of 12,001 rows",
        "    ... survey_export: reading b.csv, 5,000 rows",
        "    ... survey_export: 17,432 rows read",
        "    ... accepted_raw_tables",
        "",
    ]
    log = io.StringIO()
    run(ProgressPrinter(log, tty=False, dbt_step="dbt", dbt_total=0))
    assert log.getvalue().splitlines() == [
        "    ... stage 1: survey_export",
        "    ... survey_export: 17,432 rows read from 2 export files",
        "    ... stage 2: accepted_raw_tables",
    ]


@dg.asset
def export(context) -> int:
    context.log.info(reading_message("export.xlsx", 5000, 9001))
    context.log.info("Pseudonymisation key from environment")
    context.log.info(export_read_message(9000, 1))
    return 9000


@dg.asset
def tables(export: int) -> int:
    return export


def test_rows_read_reach_the_follower_through_the_event_log():
    """The step's log messages, written to a real (ephemeral) instance's event log while the
    run executes, become the progress lines: the finished read's count off a terminal, the
    read under way and then the count on one."""
    for tty, expected in (
        (False, ["    ... stage 1: export",
                 "    ... export: 9,000 rows read from 1 export file",
                 "    ... stage 2: tables"]),
        (True, ["", "    ... export", "    ... export: reading export.xlsx, 5,000 of 9,001 rows",
                "    ... export: 9,000 rows read", "    ... tables", ""]),
    ):
        out = io.StringIO()
        _materialize_followed([export, tables], ProgressPrinter(out, tty=tty, dbt_step="none",
                                                                dbt_total=0))
        lines = out.getvalue().split(CLEAR) if tty else out.getvalue().splitlines()
        assert lines == expected
