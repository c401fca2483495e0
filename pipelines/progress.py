"""Where a long ``mognad load`` run is, printed while it runs.

A run executes in other processes (one per step); what they do reaches this process through
the Dagster instance's event log. :func:`follow_run` reads that log while the run executes
and hands each step start and each asset materialization to a :class:`ProgressPrinter`:

- on a terminal, one line rewritten in place: the stage (the step running) and, while dbt
  builds, the models done of those selected, e.g. ``... mognad_dbt_models: 143 of 287 dbt
  models``; while a step reads an export, the rows read, e.g. ``... survey_export: reading
  export.xlsx, 40,000 of 74,813 rows``, then ``... survey_export: 74,810 rows read``; the
  line is cleared when the run ends, so the run's outcome line follows;
- elsewhere (a log file, CI), one line per stage as it starts and, for a step that reads an
  export, one line with the rows it read, nothing rewritten.

The stages are the run's steps in the order they start; the dbt models are the dbt assets in
the run's selection (seeds, staging, intermediate and marts), done when materialized. Rows
read reach this process as the step's log messages (:func:`reading_message`,
:func:`export_read_message`): a log message is written to the event log when it is logged,
while an asset's other events wait until its function yields.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import dagster as dg

PROGRESS_TAG = "mognad/progress"
"""Run tag carrying a token unique to one ``mognad`` command's run, so the run can be found
in the instance while it executes (its id is known only when it ends)."""
POLL_SECONDS = 0.5


def _models(n: int, swedish: bool = False) -> str:
    if swedish:
        return f"{n} dbt-modell" + ("" if n == 1 else "er")
    return f"{n} dbt model" + ("" if n == 1 else "s")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class RowsRead:
    """How far a step's read of an export is: ``rows`` read so far of ``file`` (``total``:
    the rows of its sheet, None when not known before the end, as for a CSV file); or, with
    ``done``, every export file read: ``rows`` data rows from ``files`` files."""

    rows: int
    file: str = ""
    total: int | None = None
    done: bool = False
    files: int = 0


_READING = re.compile(r"Reading (?P<file>.+): (?P<rows>[\d,]+)(?: of (?P<total>[\d,]+))? rows")
_EXPORT_READ = re.compile(r"Export read: (?P<rows>[\d,]+) rows? from (?P<files>[\d,]+) files?")


def reading_message(file: str, rows: int, total: int | None) -> str:
    """The log message of a read under way, e.g. ``Reading export.xlsx: 40,000 of 74,813
    rows`` (the rows of the file's sheet read so far, of its rows when known)."""
    return f"Reading {file}: {rows:,}" + (f" of {total:,}" if total is not None else "") + " rows"


def export_read_message(rows: int, files: int) -> str:
    """The log message of a finished read: ``Export read: 74,810 rows from 1 file`` (the data
    rows of every export file of the year)."""
    return f"Export read: {_plural(rows, 'row')} from {_plural(files, 'file')}"


def parse_rows_read(message: str) -> RowsRead | None:
    """The :class:`RowsRead` a log message of :func:`reading_message` or
    :func:`export_read_message` states; None for any other message."""
    def number(text: str) -> int:
        return int(text.replace(",", ""))

    if match := _READING.fullmatch(message):
        total = match["total"]
        return RowsRead(number(match["rows"]), match["file"],
                        number(total) if total is not None else None)
    if match := _EXPORT_READ.fullmatch(message):
        return RowsRead(number(match["rows"]), done=True, files=number(match["files"]))
    return None


class ProgressPrinter:
    """Turns a run's step starts, materializations and rows read into progress output on
    ``out``.

    ``tty``: rewrite one line in place (True) or print one line per stage (False).
    ``dbt_step``: the step key of the dbt build; ``dbt_total``: the dbt models it builds in
    this run (0: no dbt step, no count shown). ``swedish``: the stage and model counts in
    Swedish (``... steg 1: <step> (80 dbt-modeller)``, ``12 av 80 dbt-modeller``), for the
    council's command (``mognad sign-off``), which reads no export; the rows read of an
    export stay in English, for the data engineer's load.
    """

    def __init__(self, out: TextIO, *, tty: bool, dbt_step: str, dbt_total: int,
                 swedish: bool = False) -> None:
        self.out = out
        self.swedish = swedish
        self.tty = tty
        self.dbt_step = dbt_step
        self.dbt_total = dbt_total
        self.stage: str | None = None
        self.stages = 0
        self.dbt_done = 0
        self.read: RowsRead | None = None
        self._line_open = False

    def _status(self) -> str:
        text = f"    ... {self.stage}"
        if self.stage == self.dbt_step and self.dbt_total:
            of = "av" if self.swedish else "of"
            text += f": {self.dbt_done} {of} {_models(self.dbt_total, self.swedish)}"
        elif self.read is not None:
            text += f": {self._read_text(self.read)}"
        return text

    @staticmethod
    def _read_text(read: RowsRead) -> str:
        if read.done:
            return f"{_plural(read.rows, 'row')} read"
        if not read.rows:  # started on the file
            return f"reading {read.file}"
        of = f" of {read.total:,}" if read.total is not None else ""
        return f"reading {read.file}, {read.rows:,}{of} rows"

    def _show(self) -> None:
        self.out.write("\r\x1b[2K" + self._status())
        self.out.flush()
        self._line_open = True

    def step_started(self, step_key: str) -> None:
        """A new stage: its own line off a terminal, the rewritten line on one."""
        self.stage = step_key
        self.stages += 1
        self.read = None
        if self.tty:
            self._show()
        else:
            suffix = (f" ({_models(self.dbt_total, self.swedish)})"
                      if step_key == self.dbt_step and self.dbt_total else "")
            stage = "steg" if self.swedish else "stage"
            self.out.write(f"    ... {stage} {self.stages}: {step_key}{suffix}\n")
            self.out.flush()

    def materialized(self, step_key: str | None) -> None:
        """An asset materialized by ``step_key``: counts a dbt model when it is the dbt step."""
        if step_key == self.dbt_step and self.dbt_total:
            self.dbt_done = min(self.dbt_done + 1, self.dbt_total)
            if self.tty and self.stage == self.dbt_step:
                self._show()

    def rows_read(self, step_key: str | None, read: RowsRead) -> None:
        """Rows read by ``step_key``: the rewritten line follows the read on a terminal;
        elsewhere only the finished read is printed, as one line."""
        if step_key != self.stage:
            return
        self.read = read
        if self.tty:
            self._show()
        elif read.done:
            files = _plural(read.files, "export file")
            self.out.write(f"    ... {step_key}: {_plural(read.rows, 'row')} read from {files}\n")
            self.out.flush()

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
    new step starts, materializations and rows-read messages to ``printer`` in the order
    they were logged."""
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
        # every record: a log message has no event type to select it by
        connection = instance.get_records_for_run(run_id, cursor=cursor)
        cursor = connection.cursor
        for record in connection.records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None:
                read = parse_rows_read(entry.user_message)
                if read is not None:
                    printer.rows_read(entry.step_key, read)
            elif event.event_type == dg.DagsterEventType.STEP_START:
                printer.step_started(event.step_key or "")
            elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
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
