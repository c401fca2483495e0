"""Python's cyclic garbage collector paused around the work that makes millions of
long-lived objects: a year's read (``pipelines.ingest.ingest.ingest_year``) and the
publication's workbook, quality report and templates (``pipelines.publish.assets``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused during the block, then set back as it was
    (also on an error). The block makes some millions of objects that live until its end
    (a year's rows and cells, a workbook's cells), and every automatic collection
    meanwhile walks all of them again without freeing any; objects are still freed by
    reference counting as they go, and a reference cycle made in the block is collected by
    the first collection after it. What the block makes is the same."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
