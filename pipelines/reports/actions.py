"""Report views of results taken care of: recommendations, decided actions and their
follow-up per organisation, and the council's exchange view on the county overview.

Reads the curated tables ``recommendations_by_organisation``, ``decided_actions``,
``action_follow_up`` and ``category_exchange`` from ``SnapshotData.optional`` (absent tables
give empty sections). Every figure comes from dbt; this module only formats.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from pipelines.reports.data import SnapshotData, is_missing
from pipelines.reports.formatting import format_interval, format_number, format_signed

CAUSATION_NOTE_SV = (
    "En förändring i en kategori efter en åtgärd bevisar inte att åtgärden orsakade den: "
    "mycket annat påverkar resultatet, och svaren speglar också förväntningar. Jämförelsen "
    "visar om området har rört sig, inte varför."
)
NOISE_NOTE_SV = (
    "Förändringen anges med 95 % konfidensintervall. ”Säkerställd” betyder att intervallet "
    "inte innehåller noll, dvs. att förändringen är större än vad slumpen i vilka som svarade "
    "rimligen kan förklara."
)
PRIVACY_NOTE_SV = (
    "Handlingsplanens uppföljningsanteckningar publiceras inte, eftersom fritext kan innehålla "
    "namn; ansvariga anges som roll eller enhet."
)


def _rows(data: SnapshotData, table: str) -> list[dict[str, Any]]:
    found = data.optional.get(table)
    return found.rows if found is not None else []


def _org_rows(data: SnapshotData, table: str, code: str) -> list[dict[str, Any]]:
    """The rows of ``table`` that belong to organisation ``code`` (``[]`` when absent)."""
    return data.organisation_rows(table, code) if table in data.optional else []


def _verdict(value: Any) -> str:
    if is_missing(value):
        return ""
    return "säkerställd" if value else "inte säkerställd"


def recommendations_view(data: SnapshotData, code: str, year: int) -> list[dict[str, Any]]:
    """The organisation-year's recommendations in report order: ``kind`` (``category`` or
    ``quadrant``), ``label`` (category name with its index, or the type), ``title``,
    ``text``."""
    rows = [r for r in _org_rows(data, "recommendations_by_organisation", code)
            if int(r["survey_year"]) == year]
    view = []
    for r in sorted(rows, key=lambda r: r["display_order"]):
        if r["applies_to"] == "category":
            label = f"{r['category_name_sv']} (index {format_number(r.get('category_index'))})"
        else:
            label = f"Typ {r['quadrant']}"
        view.append({"kind": r["applies_to"], "label": label,
                     "title": r["recommendation_title_sv"], "text": r["recommendation_sv"]})
    return view


def actions_view(data: SnapshotData, code: str, year: int) -> list[dict[str, Any]]:
    """The organisation's decided actions answering measurements up to ``year``, newest
    measurement first, each with its follow-up: the targeted category's index at the
    answered measurement and at every later one up to ``year``, and the change since the
    answered one with its interval and verdict."""
    follow_up: dict[str, list[dict]] = defaultdict(list)
    for r in _org_rows(data, "action_follow_up", code):
        if int(r["measurement_year"]) <= year:
            follow_up[r["action_id"]].append(r)
    actions = [r for r in _org_rows(data, "decided_actions", code)
               if int(r["survey_year"]) <= year]
    actions.sort(key=lambda r: (-int(r["survey_year"]), r["category_code"], r["action_id"]))
    view = []
    for a in actions:
        measurements = []
        for m in sorted(follow_up.get(a["action_id"], []), key=lambda m: m["measurement_year"]):
            measurements.append({
                "year": int(m["measurement_year"]),
                "answered": int(m["years_after"]) == 0,
                "index": format_number(m.get("category_index")),
                "interval": format_interval(m.get("category_index_ci_lower"),
                                            m.get("category_index_ci_upper")),
                "change": None if is_missing(m.get("change_since_answered")) else
                format_signed(m["change_since_answered"]),
                "change_interval": format_interval(m.get("change_since_answered_ci_lower"),
                                                   m.get("change_since_answered_ci_upper"),
                                                   against=(0,)),
                "verdict": _verdict(m.get("change_since_answered_is_beyond_noise")),
                "version_changed": bool(m.get("instrument_version_changed")),
            })
        view.append({
            "id": a["action_id"],
            "year": int(a["survey_year"]),
            "text": a["action_text"],
            "category": a.get("category_name_sv") or a["category_code"],
            "factor": a.get("factor_name_sv") or "",
            "decided": f"{a['decided_by']} {a['decided_on']:%Y-%m-%d}",
            "responsible": a["responsible"],
            "status": a.get("status_label_sv") or a["status"],
            "closed": bool(a.get("is_status_closed")),
            "due": f"{a['due_date']:%Y-%m-%d}" if a.get("due_date") else "",
            "measurements": measurements,
        })
    return view


def exchange_view(data: SnapshotData, year: int) -> dict[str, Any]:
    """The council's exchange view for measurement ``year``: per category (model order) the
    municipalities strong in it beyond noise, those that have it as a weakness, and the
    actions of every municipality targeting it (answering any measurement up to ``year``)
    counted by status. ``statuses`` gives the column order."""
    names = {o["organisation_code"]: o["short_name"] for o in data.organisations}
    exchange = [r for r in _rows(data, "category_exchange") if int(r["survey_year"]) == year]
    actions = [r for r in _rows(data, "decided_actions") if int(r["survey_year"]) <= year]
    statuses = sorted({(r["status_sort_order"], r["status_label_sv"]) for r in actions})
    categories = []
    for code, name, _ in data.category_order:
        rows = [r for r in exchange if r["category_code"] == code]
        on_it = [r for r in actions if r["category_code"] == code]
        counts = Counter(r["status_label_sv"] for r in on_it)
        working = sorted({names.get(r["organisation_code"], r["organisation_code"]) for r in on_it})
        categories.append({
            "name": name,
            "strong": sorted(names.get(r["organisation_code"], r["organisation_code"])
                             for r in rows if r["is_strong_beyond_noise"]),
            "weak": sorted(names.get(r["organisation_code"], r["organisation_code"])
                           for r in rows if r["is_weakness"]),
            "working": working,
            "counts": [counts.get(label, 0) for _, label in statuses],
            "total": len(on_it),
        })
    return {
        "year": year,
        "statuses": [label for _, label in statuses],
        "categories": categories,
        "total_actions": len(actions),
        "organisations_with_actions": len({r["organisation_code"] for r in actions}),
    }


def organisation_section(data: SnapshotData, code: str, year: int) -> dict[str, Any]:
    """What the organisation page shows of recommendations and actions (``actions`` in the
    page's view)."""
    return {
        "recommendations": recommendations_view(data, code, year),
        "actions": actions_view(data, code, year),
        "causation_note": CAUSATION_NOTE_SV,
        "noise_note": NOISE_NOTE_SV,
        "privacy_note": PRIVACY_NOTE_SV,
        "has_register": "decided_actions" in data.optional,
    }
