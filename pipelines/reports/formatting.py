"""Swedish formatting of numbers, percentages, dates and times for every report.

One module for the municipality reports, the county overview, the slide decks and the
council's quality report, on Babel's ``sv_SE`` locale data (CLDR): decimal comma (``52,3``),
a no-break space as thousands separator (``1 234``) and before ``%`` (``35 %``), the minus
sign ``−`` (U+2212), month names (``29 november 2026``). Language conventions: Språkrådet,
"Svenska skrivregler".

One rounding rule for every number: half away from zero (``0,125 → 0,13``, ``−1,25 →
−1,3``) on the decimal value a reader sees, i.e. the shortest decimal text of a float
(``0.285`` is 0,285, not the binary 0,28499…), never Python's round-half-even on binary
floats. A value that rounds to zero is shown without a sign.

Times are shown in Europe/Stockholm (the county's time; stored times are UTC).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone
from babel.numbers import get_decimal_symbol, get_group_symbol

LOCALE = "sv_SE"
"""Babel locale of every text the reports show."""
TIMEZONE = "Europe/Stockholm"
"""Time zone times are shown in (stored times are UTC)."""

NBSP = "\u00a0"
MINUS = "\u2212"
UNKNOWN_SV = "okänd"
"""Shown for a response rate that cannot be known (invitations by link, or none recorded)."""
MISSING_SV = "–"
"""Shown for a value that does not exist (e.g. no index because too few answers)."""


def is_missing(value: Any) -> bool:
    """True for ``None`` and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def round_half_up(value: float | int | Decimal, decimals: int) -> Decimal:
    """``value`` rounded half away from zero at ``decimals`` places, as a ``Decimal``.

    A float is taken as its shortest decimal text (``repr``), so ``0.285`` rounds like the
    0,285 a reader sees. A result of zero carries no sign.
    """
    exact = (
        value
        if isinstance(value, Decimal)
        else Decimal(repr(value) if isinstance(value, float) else int(value))
    )
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


GROUP_SYMBOL = get_group_symbol(LOCALE)
"""The locale's thousands separator (CLDR ``sv``: a no-break space)."""
DECIMAL_SYMBOL = get_decimal_symbol(LOCALE)
"""The locale's decimal separator (CLDR ``sv``: a comma)."""
_TO_LOCALE = str.maketrans({",": GROUP_SYMBOL, ".": DECIMAL_SYMBOL})


def format_number(
    value: float | int | Decimal | None, decimals: int = 1, *, missing: str = MISSING_SV
) -> str:
    """A number in Swedish: ``52.345 → "52,3"``, ``-1.25 → "−1,3"``, ``1234 → "1 234"``.

    Rounds with :func:`round_half_up`; ``None``/NaN gives ``missing``. The digits are the
    rounded ``Decimal``'s own, grouped by threes (CLDR ``sv``'s pattern ``#,##0``, grouping
    from four digits) with the locale's separators from Babel, negatives with U+2212: the
    text Babel's ``format_decimal`` writes with that pattern, without its pattern machinery
    (a national snapshot's council report formats some 200,000 numbers).
    """
    if is_missing(value):
        return missing
    rounded = round_half_up(value, decimals)
    text = f"{abs(rounded):,f}".translate(_TO_LOCALE)
    return MINUS + text if rounded.is_signed() else text


def format_int(value: int | float | None, *, missing: str = MISSING_SV) -> str:
    """A count, thousands grouped with a no-break space: ``1234 → "1 234"``."""
    return format_number(value, 0, missing=missing)


def format_count(
    value: int | float | None, singular: str, plural: str, *, missing: str = MISSING_SV
) -> str:
    """A count with its noun in the right number: ``(1, "inbjuden", "inbjudna") → "1
    inbjuden"``, ``(1234, …) → "1 234 inbjudna"``, ``(0, "organisation", "organisationer") →
    "0 organisationer"``. Swedish takes the singular for exactly one only (Språkrådet,
    "Svenska skrivregler"); nouns with one form (``svarande``, ``svar``) need no call.
    ``None``/NaN gives ``missing`` with the plural."""
    return f"{format_int(value, missing=missing)} {singular if value == 1 else plural}"


def format_signed(value: float | None, decimals: int = 1, *, missing: str = MISSING_SV) -> str:
    """A change with its sign always shown: ``+2,5``, ``−1,0``, ``±0,0`` for zero."""
    if is_missing(value):
        return missing
    text = format_number(value, decimals)
    if text.startswith(MINUS):
        return text
    if round_half_up(value, decimals) == 0:
        return "±" + text
    return "+" + text


def percent_number_format(decimals: int = 0) -> str:
    """The Excel/Office number format of a share 0–1 shown as a Swedish percentage, with a
    no-break space before the sign as :func:`format_percent` writes it (``0.21 → "21 %"``);
    the ``%`` stays outside the quotes so the value is multiplied by 100."""
    return ("0." + "0" * decimals if decimals else "0") + '"' + NBSP + '"%'


