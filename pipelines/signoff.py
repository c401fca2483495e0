"""The council's sign-off of a survey year: who reviewed the year's data quality, when, why.

Digitaliseringsrådet reviews each year's data-quality report before the results are trusted
(domain doc, "Who uses the product": council members review the checks for each year).
Until the council signs a year off, its results are *preliminary*.

The record is an append-only log in the data root (architecture doc, "Data root"):
``$MOGNAD_DATA_DIR/signoff/signoffs.jsonl``, one JSON object per line, never rewritten, so the
whole history is kept. Each line is an event::

    {"event": "signed_off" | "cleared", "year": 2019, "by": "Anna Berg",
     "at": "2026-11-29T12:03:04Z", "comment": "...", "data_fingerprint": "7752…",
     "meeting_date": "2026-11-27", "body": "Digitaliseringsrådet",
     "decisions": [{"item": "withheld:0642", "decision": "overrule",
                    "organisation_code": "0642", "reason": "..."}, ...],
     "version": 3}

- ``version`` counts the events of that year: 1, 2, 3, … (a year's first sign-off is 1; a
  clearing or a new sign-off of the same year gets the next number).
- ``at`` is UTC, ISO 8601 to the second with a ``Z``.
- ``data_fingerprint`` identifies the data the council reviewed: the year's landing
  fingerprint (:func:`reviewed_data_fingerprint` of the year's input record in the Dagster
  instance, ``pipelines.orchestration.accepted_record``); a cleared event repeats the
  fingerprint of the sign-off it clears, and one cleared by a reload whose data changed
  also holds the new data's (``new_data_fingerprint``).
- A ``cleared`` event's ``comment`` is the reason, in Swedish (e.g. the data were reloaded
  and changed).
- A ``signed_off`` event records the council's decision on each item the year's checks
  raised (``decisions``, pipelines/decisions.py), the date of the meeting that decided
  (``meeting_date``, ISO date) and the deciding body (``body``); ``at`` is when it was
  recorded. Events written before decisions were recorded lack these keys.
- An ``overrule`` decision publishes a withheld organisation's results: dbt reads this log
  (``stg_council__withholding_overrules``: the overrules of each year's current sign-off).

A year is signed off when its latest event is ``signed_off``. Appends are serialised with an
exclusive ``fcntl`` lock on the log file (the version number is computed under the lock),
reads take a shared lock; the line is flushed and fsynced before the lock is released.

The reload rule: the promotion of a reloaded year (``pipelines.validation.assets``) calls
:func:`clear_if_data_changed`, so a reload clears the year's sign-off only when the year's
data changed since the council reviewed them. ``mognad load YEAR --force`` with the same
files keeps the sign-off and its overrules; a corrected export or invitation list clears
it, and the cleared event says when and why (the council's page and ``mognad sign-offs``
show it).

Used by the CLI (``mognad sign-off YEAR --by NAME --comment TEXT``), by the reload rule and
by the snapshot manifest's per-year status (:func:`manifest_year_entry`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.files import write_text_atomic
from pipelines.reports.formatting import TIMEZONE, format_datetime

EVENT_SIGNED_OFF = "signed_off"
EVENT_CLEARED = "cleared"
EVENTS = (EVENT_SIGNED_OFF, EVENT_CLEARED)

SYSTEM_ACTOR = "mognad"
"""``by`` of a clearing made by the pipeline itself (e.g. a reload whose data changed)."""

DEFAULT_BODY = "Digitaliseringsrådet"
"""The body that signs off unless another is named (``mognad sign-off --body``)."""

STOCKHOLM = ZoneInfo(TIMEZONE)
"""The council's time zone: the default meeting date is the day of recording there."""

MAX_NAME_CHARS = 200
MAX_COMMENT_CHARS = 5000

_YEAR_RE = re.compile(r"^[0-9]{4}$")


class SignoffError(ValueError):
    """Invalid input to a sign-off function, or a malformed line in the log."""


def reviewed_data_fingerprint(record: Mapping[str, Any]) -> str | None:
    """The fingerprint of a year's data as the council reviews them, from the year's input
    record (``survey_export``'s ``input_record``): its ``landing_fingerprint``, SHA-256 over
    the names and contents of the files in ``landing/<year>/`` (the export, the invitation
    list, ``profile.txt``; ``pipelines.landing.landing_fingerprint``), never their times,
    so a forced reload of the same files gives the same fingerprint. A sign-off stores it;
    a reload compares it (:func:`clear_if_data_changed`); a snapshot's year status matches
    it (:func:`year_fingerprints`). The organisation register, the export profiles and the
    thresholds are not part of it: they are the project's settings, not the year's data.
    None for a record without one (the functions that store or compare it refuse that)."""
    return record.get("landing_fingerprint")


