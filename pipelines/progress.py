"""Where a long ``mognad load`` run is, printed while it runs.

A run executes in other processes (one per step); what they do reaches this process through
the Dagster instance's event log. :func:`follow_run` reads that log while the run executes
and hands each step start and each asset materialization to a :class:`ProgressPrinter`:

- on a terminal, one line rewritten in place: the stage (the step running) and, while dbt
  builds, the models done of those selected, e.g. ``... mognad_dbt_models: 143 of 287 dbt
  models``; the line is cleared when the run ends, so the run's outcome line follows;
- elsewhere (a log file, CI), one line per stage as it starts, nothing rewritten.

The stages are the run's steps in the order they start; the dbt models are the dbt assets in
the run's selection (seeds, staging, intermediate and marts), done when materialized.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import TextIO

import dagster as dg

PROGRESS_TAG = "mognad/progress"
"""Run tag carrying a token unique to one ``mognad`` command's run, so the run can be found
in the instance while it executes (its id is known only when it ends)."""
POLL_SECONDS = 0.5
WATCHED_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
}


def _models(n: int) -> str:
    return f"{n} dbt model" + ("" if n == 1 else "s")


class ProgressPrinter:
    """Turns a run's step starts and materializations into progress output on ``out``.

    ``tty``: rewrite one line in place (True) or print one line per stage (False).
    ``dbt_step``: the step key of the dbt build; ``dbt_total``: the dbt models it builds in
    this run (0: no dbt step, no count shown).
    """

    def __init__(self, out: TextIO, *, tty: bool, dbt_step: str, dbt_total: int) -> None:
        self.out = out
        self.tty = tty
        self.dbt_step = dbt_step
        self.dbt_total = dbt_total
        self.stage: str | None = None
        self.stages = 0
        self.dbt_done = 0
        self._line_open = False

    def _status(self) -> str:
        text = f"    ... {self.stage}"
        if self.stage == self.dbt_step and self.dbt_total:
            text += f": {self.dbt_done} of {_models(self.dbt_total)}"
        return text

    def _show(self) -> None:
        self.out.write("\r\x1b[2K" + self._status())
        self.out.flush()
        self._line_open = True

    def step_started(self, step_key: str) -> None:
        """A new stage: its own line off a terminal, the rewritten line on one."""
        self.stage = step_key
        self.stages += 1
        if self.tty:
            self._show()
        else:
            suffix = (f" ({_models(self.dbt_total)})"
                      if step_key == self.dbt_step and self.dbt_total else "")
            self.out.write(f"    ... stage {self.stages}: {step_key}{suffix}\n")
            self.out.flush()

    def materialized(self, step_key: str | None) -> None:
        """An asset materialized by ``step_key``: counts a dbt model when it is the dbt step."""
        if step_key == self.dbt_step and self.dbt_total:
            self.dbt_done = min(self.dbt_done + 1, self.dbt_total)
            if self.tty and self.stage == self.dbt_step:
                self._show()

    def finish(self) -> None:
        """Clear the rewritten line (terminal), so what is printed next starts on a clean line."""
        if self.tty and self._line_open:
            self.out.write("\r\x1b[2K")
            self.out.flush()
            self._line_open = False


def progress_tags() -> dict[str, str]:
    """The tag to give a run so :func:`follow_run` finds it: ``{PROGRESS_TAG: <token>}``."""
    return {PROGRESS_TAG: uuid.uuid4().hex}


def follow_run(
    instance: dg.DagsterInstance,
    token: str,
    printer: ProgressPrinter,
    stop: threading.Event,
    *,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Until ``stop`` is set, and once more after: find the run tagged ``token`` and hand its
    new step starts and materializations to ``printer`` in the order they were logged."""
    run_id: str | None = None
    cursor: str | None = None

    def poll() -> None:
        nonlocal run_id, cursor
        if run_id is None:
            records = instance.get_run_records(
                filters=dg.RunsFilter(tags={PROGRESS_TAG: token}), limit=1)
            if not records:
                return
            run_id = records[0].dagster_run.run_id
        connection = instance.get_records_for_run(run_id, cursor=cursor, of_type=WATCHED_EVENTS)
        cursor = connection.cursor
        for record in connection.records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None:
                continue
            if event.event_type == dg.DagsterEventType.STEP_START:
                printer.step_started(event.step_key or "")
            else:
                printer.materialized(event.step_key)

    while not stop.wait(poll_seconds):
        poll()
    poll()
    printer.finish()


def start_following(
    instance: dg.DagsterInstance, token: str, printer: ProgressPrinter
) -> Callable[[], None]:
    """Follow the run in a background thread; returns the function that stops it (after a
    last read of the event log) and waits for it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=follow_run, args=(instance, token, printer, stop), daemon=True,
        name="mognad-progress")
    thread.start()

    def finish() -> None:
        stop.set()
        thread.join()

    return finish
