"""Swedish number formatting and file-name slugs for the reports.

Swedish conventions (Språkrådet, "Svenska skrivregler"): decimal comma (``52,3``), a space
between a number and ``%`` (``35 %``), a space as thousands separator (``1 234``) and the
minus sign ``−`` (U+2212). The spaces are no-break spaces so a number never wraps.
"""

from __future__ import annotations

import math
import re
import unicodedata

NBSP = "\u00a0"
MINUS = "\u2212"
UNKNOWN_SV = "okänd"
"""Shown for a response rate that cannot be known (invitations by link, or none recorded)."""
MISSING_SV = "–"
"""Shown for a value that does not exist (e.g. no index because too few answers)."""


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(
    value: float | int | None, decimals: int = 1, *, missing: str = MISSING_SV
) -> str:
    """A number with Swedish decimal comma, e.g. ``52.345 -> "52,3"``, ``-1.25 -> "−1,3"``.

    Rounds half away from zero at ``decimals`` places (as a reader rounds by hand, unlike
    Python's round-half-even), groups thousands with a no-break space and writes negatives
    with U+2212. ``None``/NaN gives ``missing``.
    """
    if _is_missing(value):
        return missing
    quantum = 10**decimals
    rounded = math.floor(abs(float(value)) * quantum + 0.5 + 1e-9) / quantum
    text = f"{rounded:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    negative = float(value) < 0 and rounded != 0
    return (MINUS if negative else "") + text


def format_signed(value: float | None, decimals: int = 1, *, missing: str = MISSING_SV) -> str:
    """A change with its sign always shown: ``+2,5``, ``−1,0``, ``±0,0`` for zero."""
    if _is_missing(value):
        return missing
    text = format_number(value, decimals)
    if text.startswith(MINUS):
        return text
    if text.strip("0,") == "":
        return "±" + text
    return "+" + text


def format_int(value: int | float | None, *, missing: str = MISSING_SV) -> str:
    """A count, thousands grouped with a no-break space: ``1234 -> "1 234"``."""
    if _is_missing(value):
        return missing
    return format_number(value, 0)


def format_percent(share: float | None, decimals: int = 0, *, missing: str = UNKNOWN_SV) -> str:
    """A share 0–1 as a Swedish percentage: ``0.35 -> "35 %"``; ``None`` -> ``"okänd"``.

    An unknown share is never shown as 0 % (domain doc, "Respondents and response rates").
    """
    if _is_missing(share):
        return missing
    return f"{format_number(float(share) * 100, decimals)}{NBSP}%"


def format_interval(lower: float | None, upper: float | None, decimals: int = 1) -> str:
    """A confidence interval ``"48,2–60,6"``; with a negative bound ``"−4,5 till 7,3"`` (a
    dash between a minus sign and a number is hard to read); empty string when either bound
    is missing."""
    if _is_missing(lower) or _is_missing(upper):
        return ""
    separator = " till " if min(lower, upper) < 0 else "–"
    return f"{format_number(lower, decimals)}{separator}{format_number(upper, decimals)}"


def slugify(text: str, *, fallback: str = "organisation") -> str:
    """An ASCII file-name part: ``"Jönköpings kommun" -> "jonkopings-kommun"``.

    Letters are folded to ASCII (NFKD, combining marks dropped), everything that is not a
    letter or digit becomes one ``-``; an empty result gives ``fallback``.
    """
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:60].strip("-") or fallback


def safe_code(code: str) -> str:
    """An organisation code usable as a file name (codes are SCB digits; anything else is
    replaced by ``_`` so a code can never climb out of the reports folder)."""
    cleaned = re.sub(r"[^0-9A-Za-z_-]", "_", code or "")
    return cleaned or "_"
