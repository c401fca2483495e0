"""Text normalisation shared by header, answer, organisation and target-group matching.

Rule (input-faults.md §5, §7; data-contracts.md §1): Unicode NFC, trim, collapse inner
whitespace to one space, case-fold. Headers additionally lose surrounding quotes.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"


def norm_text(value: str) -> str:
    """NFC + trim + collapse inner whitespace (case kept): how trimmed values are stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def norm_key(value: str) -> str:
    """Matching key: :func:`norm_text` then case-fold."""
    return norm_text(value).casefold()


def norm_header(value: str) -> str:
    """Header key: BOM removed, surrounding quotes stripped, then :func:`norm_key`.

    ``' "Organisation" '`` and ``'organisation'`` give the same key; a decomposed ``ö``
    (o + U+0308) equals the composed one.
    """
    text = unicodedata.normalize("NFC", value).replace("\ufeff", "").strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return norm_key(text)
