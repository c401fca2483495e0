"""Identity values never appear in a message, a log line or an event (domain doc, Privacy).

Identity columns (``respondent_id``, ``email`` and the profile's ``drop_identity`` columns)
carry personal data that must not leave the landing area. A rejected or shifted file can put
such a value where a message quotes cell values: an e-mail address in the organisation
column, a name among the answer values. Every ingest error, warning and dry-run report is
therefore passed through an :class:`IdentityMask` before anyone sees it:

- a quoted value (``'...'`` or ``"..."``, as messages quote cells with ``repr``) equal to a
  value of an identity column of the load (after :func:`~pipelines.ingest.normalise.
  norm_text`, ignoring case) becomes :data:`MASKED_IDENTITY`;
- anything shaped like an e-mail address becomes :data:`MASKED_EMAIL`, wherever it stands
  and whichever column it came from.

Structured details (``IngestError.details``, written to ``reason.json``) get the same
treatment, dictionary keys included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import IngestError
from .normalise import norm_text

MASKED_IDENTITY = "<identity value masked>"
MASKED_EMAIL = "<e-mail masked>"
MASK_NOTE = (
    "Values from identity columns and e-mail addresses are masked in this message; a masked "
    "value where an organisation, target group or answer belongs usually means columns are "
    "shifted or swapped in the export."
)

EMAIL = re.compile(r"[^\s'\"<>()\[\]{},;:]+@[^\s'\"<>()\[\]{},;:@]+\.[^\W\d_]{2,}")
"""An e-mail address (local part, ``@``, a domain with a dot and a letter TLD)."""


class IdentityMask:
    """Masks identity values and e-mail addresses in text and structured details.

    Keep the set small: add the identity values that a message may quote (the cell values
    a load's problems mention), not every identity cell of the file.

    Args:
        values: values of identity columns (any text; compared after ``norm_text``, and in
            text case-insensitively).
    """

    def __init__(self, values: Iterable[str] = ()):
        self.values: set[str] = set()
        self._folded: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(values)

    def add(self, values: Iterable[str]) -> None:
        """Add identity values (empty ones are ignored)."""
        self.values.update(v for v in (norm_text(str(x)) for x in values) if v)
        self._folded = {v.casefold() for v in self.values}
        self._pattern = None

    def _quoted_values(self) -> re.Pattern[str] | None:
        if self._pattern is None and self.values:
            alternatives = "|".join(re.escape(v) for v in sorted(self.values, key=len,
                                                                 reverse=True))
            self._pattern = re.compile(f"(['\"])(?:{alternatives})\\1", re.IGNORECASE)
        return self._pattern

    def text(self, text: str) -> str:
        """``text`` with quoted identity values (``'value'`` or ``"value"``, as messages
        quote cells with ``repr``) and every e-mail address masked."""
        pattern = self._quoted_values()
        if pattern is not None:
            text = pattern.sub(repr(MASKED_IDENTITY), text)
        return EMAIL.sub(MASKED_EMAIL, text)

    def data(self, value: Any) -> Any:
        """``value`` (str, number, list, tuple, dict — keys too) with identity values
        replaced by :data:`MASKED_IDENTITY` and e-mail addresses masked inside strings."""
        if isinstance(value, str):
            if norm_text(value).casefold() in self._folded:
                return MASKED_IDENTITY
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(k): self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.data(v) for v in value)
        return value

    def error(self, error: IngestError) -> IngestError:
        """Mask ``error`` in place (reason, args, details); a note says so when anything was
        masked. Returns it."""
        reason = self.text(error.reason)
        if reason != error.reason:
            reason = f"{reason} {MASK_NOTE}"
        error.reason = reason
        error.args = (reason,)
        error.details = self.data(error.details)
        return error