def signoff_log_path(data_root: Path | str) -> Path:
    """``<data_root>/signoff/signoffs.jsonl`` (the file may not exist yet): the dbt var
    ``signoff_log`` (``dbt_project/dbt_project.yml``), the one declaration of where the log
    is, which dbt reads as the source ``council.signoffs``."""
    from pipelines.settings import dbt_project_vars

    return Path(data_root) / dbt_project_vars()["signoff_log"]


# --------------------------------------------------------------------------------------
# Validation


def validate_year(year: int | str) -> int:
    """The survey year as an int; it must be written with exactly 4 digits (``2019`` or
    ``"2019"``). Raises :class:`SignoffError` otherwise (booleans, ``"19"``, ``"2019a"``)."""
    if isinstance(year, bool):
        raise SignoffError(f"Året ska anges med fyra siffror, till exempel 2019 (angivet: {year!r}).")
    text = str(year).strip() if isinstance(year, (int, str)) else None
    if text is None or not _YEAR_RE.match(text):
        raise SignoffError(f"Året ska anges med fyra siffror, till exempel 2019 (angivet: {year!r}).")
    return int(text)


BY_WHAT = "Namnet på den som registrerar godkännandet (--by)"
FINGERPRINT_WHAT = "Fingeravtrycket för årets inlästa data"
"""What the sign-off texts are called in the messages (Swedish, for the council's secretary:
``mognad sign-off`` prints them)."""


def _option_hint(what: str) -> str:
    """`` med --by`` when ``what`` names its command-line option in brackets."""
    if "(--" in what:
        return " med " + what[what.index("(--") + 1 : what.index(")", what.index("(--"))]
    return ""


def _text(value: Any, what: str, *, required: bool, limit: int) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise SignoffError(f"{what} ska vara text (angivet: {type(value).__name__}).")
    value = value.strip()
    if required and not value:
        raise SignoffError(f"{what} saknas; ange det{_option_hint(what)}.")
    if len(value) > limit:
        raise SignoffError(
            f"{what}: {len(value)} tecken är för många, högst {limit} får plats. Korta texten, "
            "eller hänvisa till protokollet i stället för att klistra in det."
        )
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise SignoffError(
            f"{what} innehåller osynliga styrtecken (ofta följer de med när text kopieras); "
            "skriv in texten igen."
        )
    return value


