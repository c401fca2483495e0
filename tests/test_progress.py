"""Progress of a long run: one rewritten line on a terminal, one line per stage elsewhere
(pipelines/progress.py), from a real run's event log."""

from __future__ import annotations

import io
import threading

import dagster as dg

from pipelines.progress import (
    PROGRESS_TAG,
    ProgressPrinter,
    follow_run,
    progress_tags,
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


def test_follows_a_real_run_from_the_event_log():
    """Two assets materialized in one run of a real (ephemeral) instance while the follower
    reads its event log in a thread; ``second`` stands for the dbt step, one model."""
    instance = dg.DagsterInstance.ephemeral()
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=False, dbt_step="second", dbt_total=1)
    tags = progress_tags()
    stop = start_following(instance, tags[PROGRESS_TAG], printer)
    try:
        result = dg.materialize([first, second], instance=instance, tags=tags)
    finally:
        stop()
    assert result.success
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
