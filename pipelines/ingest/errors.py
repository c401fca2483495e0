"""Exceptions raised by the ingest stage.

Every error carries ``reason`` (one English sentence a data engineer can act on, with the
specifics: file, column, values, counts, row numbers) and ``details`` (a dict for machines,
e.g. the quarantine reason file or the Dagster run log). Rule source: input-faults.md,
"a file is loaded exactly, or it is quarantined with a reason a data engineer can act on".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_LISTED = 20


def cap_list(values: Iterable[Any], limit: int = MAX_LISTED) -> str:
    """Render values as ``a, b, c and N more`` with at most ``limit`` items shown."""
    items = [str(v) for v in values]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def count_text(n: int, word: str) -> str:
    """``n`` and the English noun ``word`` (regular plural in -s): ``1 row``, ``2 rows``,
    ``0 cells``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def with_count(label: str, n: int, word: str = "row") -> str:
    """``label`` with how many ``word`` carry it, as the ingest's messages list values:
    ``'Atlantis' (1 row)``, ``'6' (2 rows)``."""
    return f"{label} ({count_text(n, word)})"


def row_list(rows: Iterable[int], limit: int = MAX_LISTED, word: str = "row") -> str:
    """Render 1-based numbers as ``rows 3, 7 and 12 more`` (``word`` for another unit,
    e.g. ``line``)."""
    rows = sorted(set(rows))
    return (word if len(rows) == 1 else word + "s") + " " + cap_list(rows, limit)


class IngestError(Exception):
    """Base class: the landing folder cannot be loaded as it is.

    Attributes:
        reason: English text naming what is wrong and where.
        details: structured specifics (file, column, values, counts, rows, profile).
    """

    def __init__(self, reason: str, details: dict[str, Any] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.details = dict(details or {})

    def __str__(self) -> str:
        return self.reason


class ExportFormatError(IngestError):
    """A file cannot be read as its export profile says (encoding, shape, broken file)."""


class MappingError(IngestError):
    """Columns, answer values, organisations or target groups do not map through the profile
    and the reference seeds, or the data break a loading rule (year, identity)."""


class ProfileError(IngestError):
    """The export profile is missing, invalid or inconsistent with the codebook."""


class PseudonymKeyError(Exception):
    """The pseudonymisation key is missing or unusable.

    Deliberately NOT an IngestError: it is a configuration problem of the pipeline, not a
    fault of the delivered files, so the inputs must not be quarantined for it.
    """