def _utc_text(now: dt.datetime | None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise SignoffError("Tiden för ett godkännande måste ha en tidszon (den lagras i UTC).")
    return now.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------
# The log


def _parse(text: str, path: Path) -> list[dict[str, Any]]:
    events = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SignoffError(
                f"{path}, rad {number}: inte ett JSON-objekt ({exc.msg}). Loggen ändras aldrig "
                "av mognad, bara fylls på: rätta raden för hand (spara en kopia av filen först) "
                "innan du registrerar ett nytt godkännande."
            ) from exc
        if not isinstance(event, dict) or event.get("event") not in EVENTS:
            raise SignoffError(
                f"{path}, rad {number}: inte en händelse i godkännandeloggen (event ska vara "
                f"{' eller '.join(sorted(EVENTS))}): {line[:200]!r}. Rätta raden för hand "
                "(spara en kopia av filen först)."
            )
        events.append(event)
    return events


def _read_events(data_root: Path | str) -> list[dict[str, Any]]:
    path = signoff_log_path(data_root)
    try:
        handle = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        return []
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        try:
            return _parse(handle.read(), path)
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _append(data_root: Path | str, make_event) -> dict[str, Any] | None:
    """Under an exclusive lock: read the log, ``make_event(events)`` → event or None, append.

    The version is set here: 1 + the number of earlier events of the event's year.
    """
    path = signoff_log_path(data_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            handle.seek(0)
            existing = handle.read()
            events = _parse(existing, path)
            event = make_event(events)
            if event is None:
                return None
            event["version"] = 1 + sum(1 for e in events if e.get("year") == event["year"])
            line = json.dumps(event, ensure_ascii=False, sort_keys=False) + "\n"
            if existing and not existing.endswith("\n"):
                line = "\n" + line
            handle.write(line)  # "a+" appends at the end whatever the read position
            handle.flush()
            os.fsync(handle.fileno())
            return event
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _current(events: list[dict[str, Any]], year: int) -> dict[str, Any] | None:
    latest = None
    for event in events:
        if event.get("year") == year:
            latest = event
    return latest if latest is not None and latest["event"] == EVENT_SIGNED_OFF else None


# --------------------------------------------------------------------------------------
# Public API


def record_signoff(
    data_root: Path | str,
    year: int | str,
    by: str,
    comment: str,
    data_fingerprint: str,
    *,
    decisions: list[dict[str, Any]] | None = None,
    meeting_date: dt.date | None = None,
    body: str = DEFAULT_BODY,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Record that the council reviewed ``year`` and approved its data quality.

    ``by``: who signs off (non-empty, at most 200 characters); ``comment``: free text (may be
    empty, at most 5000 characters); ``data_fingerprint``: what was reviewed (non-empty, e.g.
    the year's landing fingerprint); ``decisions``: one dict per decision item
    (:func:`pipelines.decisions.resolve_decisions`); ``meeting_date``: the day the body
    decided (default: the day of recording in Stockholm; not in the future); ``body``: who
    decided. ``now`` (timezone-aware) only for tests. Signing off a year that is already
    signed off appends a new sign-off (a new version). Returns the event appended (with
    ``version``). Raises :class:`SignoffError` on invalid input or a malformed log.
    """
    year = validate_year(year)
    by = _text(by, BY_WHAT, required=True, limit=MAX_NAME_CHARS)
    comment = _text(comment, "Kommentaren (--comment)", required=False, limit=MAX_COMMENT_CHARS)
    fingerprint = _text(data_fingerprint, FINGERPRINT_WHAT, required=True, limit=200)
    body = _text(body, "Det beslutande organet (--body)", required=True, limit=MAX_NAME_CHARS)
    at = _utc_text(now)
    today = dt.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(STOCKHOLM).date()
    meeting = meeting_date or today
    if not isinstance(meeting, dt.date) or isinstance(meeting, dt.datetime):
        raise SignoffError(f"Sammanträdesdatumet ska vara ett datum (angivet: {meeting!r}).")
    if meeting > today:
        raise SignoffError(
            f"Sammanträdesdatumet {meeting.isoformat()} ligger i framtiden. Ange dagen då "
            "rådet beslutade (--meeting-date ÅÅÅÅ-MM-DD), och registrera beslutet efter sammanträdet."
        )
    recorded = []
    for decision in decisions or []:
        if decision.get("decision") not in ("accept", "overrule") or not decision.get("item"):
            raise SignoffError(
                f"Ogiltigt beslut: {decision!r} (ett beslut gäller en punkt och är accept eller "
                "overrule)."
            )
        reason = _text(decision.get("reason"), "Skälet", required=decision["decision"] == "overrule",
                       limit=MAX_COMMENT_CHARS)  # fmt: skip
        recorded.append({**decision, "reason": reason})
    event = {
        "event": EVENT_SIGNED_OFF,
        "year": year,
        "by": by,
        "at": at,
        "comment": comment,
        "data_fingerprint": fingerprint,
        "meeting_date": meeting.isoformat(),
        "body": body,
        "decisions": recorded,
    }
    return _append(data_root, lambda _events: dict(event))


def clear_signoff(
    data_root: Path | str,
    year: int | str,
    reason: str,
    *,
    by: str = SYSTEM_ACTOR,
    now: dt.datetime | None = None,
) -> dict[str, Any] | None:
    """Withdraw the current sign-off of ``year`` (the year becomes preliminary again).

    ``reason`` (non-empty) is stored as the event's comment; ``by`` defaults to
    :data:`SYSTEM_ACTOR` (the pipeline). Returns the ``cleared`` event appended, or None when
    the year is not signed off (nothing is written). Raises :class:`SignoffError` on invalid
    input.
    """
    year = validate_year(year)
    reason = _text(reason, "Skälet till att godkännandet hävs", required=True, limit=MAX_COMMENT_CHARS)
    by = _text(by, "Den som häver godkännandet", required=True, limit=MAX_NAME_CHARS)
    at = _utc_text(now)

    def make(events: list[dict[str, Any]]) -> dict[str, Any] | None:
        current = _current(events, year)
        if current is None:
            return None
        return {
            "event": EVENT_CLEARED,
            "year": year,
            "by": by,
            "at": at,
            "comment": reason,
            "data_fingerprint": current.get("data_fingerprint"),
        }

    return _append(data_root, make)


def signoff_status(data_root: Path | str, year: int | str) -> dict[str, Any] | None:
    """The current sign-off event of ``year`` (its latest event, when that is ``signed_off``),
    or None when the year was never signed off or its last sign-off was cleared."""
    return _current(_read_events(data_root), validate_year(year))


def signoff_history(data_root: Path | str, year: int | str | None = None) -> list[dict[str, Any]]:
    """Every event in the log, oldest first; only ``year``'s when given. Empty when the log
    does not exist."""
    events = _read_events(data_root)
    if year is None:
        return events
    year = validate_year(year)
    return [e for e in events if e.get("year") == year]


def clear_if_data_changed(
    data_root: Path | str,
    year: int | str,
    data_fingerprint: str,
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any] | None:
    """The reload rule: when ``year`` is signed off for other data than ``data_fingerprint``
    (the fingerprint of the data now loaded), clear the sign-off and return the ``cleared``
    event (its ``comment`` says why, in Swedish, for the council). Returns None when the year
    is not signed off or the data are unchanged. Check and append happen under one lock.
    """
    year = validate_year(year)
    fingerprint = _text(data_fingerprint, FINGERPRINT_WHAT, required=True, limit=200)
    at = _utc_text(now)

    def make(events: list[dict[str, Any]]) -> dict[str, Any] | None:
        current = _current(events, year)
        if current is None or current.get("data_fingerprint") == fingerprint:
            return None
        return {
            "event": EVENT_CLEARED,
            "year": year,
            "by": SYSTEM_ACTOR,
            "at": at,
            "comment": (
                f"Data för {year} har lästs in på nytt och är inte längre de som rådet "
                f"granskade (godkännande version {current['version']}, registrerat av "
                f"{current['by']} den {format_datetime(current['at'])}): filerna i "
                f"landing/{year} har ändrats. Året är preliminärt och rådets beslut gäller "
                "inte förrän rådet granskat året igen."
            ),
            "data_fingerprint": current.get("data_fingerprint"),
            "new_data_fingerprint": fingerprint,
        }

    return _append(data_root, make)


def manifest_year_entry(
    data_root: Path | str, year: int | str, data_fingerprint: str | None = None
) -> dict[str, Any]:
    """The sign-off part of a snapshot manifest's ``years[<year>]`` entry.

    ``{"status": "signed_off", "signoff": {"by", "at", "comment", "version",
    "data_fingerprint", "meeting_date", "body", "decisions"}}`` when the year is signed off
    (and, when ``data_fingerprint`` is given, for exactly that data); otherwise
    ``{"status": "preliminary"}``, with ``"cleared": {"by", "at", "comment", "version"}``
    when the year's latest event is the clearing of a sign-off (when and why, for the
    council's page). The council's quality report
    (:func:`pipelines.reports.council.build_quality_report`) reads this shape.
    """
    year = validate_year(year)
    events = [e for e in _read_events(data_root) if e.get("year") == year]
    current = _current(events, year)
    if current is None or (
        data_fingerprint is not None and current.get("data_fingerprint") != data_fingerprint
    ):
        if events and events[-1]["event"] == EVENT_CLEARED:
            cleared = events[-1]
            return {
                "status": "preliminary",
                "cleared": {key: cleared.get(key) for key in ("by", "at", "comment", "version")},
            }
        return {"status": "preliminary"}
    return {
        "status": "signed_off",
        "signoff": {
            key: current.get(key)
            for key in (
                "by", "at", "comment", "version", "data_fingerprint", "meeting_date", "body",
                "decisions",
            )
        },
    }


def year_fingerprints(manifest: Mapping[str, Any]) -> dict[str, str]:
    """``{year: landing_fingerprint}`` from a snapshot manifest's ``inputs`` (the accepted
    years' input records, ``pipelines.orchestration.accepted_records``)."""
    return {
        str(record["year"]): reviewed_data_fingerprint(record)
        for record in manifest.get("inputs") or []
        if record.get("year") is not None and reviewed_data_fingerprint(record)
    }


def apply_signoffs_to_snapshot(snapshot_dir: Path | str, data_root: Path | str) -> dict[str, Any]:
    """Bring a published snapshot's ``manifest.json`` up to date with the sign-off log.

    Every ``years[<year>]`` entry gets the ``status``/``signoff`` of
    :func:`manifest_year_entry` for the data that snapshot holds (fingerprints from the
    manifest's ``inputs``; a year without a fingerprint is matched on the year alone); other
    keys of the entry (e.g. ``instrument_version``) are kept. The manifest is replaced
    atomically. Returns the new ``years`` mapping. Run
    :func:`pipelines.reports.council.build_quality_report` afterwards to show the
    new state in the quality report. Raises ``FileNotFoundError`` without a manifest.
    """
    path = Path(snapshot_dir) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    fingerprints = year_fingerprints(manifest)
    years = {}
    for year, entry in (manifest.get("years") or {}).items():
        kept = {k: v for k, v in (entry or {}).items()
                if k not in ("status", "signoff", "cleared")}
        years[year] = {**kept, **manifest_year_entry(data_root, year, fingerprints.get(year))}
    manifest["years"] = years
    write_text_atomic(path, json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True))
    return years
