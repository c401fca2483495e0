"""The processes the steps of ``survey_load`` run in, and the server they are forked from.

The job's executor (``step_processes`` in ``pipelines.definitions``) runs each step in a
process of its own, forked from a ``multiprocessing`` forkserver that has imported
:data:`STEP_PRELOAD_MODULES` once. Started by the executor, the server begins importing
them only when the first step is due; ``mognad`` starts it itself before it imports the
definitions (:func:`start_step_server`), so that the server's imports run while the command
prepares its first run.

What a step process inherits is the *server's*, as it was when the server started, not the
launching process's at the time of the step: its environment variables (set every variable
the steps read before starting the server) and its standard output and error (file
descriptors 1 and 2). This module imports no Dagster and none of the definitions, so that
the command line can read it before it imports them.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import sys
from pathlib import Path

STEP_PRELOAD_MODULES = ("pipelines.definitions", "great_expectations", "pipelines.reports.build")
"""The modules the step processes' server imports before it forks any step: the
definitions (every step needs them); GX, which the definitions import only when a file
contract is checked and which would otherwise be imported again by every year's
``survey_export`` step of a load of several years; and the report builder (matplotlib,
python-pptx, WeasyPrint), which the definitions leave out so that ``mognad``'s own process
does not import it, but which the publication step needs. Measured on the county demo
(docs/benchmarks.md): without the report builder in the server, every step process took
about 0.4 s longer from its start to its resources' initialisation, in every step, ingest
included; the step processes import the same modules either way (``-X importtime``), and
the cause inside Dagster's step start-up was not found."""

_started: list[Path | None] = []
"""Where the server this process started sends its output (one entry once started)."""


def start_step_server(output: Path | None) -> Path | None:
    """Start, unless this process started it already, the forkserver that Dagster's
    multiprocess executor forks the step processes from, with :data:`STEP_PRELOAD_MODULES`
    to import; returns where its output goes (that of the first call).

    ``output``: a file that the standard output and error of the server, and so of every
    step process forked from it, are appended to, removed when this process exits; None
    keeps this process's own. Only the server's descriptors are redirected: this process's
    are restored before returning.
    Call it after every environment variable the steps read is set. The executor's own
    start of the server, when nothing started it before (the UI's runs, the sensor's,
    tests), finds it running and uses it: a load works the same either way."""
    if _started:
        return _started[0]
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(STEP_PRELOAD_MODULES))
    if output is None:
        multiprocessing.forkserver.ensure_running()
        _started.append(None)
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    with standard_output_to(output):
        multiprocessing.forkserver.ensure_running()
    atexit.register(output.unlink, missing_ok=True)
    _started.append(output)
    return output


@contextlib.contextmanager
def standard_output_to(path: Path, *, truncate: bool = False):
    """Send this process's standard output and error to the file ``path`` for the block
    (appended to, or emptied first with ``truncate``), then restore them. File descriptors
    1 and 2, not only Python's ``sys.stdout``: what libraries write and what the processes
    started during the block inherit go there too. Python's buffers are flushed at both
    ends, so what was written before the block stays out of the file and what was written
    in it does not reach the restored output."""
    sys.stdout.flush()
    sys.stderr.flush()
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0),
                     0o644)
    saved = os.dup(1), os.dup(2)
    try:
        os.dup2(target, 1)
        os.dup2(target, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, target):
            os.close(fd)