def format_percent(
    share: float | Decimal | None, decimals: int = 0, *, missing: str = UNKNOWN_SV
) -> str:
    """A share 0–1 as a Swedish percentage: ``0.35 → "35 %"``, ``0.315, 1 → "31,5 %"``.

    Rounds the percentage with :func:`round_half_up` (``0.125 → "13 %"``). ``None``/NaN
    gives ``missing``, ``"okänd"`` by default: an unknown share is never shown as 0 %
    (domain doc, "Respondents and response rates").
    """
    if is_missing(share):
        return missing
    exact = share if isinstance(share, Decimal) else Decimal(repr(float(share)))
    return format_number(exact.scaleb(2), decimals) + NBSP + "%"


def format_percent_against(share: float, limit: float, *, max_decimals: int = 2) -> str:
    """``share`` as a percentage with as few decimals (0–``max_decimals``) as needed to
    differ visibly from ``limit``: ``0.296`` against ``0.30`` is "29,6 %", not "30 %"."""
    for decimals in range(max_decimals + 1):
        text = format_percent(share, decimals)
        if text != format_percent(limit, decimals) or share == limit:
            return text
    return format_percent(share, max_decimals)


def format_threshold(share: float | None, *, missing: str = "?") -> str:
    """A threshold (0–1) as a percentage with as few decimals as it needs (0–2):
    ``0.3 → "30 %"``, ``0.325 → "32,5 %"``, ``0.29 → "29 %"``."""
    if is_missing(share):
        return missing
    exact = Decimal(repr(float(share))).scaleb(2)
    for decimals in range(3):
        if round_half_up(exact, decimals) == exact:
            return format_percent(share, decimals)
    return format_percent(share, 2)


def format_bound(value: float, decimals: int = 1, against: Sequence[float] = ()) -> str:
    """``value`` with ``decimals`` decimals, or with up to three more when it would otherwise
    read as one of the landmarks ``against`` that it does not equal: against the type cut 50,
    ``49.95 → "49,95"`` (not "50,0", which would say the interval reaches the cut); against
    0, ``-0.007 → "−0,01"`` (a change interval that contains zero must show it)."""
    for places in range(decimals, decimals + 4):
        shown = round_half_up(value, places)
        if not any(shown == round_half_up(cut, places) and value != cut for cut in against):
            return format_number(value, places)
    return format_number(value, decimals + 4)


def format_interval(
    lower: float | None,
    upper: float | None,
    decimals: int = 1,
    *,
    against: Sequence[float] = (),
) -> str:
    """A confidence interval ``"48,2–60,6"``; with a bound shown negative ``"−4,5 till 7,3"``
    (a dash between a minus sign and a number is hard to read); empty string when either
    bound is missing. ``against``: landmarks the reader compares the bounds with (the type
    cut for a dimension index, 0 for a change), each bound shown with the decimals it needs
    to be seen on the right side of them (:func:`format_bound`)."""
    if is_missing(lower) or is_missing(upper):
        return ""
    low, high = format_bound(lower, decimals, against), format_bound(upper, decimals, against)
    separator = " till " if MINUS in low + high else "–"
    return f"{low}{separator}{high}"


def _as_datetime(value: str | dt.datetime) -> dt.datetime | None:
    """A datetime from an ISO 8601 text (``Z`` accepted) or a datetime; naive means UTC."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def format_datetime(value: str | dt.datetime | None, *, missing: str = MISSING_SV) -> str:
    """A time in Stockholm: ``2026-11-29T12:03:04Z → "29 november 2026 kl. 13:03"``.

    A time without zone is taken as UTC. Text that does not parse is returned unchanged.
    """
    if value is None or value == "":
        return missing
    parsed = _as_datetime(value)
    if parsed is None:
        return str(value)
    return babel_format_datetime(
        parsed, "d MMMM y 'kl'. HH:mm", tzinfo=get_timezone(TIMEZONE), locale=LOCALE
    )


def format_local_time(value: str | dt.datetime | None, *, missing: str = "-") -> str:
    """A time in Stockholm as ``YYYY-MM-DD HH:MM`` with the zone's name, for the English
    lines of the operators' CLI (``mognad load``): ``2026-11-29T12:03:04Z →
    "2026-11-29 13:03 (Europe/Stockholm)"``. A time without zone is taken as UTC; text that
    does not parse is returned unchanged."""
    if value is None or value == "":
        return missing
    parsed = _as_datetime(value)
    if parsed is None:
        return str(value)
    return f"{parsed.astimezone(get_timezone(TIMEZONE)):%Y-%m-%d %H:%M} ({TIMEZONE})"


def format_date(value: str | dt.date | None, *, missing: str = MISSING_SV) -> str:
    """A date in Swedish: ``2026-11-29 → "29 november 2026"``. A datetime is first moved to
    Stockholm time; text that does not parse is returned unchanged."""
    if value is None or value == "":
        return missing
    if isinstance(value, str):
        try:
            value = (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else _as_datetime(value) or dt.date.fromisoformat(value)
            )
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.astimezone(get_timezone(TIMEZONE)).date()
    return babel_format_date(value, "d MMMM y", locale=LOCALE)


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})
# "{", "|" and "}" follow "z" in code point order


def swedish_sort_key(text: str) -> str:
    """Sort key in Swedish alphabetical order (… x y z å ä ö), case-insensitive."""
    return text.casefold().translate(_SWEDISH_ORDER)


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
