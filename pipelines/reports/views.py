"""View models: what each report page and slide deck shows, as formatted Swedish text.

The functions here turn ``SnapshotData`` into plain dicts of already formatted strings (and
rendered charts), so templates and slide builders only lay them out. Rules and their
sources:

- indices 0–100 with one decimal and Swedish decimal comma; intervals are the marts' 95 %
  confidence intervals (domain doc, scoring method §6);
- a response rate that is null is "okänd", never 0 % (domain doc, "Respondents and
  response rates");
- a cell with fewer than ``min_cell_respondents`` respondents, or flagged suppressed by the
  mart, shows "färre än 5 svar" (complementary suppression: "dold för att skydda en liten
  grupp") and is left out of every chart (domain doc, "Privacy");
- strengths and weaknesses are *relative*: the three highest and three lowest category
  indices of the organisation, shown even at high maturity (domain doc, "The tool's
  analysis"); the mart's flags are used when it has them;
- organisations are listed in register order, never ranked (domain doc, scoring §7).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from pipelines.reports import charts
from pipelines.reports.actions import exchange_view, organisation_section
from pipelines.reports.data import (
    Row,
    SnapshotData,
    Table,
    flagged_suppressed,
    is_missing,
)
from pipelines.reports.formatting import (
    format_count,
    format_int,
    format_interval,
    format_number,
    format_percent,
    format_signed,
    format_threshold,
    safe_code,
)
from pipelines.settings import dbt_project_vars

READING_NOTE_SV = (
    "Resultaten bygger på hur de svarande själva bedömer sin organisation. Bedömningarna "
    "speglar därför också förväntningar: de mest mogna organisationerna får inte alltid de "
    "högsta värdena, bland annat för att den som vet mer om vad som är möjligt kan vara mer självkritisk. "
    "Jämförelser mellan organisationer och år är till för dialog och lärande, inte för en "
    "tävling. Små skillnader ligger ofta inom den statistiska osäkerheten: intervallen visar "
    "95 % konfidensintervall, och en förändring bör bara läsas som en förändring när "
    "intervallet inte omfattar noll. Svaret ”vet ej” räknas inte som ett lågt värde; andelen "
    "”vet ej” visar var kunskap saknas."
)

NONRESPONSE_NOTE_SV = (
    "De som svarar är inbjudna, inte slumpmässigt utvalda. Intervallen visar hur säkert de "
    "svarandes medelvärde är, inte hur säkert resultatet är för hela organisationen. När många "
    "inbjudna inte svarar kan de som svarade tycka annorlunda än de som inte gjorde det; det "
    "kallas bortfall och kan flytta resultatet utan att intervallen visar det. Målgrupperna "
    "svarar också olika (förtroendevalda ger ofta högre värden och svarar oftare ”vet ej”), så "
    "en förändring mellan två år kan bero på att andra grupper svarade. Organisationer med låg "
    "svarsfrekvens är markerade, och det viktade indexet visar vad resultatet hade blivit om "
    "målgrupperna hade vägt lika mycket som bland de inbjudna."
)

SCALE_NOTE_SV = (
    "Alla index går från 0 till 100. Digital mognad är medelvärdet av digital förmåga och "
    "digitalt arv; varje dimension är medelvärdet av sina tre kategorier."
)

UNCERTAIN_TYPE_SV = "osäker"
"""The mark beside the type's name when the organisation's type is uncertain (the view's
``quadrant_uncertain``: ``is_quadrant_uncertain`` of a published row), on the page and in the
deck alike."""

UNCERTAIN_TYPE_NOTE_SV = (
    "konfidensintervallet för digital förmåga eller digitalt arv går över gränsen mellan "
    "typerna, så organisationen kan lika gärna höra till en angränsande typ."
)
"""Why an uncertain type is uncertain, under the type's name on the page and in the deck,
after "Osäker typ:"."""

DIMENSION_NAMES_SV = {"capability": "Digital förmåga", "legacy": "Digitalt arv"}
INDEX_LABELS_SV = {
    "maturity_index": "Digital mognad",
    "capability_index": "Digital förmåga",
    "legacy_index": "Digitalt arv",
}
TARGET_GROUP_NAMES_SV = {
    "fortroendevalda": "Förtroendevalda",
    "kommunledning": "Kommunledning",
    "forvaltningsledning": "Förvaltningsledning",
    "strateger": "Strateger och verksamhetsutvecklare",
    "systemansvariga": "Systemansvariga",
}
"""Target-group names when a table carries only the code (docs/data-contracts.md, target groups)."""


def _label(row: Row, table: Table, name_cols: Sequence[str], code_col: str | None) -> str:
    """A row's Swedish label: its name column, else the known name of its code, else the code."""
    name_col = next((c for c in name_cols if c in table.columns), None)
    if name_col and row.get(name_col):
        return str(row[name_col])
    code = row.get(code_col) if code_col else None
    if code is None:
        return "–"
    return TARGET_GROUP_NAMES_SV.get(str(code), str(code))


WITHHOLDING_CHECKS_SV = {
    "response_rate": "för låg svarsfrekvens",
    "min_respondents": "för få svarande",
    "respondents_within_invited": "fler svarande än inbjudna",
}
"""Swedish wording of the council's checks that withhold an organisation-year's results."""


def withheld_text(row: Row) -> str | None:
    """"ej publicerat (…)" when the row's results are withheld by the council's quality checks
    (``results_withheld``; the checks named in ``withheld_reason``), else ``None``."""
    if row.get("results_withheld") is not True:
        return None
    reason = str(row.get("withheld_reason") or "")
    causes = [sv for check, sv in WITHHOLDING_CHECKS_SV.items() if check in reason]
    return "ej publicerat (" + (", ".join(causes) or "rådets kvalitetskontroll") + ")"


def council_decision_text(row: Row) -> str | None:
    """The note for results the council decided to publish although a withholding check failed
    (``published_by_council_decision``, with ``council_decision_reason``; the failed checks
    named in ``quality_warnings``), else ``None``: "Resultaten klarade inte rådets
    kvalitetskontroll (för låg svarsfrekvens) men publiceras genom digitaliseringsrådets
    beslut. Rådets skäl: …"."""
    if row.get("published_by_council_decision") is not True:
        return None
    warnings = str(row.get("quality_warnings") or "")
    causes = [sv for check, sv in WITHHOLDING_CHECKS_SV.items() if check in warnings]
    reason = str(row.get("council_decision_reason") or "").strip().rstrip(".")
    return (
        "Resultaten klarade inte rådets kvalitetskontroll"
        + (f" ({', '.join(causes)})" if causes else "")
        + " men publiceras genom digitaliseringsrådets beslut när mätningen granskades."
        + (f" Rådets skäl: {reason}." if reason else "")
    )


SUPPRESSION_REASONS_SV = {
    "complementary": "dold för att skydda en liten grupp",
    "fewer than {n} respondents": "färre än {n} svar",
    "a category with fewer than {n} usable scores": "färre än {n} svar i en kategori",
    "fewer than {n} respondents with a score": "färre än {n} svarande med värde",
}
"""Swedish wording of the marts' suppression reasons (macros/disclosure_control.sql: the
``suppression_reason`` and ``<dimension>_suppression_reason`` columns; ``{n}`` is the
disclosure minimum, the dbt var ``min_cell_respondents``). "results withheld" is worded by
:func:`withheld_text`."""


def reason_text(row: Row, reason: str | float | None, min_n: int) -> str:
    """The Swedish wording of a hidden value's ``reason`` (a mart's suppression reason, or
    ``None`` for a mart whose only reason is too few respondents: the category, factor and
    "vet ej" marts). Raises ``ValueError`` for a reason outside the marts' vocabulary, so a
    new rule in dbt cannot be shown with an old rule's words."""
    if reason is None or is_missing(reason):
        return SUPPRESSION_REASONS_SV["fewer than {n} respondents"].format(n=min_n)
    if reason == "results withheld":
        return withheld_text(row) or "ej publicerat"
    for english, swedish in SUPPRESSION_REASONS_SV.items():
        if re.fullmatch(re.escape(english).replace(r"\{n\}", r"\d+"), reason):
            return swedish.format(n=min_n)
    raise ValueError(
        f"unknown suppression reason {reason!r}: pipelines/reports/views.py "
        "SUPPRESSION_REASONS_SV has no wording for it"
    )


def suppression_text(row: Row, min_n: int) -> str | None:
    """Why a row's values are hidden, or ``None`` when they may be shown.

    Whether and why a value is hidden is the marts' decision (disclosure control and
    withholding are dbt's, macros/disclosure_control.sql): withheld results (the council's
    quality checks) say so first (:func:`withheld_text`); otherwise the row is hidden when it
    carries a true suppression flag (``is_suppressed``, ``suppressed`` or any
    ``*_suppressed`` column), worded from its ``suppression_reason`` (:func:`reason_text`).
    """
    withheld = withheld_text(row)
    if withheld:
        return withheld
    if not flagged_suppressed(row):
        return None
    return reason_text(row, row.get("suppression_reason"), min_n)


def _with_interval(row: Row, col: str) -> str:
    """An index with its 95 % interval when the row has one: ``"68,4 (61,4–75,4)"``."""
    interval = format_interval(row.get(f"{col}_ci_lower"), row.get(f"{col}_ci_upper"))
    value = format_number(row.get(col))
    return f"{value} ({interval})" if interval and value != format_number(None) else value


def index_suppression_text(row: Row, index_col: str, min_n: int) -> str | None:
    """Why one index of a group row (``capability_index``, ``legacy_index`` or
    ``maturity_index``) is hidden while the row itself is shown, or ``None`` when it is
    published: the breakdown marts' ``<dimension>_suppression_reason``
    (macros/group_breakdown.sql), worded by :func:`reason_text`."""
    if row.get(f"{index_col}_suppressed") is not True:
        return None
    return reason_text(row, row.get(index_col.removesuffix("_index") + "_suppression_reason"), min_n)


def _maturity_cells(row: Row | None, hidden: str | None) -> dict[str, str]:
    """An organisation-year's maturity index and its 95 % interval as a table's two cells,
    ``{"maturity", "interval"}``: the reason and an empty interval when ``hidden`` (the
    reason, e.g. from :func:`suppression_text`; ``row`` may then be None)."""
    if hidden:
        return {"maturity": hidden, "interval": ""}
    return {
        "maturity": format_number(row.get("maturity_index")),
        "interval": format_interval(
            row.get("maturity_index_ci_lower"), row.get("maturity_index_ci_upper")
        ),
    }


def _value(row: Row | None, col: str) -> float | None:
    if row is None:
        return None
    v = row.get(col)
    return None if is_missing(v) else float(v)


def _quadrant_names(data: SnapshotData) -> dict[str, str]:
    names = {}
    for letter in "ABCD":
        q = data.quadrant_types.get(letter) or {}
        names[letter] = q.get("quadrant_name_sv") or f"Typ {letter}"
    return names


def _org_year(data: SnapshotData, code: str, year: int | None) -> Row | None:
    if year is None:
        return None
    return data.org_years.get(code, {}).get(year)


def _shown(data: SnapshotData, row: Row | None) -> bool:
    """True when an organisation-year row may be shown (enough respondents, not flagged)."""
    return row is not None and suppression_text(row, data.min_cell_respondents) is None


def _quadrant_caption(data: SnapshotData, cells: bool) -> str:
    """The caption of an organisation's position chart: the others as grey points (a
    county), or as the counts of :func:`charts.position_cells` (many organisations)."""
    others = (f"bland {data.population.genitive} organisationer: cirklarna visar hur många "
              f"som ligger i varje ruta om {charts.POSITION_CELL:g} × {charts.POSITION_CELL:g} "
              "indexpunkter" if cells
              else f"bland {data.population.genitive} organisationer (grå)")
    return (f"Organisationens position (blå) {others}; streckade linjer: typernas gränser. "
            "Axlarna visar den del av skalan 0–100 där organisationerna ligger.")


def _positions(data: SnapshotData, year: int) -> list[tuple[str, tuple]]:
    """Every organisation shown in ``year`` (register order) with its point of the position
    chart, ``(short_name, capability_index, legacy_index, False)``: made once per snapshot
    and year (``SnapshotData.derived``), as every organisation's page shows all the others."""

    def make() -> list[tuple[str, tuple]]:
        found = []
        for other in data.organisations:
            r = _org_year(data, other["organisation_code"], year)
            if r is not None and _shown(data, r):
                found.append((other["organisation_code"], (
                    other["short_name"], _value(r, "capability_index"),
                    _value(r, "legacy_index"), False)))
        return found

    return data.derived(("positions", year), make)


def _position_cells(data: SnapshotData, year: int) -> tuple[tuple[float, float, int], ...]:
    """:func:`charts.position_cells` of every organisation shown in ``year``: the cells of
    each organisation's position chart of the year (its own point is among its chart's points
    exactly when it is shown, and the cells count it like the others), made once per snapshot
    and year (``SnapshotData.derived``); ``()`` at county scale."""
    return data.derived(("position_cells", year), lambda: tuple(
        charts.position_cells([point for _code, point in _positions(data, year)])))


def county_maturity_mean(data: SnapshotData, year: int) -> float | None:
    """County mean of maturity_index for ``year`` (``county_summary.maturity_index_mean``;
    ``None`` when the year has no row or no organisation with an index)."""
    for r in data.optional["county_summary"].rows:
        if r["survey_year"] == year and not is_missing(r["maturity_index_mean"]):
            return float(r["maturity_index_mean"])
    return None


def _items_of(data: SnapshotData | None, version: str | None) -> dict[str, str]:
    """Item code -> Swedish text for one instrument version (``instrument_items``)."""
    if data is None or not version:
        return {}
    return {code: text for (v, code), text in data.item_texts.items() if v == version}


def _change(row: Row | None, data: SnapshotData | None = None) -> dict[str, Any] | None:
    """Change from the previous measurement when the mart provides it
    (``maturity_index_change``, its interval and verdict). Across an instrument change
    (``instrument_version_changed``) the change is computed on the items both versions share
    (``change_items_compared``); then ``dropped``/``added`` list the items only in the
    previous/this year's version (code and text) and ``published_difference`` is the
    difference of the two published indices, which the change is not. ``council_decision``
    is the note when the change rests on results the council published by its decision
    (:func:`change_council_decision_text`; the years in ``council_decision_years``), else
    ``None``."""
    if row is None or is_missing(row.get("maturity_index_change")):
        return None
    lower = row.get("maturity_index_change_ci_lower")
    upper = row.get("maturity_index_change_ci_upper")
    sig = row.get("change_is_significant")
    version_changed = row.get("instrument_version_changed")
    version_changed = bool(version_changed) and not is_missing(version_changed)
    if is_missing(sig):
        verdict = ""
    else:
        verdict = "säkerställd" if sig else "inte säkerställd"
    previous_year = row.get("previous_survey_year")
    dropped: list[str] = []
    added: list[str] = []
    if version_changed and data is not None and not is_missing(previous_year):
        previous_row = _org_year(data, row.get("organisation_code"), int(previous_year))
        now = _items_of(data, row.get("instrument_version"))
        before = _items_of(data, (previous_row or {}).get("instrument_version"))
        if now and before:
            dropped = [f"{c} ”{before[c]}”" for c in sorted(set(before) - set(now))]
            added = [f"{c} ”{now[c]}”" for c in sorted(set(now) - set(before))]
    published_difference = None
    if not (is_missing(row.get("maturity_index")) or is_missing(row.get("previous_maturity_index"))):
        published_difference = format_signed(row["maturity_index"] - row["previous_maturity_index"])
    decided_years = change_council_decision_years(row, data)
    return {
        "text": format_signed(row["maturity_index_change"]),
        "interval": format_interval(lower, upper, against=(0,)),
        "verdict": verdict,
        "version_changed": version_changed,
        "items_compared": None
        if is_missing(row.get("change_items_compared"))
        else int(row["change_items_compared"]),
        "previous_year": None if is_missing(previous_year) else int(previous_year),
        "dropped": dropped,
        "added": added,
        "published_difference": published_difference,
        "council_decision_years": decided_years,
        "council_decision": change_council_decision_text(decided_years)
        if row.get("change_includes_council_decision") is True else None,
    }


def change_council_decision_years(row: Row, data: SnapshotData | None = None) -> list[int]:
    """The years of an organisation-year's change from its previous measurement (the previous
    year and this one) whose results the council published by overruling their withholding,
    when the mart says the change rests on one (``change_includes_council_decision``, true
    only beside a published change); empty otherwise. The previous year's mark is read from
    its own row (``published_by_council_decision``), so without ``data`` only this year can
    be named."""
    if row.get("change_includes_council_decision") is not True:
        return []
    previous = row.get("previous_survey_year")
    previous_row = (
        None if data is None or is_missing(previous)
        else _org_year(data, row.get("organisation_code"), int(previous))
    )
    years = ((previous, previous_row), (row.get("survey_year"), row))
    return [int(y) for y, r in years
            if r is not None and r.get("published_by_council_decision") is True]


def change_council_decision_text(years: list[int]) -> str:
    """The note beside a change that rests on results published by the council's decision
    (:func:`change_council_decision_years`): "Förändringen bygger på resultat som
    publicerades genom rådets beslut (2024)."."""
    named = " och ".join(str(y) for y in years)
    return ("Förändringen bygger på resultat som publicerades genom rådets beslut"
            + (f" ({named})." if named else "."))


def change_gap_text(data: SnapshotData, row: Row | None) -> str | None:
    """Why an organisation-year shows no change from the previous measurement (its ``..``),
    from the data's own reasons: the year's results hidden (:func:`suppression_text`), no
    earlier measurement of the organisation (``previous_survey_year`` empty: "ingen tidigare
    mätning"), or the previous measurement's results hidden, e.g. "2019: ej publicerat (för
    låg svarsfrekvens)". ``None`` when the change is published or missing for none of these
    reasons (the page's legend then covers the ``..``)."""
    if row is None or not is_missing(row.get("maturity_index_change")):
        return None
    min_n = data.min_cell_respondents
    hidden = suppression_text(row, min_n)
    if hidden:
        return hidden
    previous = row.get("previous_survey_year")
    if previous is None or is_missing(previous):
        return "ingen tidigare mätning"
    previous_row = _org_year(data, row.get("organisation_code"), int(previous))
    previous_hidden = None if previous_row is None else suppression_text(previous_row, min_n)
    return f"{int(previous)}: {previous_hidden}" if previous_hidden else None


# --------------------------------------------------------------------------- organisation


def national_reference(data: SnapshotData, year: int) -> dict[str, dict[str, Any]]:
    """The optional national reference values of ``year`` (``national_reference_values``,
    when the snapshot has the table and rows for the year) by index code — a category code,
    ``capability``, ``legacy`` or ``maturity`` — as ``{"value", "text", "source"}``; ``{}``
    when there are none, so the reports show no national column."""
    table = data.optional.get("national_reference_values")
    if table is None:
        return {}
    return {
        str(r["index_code"]): {
            "value": float(r["national_reference_index"]),
            "text": format_number(r["national_reference_index"]),
            "source": str(r.get("national_reference_source") or ""),
        }
        for r in table.rows
        if int(r["survey_year"]) == year and not is_missing(r.get("national_reference_index"))
    }


def peer_group_reference(data: SnapshotData, code: str, year: int) -> dict[str, dict[str, Any]]:
    """The organisation's optional peer-group references of ``year``
    (``peer_group_references``, when the snapshot has the table and the register gives the
    organisation a peer group) by index code, as ``{"group", "text"}``: the mean of the other
    members with its member count, ``"52,3 (4)"``, or ".." text when no other member has a
    published index; ``{}`` without a peer group, so the reports show nothing."""
    if data.optional.get("peer_group_references") is None:
        return {}
    out = {}
    for r in data.rows_for("peer_group_references", code, year):
        mean = r.get("peer_group_mean_index")
        out[str(r["index_code"])] = {
            "group": str(r.get("peer_group") or ""),
            "text": ""
            if is_missing(mean)
            else f"{format_number(mean)} ({format_int(r.get('peer_group_organisations'))})",
        }
    return out


def _categories_view(data: SnapshotData, code: str, year: int) -> list[dict[str, Any]]:
    national = national_reference(data, year)
    peers = peer_group_reference(data, code, year)
    rows = data.categories.get((code, year), [])
    by_code = {r.get("category_code"): r for r in rows}
    out = []
    for cat_code, cat_name, dim in data.category_order:
        r = by_code.get(cat_code)
        if r is None:
            continue
        hidden = suppression_text(r, data.min_cell_respondents)
        value = None if hidden else _value(r, "category_index")
        county = data.county_category_mean.get((year, cat_code))
        diff = None if value is None or county is None else value - county
        peer = None if is_missing(r["same_type_mean_category_index"]) else float(
            r["same_type_mean_category_index"]
        )
        peer_n_text = format_int(r["same_type_organisations"])
        peer_diff = None if value is None or peer is None else value - peer
        out.append(
            {
                "code": cat_code,
                "name": r.get("category_name_sv") or cat_name,
                "dimension": DIMENSION_NAMES_SV.get(dim or r.get("dimension_code"), dim),
                "value": value,
                "index_text": hidden or format_number(value),
                "interval_text": ""
                if hidden
                else format_interval(
                    r.get("category_index_ci_lower"), r.get("category_index_ci_upper")
                ),
                "county": county,
                "county_text": format_number(county),
                "diff_text": format_signed(diff),
                "dont_know_text": format_percent(r.get("dont_know_share"), missing="–"),
                "respondents_text": format_int(r.get("respondents")),
                "is_strength": r.get("is_strength"),
                "is_weakness": r.get("is_weakness"),
                "peer": peer,
                "peer_text": format_number(peer),
                "peer_n_text": peer_n_text,
                "peer_diff_text": format_signed(peer_diff),
                "change_text": "" if hidden else _level_change_text(r, "category"),
                "change_parts": None if hidden else _level_change_parts(r, "category"),
                "items_changed": r.get("category_items_changed") is True,
                "weakness_set_uncertain": r.get("is_weakness_set_uncertain") is True,
                "national_text": national[cat_code]["text"] if cat_code in national else "",
                "peer_group_text": (peers.get(cat_code) or {}).get("text", ""),
            }
        )
    return out


def _factors_view(data: SnapshotData, code: str, year: int) -> list[dict[str, str]]:
    """Each factor of the organisation-year (``maturity_by_factor``, when the snapshot has
    it) in questionnaire order: category, factor, index, interval and the change from the
    previous measurement as the categories show it; hidden indices say why."""
    table = data.optional.get("maturity_by_factor")
    if table is None:
        return []
    category_names = {c: n for c, n, _ in data.category_order}
    category_rank = {c: i for i, (c, _, _) in enumerate(data.category_order)}
    rows = sorted(
        data.rows_for("maturity_by_factor", code, year),
        key=lambda r: (category_rank.get(r.get("category_code"), 99), r.get("factor_sort_order") or 0),
    )
    out = []
    for r in rows:
        hidden = suppression_text(r, data.min_cell_respondents)
        out.append(
            {
                "category": category_names.get(r.get("category_code"), r.get("category_code") or ""),
                "name": r.get("factor_name_sv") or r.get("factor_code") or "",
                "index_text": hidden or format_number(r.get("factor_index")),
                "interval_text": ""
                if hidden
                else format_interval(r.get("factor_index_ci_lower"), r.get("factor_index_ci_upper")),
                "change_text": "" if hidden else _level_change_text(r, "factor"),
                "change_parts": None if hidden else _level_change_parts(r, "factor"),
                "items_changed": r.get("factor_items_changed") is True,
            }
        )
    return out


def _level_change_parts(row: Row, level: str) -> dict[str, str] | None:
    """A category's or factor's change from the previous measurement in two parts, so a
    table keeps the figures on one line and may wrap before the verdict: ``{"value":
    "+5,6 (1,7–9,5)", "verdict": "säkerställd"}``; the verdict is ``"inom osäkerheten"``,
    or empty without an interval, and ends in `` *`` when the items changed between
    instrument versions (read with care). None without a change."""
    change = row.get(f"{level}_index_change")
    if is_missing(change):
        return None
    value = format_signed(change)
    interval = format_interval(
        row.get(f"{level}_index_change_ci_lower"),
        row.get(f"{level}_index_change_ci_upper"),
        against=(0,),
    )
    if interval:
        value += f" ({interval})"
    significant = row.get(f"{level}_change_is_significant")
    verdict = {True: "säkerställd", False: "inom osäkerheten"}.get(significant, "")
    if row.get(f"{level}_items_changed") is True:
        if verdict:
            verdict += " *"
        else:
            value += " *"
    return {"value": value, "verdict": verdict}


def _level_change_text(row: Row, level: str) -> str:
    """:func:`_level_change_parts` as one text, e.g. ``"+5,6 (1,7–9,5), säkerställd"``;
    ``"–"`` without a change."""
    parts = _level_change_parts(row, level)
    if parts is None:
        return "–"
    return parts["value"] + (f", {parts['verdict']}" if parts["verdict"] else "")


TYPE_PLURALS_SV = {"kommun": "kommuner", "region": "regioner"}
"""Swedish plural of each organisation type of the register, for the same-type reference."""


def same_type_reference(data: SnapshotData, row: Row, org: Row, year: int) -> dict[str, Any]:
    """The fair reference of an organisation's page (domain doc, "Comparisons"): the mean of
    the *other* organisations of the same type (``same_type_mean_maturity_index``), how many
    it covers and how many of that type have no published result; for a type with no other
    member in the county (the region) the municipalities' mean is shown apart, with its
    count. The county mean of every organisation (the organisation itself included) is shown
    as well, saying so."""
    org_type = str(row.get("organisation_type") or org.get("organisation_type") or "")
    plural = TYPE_PLURALS_SV.get(org_type, f"organisationer av typen {org_type}")
    n = int(row["same_type_organisations"] or 0)
    without = int(row["same_type_organisations_without_index"] or 0)
    county_n = int(row["county_ranked_organisations"] or 0)
    place = data.population
    county_text = (
        f"{place.mean} {year} över "
        f"{format_count(county_n, 'organisation', 'organisationer')} med publicerat resultat, "
        f"alla typer och {org['short_name']} inräknade: "
        f"{format_number(county_maturity_mean(data, year))}."
    )
    if n:
        text = (
            f"Övriga {plural} i {place.name} {year}: {format_number(row['same_type_mean_maturity_index'])} "
            f"(medelvärde för {n} {plural if n != 1 else org_type}; {org['short_name']} ingår inte"
        )
        if without:
            text += (
                f"; {without} {plural if without != 1 else org_type} utan publicerat resultat "
                "ingår inte heller"
            )
        text += ")."
    elif without:
        text = (
            f"Ingen annan {org_type or 'organisation av samma typ'} i {place.name} har ett publicerat "
            f"resultat {year} ({without} {plural if without != 1 else org_type} utan publicerat "
            "resultat)."
        )
    else:
        text = (f"Ingen annan {org_type or 'organisation av samma typ'} i {place.name} har "
                f"resultat {year} att jämföra med.")
        # the municipalities' mean, from any municipality's row (its type mean includes itself)
        municipality = next(
            (
                r
                for other in data.organisations
                if (r := _org_year(data, other["organisation_code"], year)) is not None
                and r.get("organisation_type") == "kommun"
                and not is_missing(r.get("maturity_index"))
            ),
            None,
        )
        if (
            municipality is not None
            and org_type != "kommun"
            and not is_missing(municipality.get("organisation_type_mean_maturity_index"))
            and not is_missing(municipality.get("same_type_organisations"))
        ):
            text += (
                f" Kommunernas medelvärde {year}, som jämförelse med en annan typ av organisation: "
                f"{format_number(municipality['organisation_type_mean_maturity_index'])} "
                f"({format_count(int(municipality['same_type_organisations']) + 1, 'kommun', 'kommuner')})."
            )
    return {
        "text": text,
        "county_text": county_text,
        "plural": plural,
        "n": n,
        "column": f"Övriga {plural} (antal)",
    }


def strengths_and_weaknesses(categories: Sequence[dict[str, Any]], k: int = 3) -> tuple[list, list]:
    """The ``k`` strongest and ``k`` weakest categories (relative to each other).

    Uses the mart's ``is_strength``/``is_weakness`` flags when any category has one, else
    ranks by category_index (ties by model order). Strongest first / weakest first.
    Categories without a value are left out (domain doc, "The tool's analysis").
    """
    valued = [c for c in categories if c["value"] is not None]
    if any(c.get("is_strength") is not None or c.get("is_weakness") is not None for c in valued):
        strengths = sorted((c for c in valued if c.get("is_strength")), key=lambda c: -c["value"])
        weaknesses = sorted((c for c in valued if c.get("is_weakness")), key=lambda c: c["value"])
        return strengths, weaknesses
    ordered = sorted(valued, key=lambda c: -c["value"])
    k = min(k, len(ordered) // 2) if len(ordered) < 2 * k else k
    return ordered[:k], list(reversed(ordered[-k:])) if k else []


def _group_table(
    table: Table | None,
    rows: list[Row],
    name_cols: Sequence[str],
    code_col: str,
    min_n: int,
    label_header: str,
) -> dict[str, Any] | None:
    """Rows of a target-group or department table as header + formatted cells, sorted by label."""
    if table is None or not rows:
        return None
    index_cols = [
        c for c in ("maturity_index", "capability_index", "legacy_index") if c in table.columns
    ]
    headers = [label_header, "Svarande"] + [INDEX_LABELS_SV[c] for c in index_cols]
    has_dk = "dont_know_share" in table.columns
    if has_dk:
        headers.append("Andel ”vet ej”")
    body = []
    for r in sorted(rows, key=lambda r: _label(r, table, name_cols, code_col)):
        # The row as a whole is hidden only for its own reasons (the group's flag and reason,
        # withholding, too few respondents); a single hidden index says why in its own cell.
        group_row = {
            k: v
            for k, v in r.items()
            if not (k.endswith("_index_suppressed") or k.endswith("_suppression_reason"))
        }
        hidden = suppression_text(group_row, min_n)
        label = _label(r, table, name_cols, code_col)
        if hidden:
            # counts describe participation and are never hidden (domain doc, "Privacy"):
            # the count stays, the reason takes the first hidden cell, the others show ".."
            cells = [format_int(r.get("respondents")), hidden]
            cells += ["" for _ in index_cols[1:]] + ([""] if has_dk else [])
            body.append({"label": label, "cells": cells, "suppressed": True})
            continue
        cells = [format_int(r.get("respondents"))] + [
            index_suppression_text(r, c, min_n) or _with_interval(r, c) for c in index_cols
        ]
        if has_dk:
            cells.append(format_percent(r.get("dont_know_share"), missing="–"))
        body.append({"label": label, "cells": cells, "suppressed": False})
    return {"headers": headers, "rows": body}


def _response_rate_table(data: SnapshotData, code: str, year: int) -> dict[str, Any] | None:
    table = data.optional["response_rates"]
    rows = data.rows_for("response_rates", code, year)
    if not rows:
        return None
    rate_col = "response_rate"
    body = []
    names = ("target_group_name_sv",)
    # Counts and rates describe participation, not answers: they are shown for every group,
    # as in the published response_rates table and the council's report (domain doc,
    # Privacy: the 5-respondent rule protects what people answered).
    for r in sorted(rows, key=lambda r: _label(r, table, names, "target_group")):
        rate = None if rate_col is None else r.get(rate_col)
        status = str(r.get("rate_status") or "").lower()
        rate_text = "okänd" if status == "unknown" or is_missing(rate) else format_percent(rate)
        body.append(
            {
                "label": _label(r, table, names, "target_group"),
                "invited": format_int(r.get("invited"), missing="okänt"),
                "respondents": format_int(r.get("respondents")),
                "rate": rate_text,
            }
        )
    return {"rows": body}


def _response_rate_series(data: SnapshotData, code: str, year: int) -> list[dict[str, Any]]:
    """Response rate (0–1, None when unknown) per target group, in label order, for charts."""
    table = data.optional.get("response_rates")
    rows = data.rows_for("response_rates", code, year)
    if table is None or not rows:
        return []
    names = ("target_group_name_sv",)
    out = []
    for r in sorted(rows, key=lambda r: _label(r, table, names, "target_group")):
        rate = r.get("response_rate")
        unknown = str(r.get("rate_status") or "").lower() == "unknown" or is_missing(rate)
        out.append({"label": _label(r, table, names, "target_group"),
                    "rate": None if unknown else float(rate)})
    return out


def _dont_know_group_series(data: SnapshotData, code: str, year: int) -> list[dict[str, Any]]:
    """"Vet ej" share (0–1) per target group from ``dont_know_by_target_group``, in label
    order; ``share`` is None and ``hidden`` says why when the counts are suppressed."""
    table = data.optional.get("dont_know_by_target_group")
    rows = data.rows_for("dont_know_by_target_group", code, year)
    if table is None or not rows:
        return []
    names = ("target_group_name_sv",)
    out = []
    for r in sorted(rows, key=lambda r: _label(r, table, names, "target_group")):
        share = r.get("dont_know_share")
        hidden = r.get("counts_suppressed") is True or is_missing(share)
        out.append({
            "label": _label(r, table, names, "target_group"),
            "share": None if hidden else float(share),
            "hidden": f"färre än {data.min_cell_respondents} svar" if hidden else None,
        })
    return out


def _dont_know_items(
    data: SnapshotData, code: str, year: int, version: str | None, top: int = 5
) -> list | None:
    rows = data.rows_for("dont_know_by_item", code, year)
    if not rows:
        return None
    share_col = "dont_know_share"
    count_col = "dont_know_answers"

    def enough(r: Row) -> bool:
        # the item's answers (scored + "vet ej") describe at least min_n respondents
        if "answered_answers" not in r or count_col is None:
            return True
        total = (r.get("answered_answers") or 0) + (r.get(count_col) or 0)
        return total >= data.min_cell_respondents

    ranked = sorted(
        (
            r
            for r in rows
            if share_col and not is_missing(r.get(share_col)) and r.get(share_col) > 0 and enough(r)
        ),
        key=lambda r: (-float(r[share_col]), str(r.get("item_code"))),
    )[:top]
    out = []
    for r in ranked:
        item = str(r.get("item_code"))
        text = (
            r.get("item_text_sv")
            or data.item_texts.get((str(r.get("instrument_version") or version), item))
            or data.item_texts.get(("", item), "")
        )
        out.append(
            {
                "item_code": item,
                "text": text,
                "share": format_percent(r[share_col]),
                "count": format_int(r.get(count_col)) if count_col else "",
            }
        )
    return out


def _rank_range_text(row: Row) -> str:
    """The places among the county's organisations that the maturity interval allows
    (``county_rank_best``–``county_rank_worst``), e.g. ``"plats 4–8 av 14"``; empty without."""
    best, worst, n = (
        row.get("county_rank_best"),
        row.get("county_rank_worst"),
        row.get("county_ranked_organisations"),
    )
    if is_missing(best) or is_missing(worst) or is_missing(n):
        return ""
    places = f"plats {int(best)}" if best == worst else f"plats {int(best)}–{int(worst)}"
    return f"{places} av {int(n)}"


def _category_trend(data: SnapshotData, code: str, years: Sequence[int]) -> dict[str, Any] | None:
    """Category index per year (rows: categories in model order; columns: years) with a
    ``*`` where the category's items changed from the previous measurement (a version break:
    the two years are not strictly comparable)."""
    if len(years) < 2:
        return None
    rows = []
    any_break = False
    for cat_code, cat_name, _dim in data.category_order:
        cells = []
        name = cat_name
        for y in years:
            r = next(
                (c for c in data.categories.get((code, y), []) if c.get("category_code") == cat_code),
                None,
            )
            if r is None:
                cells.append("–")
                continue
            name = r.get("category_name_sv") or name
            if r.get("results_withheld") is True and not r.get("withheld_reason"):
                # the category marts carry the withholding, the organisation's row its reason
                r = {**r, "withheld_reason": (_org_year(data, code, y) or {}).get("withheld_reason")}
            hidden = suppression_text(r, data.min_cell_respondents)
            text = hidden or format_number(r.get("category_index"))
            if r.get("category_items_changed") is True:
                text += " *"
                any_break = True
            cells.append(text)
        rows.append({"name": name, "cells": cells})
    return {"years": list(years), "rows": rows, "version_break": any_break}


def _weighting(data: SnapshotData, code: str, year: int) -> dict[str, str] | None:
    """The maturity index weighted by the invited target-group mix
    (``maturity_by_organisation_weighted``) beside the published one, when the snapshot has
    it and the organisation-year was weighted; else None."""
    table = data.optional.get("maturity_by_organisation_weighted")
    if table is None:
        return None
    row = next(
        (r for r in table.rows
         if r["organisation_code"] == code and int(r["survey_year"]) == year),
        None,
    )  # fmt: skip
    if row is None or row.get("weighting_status") != "weighted":
        return None
    if is_missing(row.get("maturity_index_weighted")):
        return None
    return {
        "value": format_number(row["maturity_index_weighted"]),
        "difference": format_signed(row.get("maturity_index_weighting_difference")),
        "interval": format_interval(
            row.get("maturity_index_weighted_ci_lower"), row.get("maturity_index_weighted_ci_upper")
        ),
    }


def organisation_view(data: SnapshotData, org: Row) -> dict[str, Any]:
    """Everything one organisation's page and slide deck show, for its latest year.

    The year is the county's latest year when the organisation has results for it, else the
    organisation's own latest year (``year_note`` says so). Charts: quadrant position among
    all organisations, spider chart against the county mean, trend with intervals. ``place``
    is the snapshot's :class:`~pipelines.reports.data.Population` (the words for the county).
    """
    code = org["organisation_code"]
    by_year = data.org_years.get(code, {})
    year = data.latest_year if data.latest_year in by_year else max(by_year)
    year_note = (
        ""
        if year == data.latest_year
        else (f"Organisationen har inga resultat för {data.latest_year}; sidan visar {year}.")
    )
    row = by_year[year]
    hidden = suppression_text(row, data.min_cell_respondents)
    min_n = data.min_cell_respondents
    salt = safe_code(code)

    national = national_reference(data, year)
    peers = peer_group_reference(data, code, year)
    national_codes = {"maturity_index": "maturity", "capability_index": "capability",
                      "legacy_index": "legacy"}  # fmt: skip
    key_figures = []
    for col in ("maturity_index", "capability_index", "legacy_index"):
        key_figures.append(
            {
                "label": INDEX_LABELS_SV[col],
                "value": hidden or format_number(row.get(col)),
                "interval": ""
                if hidden
                else format_interval(
                    row.get(f"{col}_ci_lower"),
                    row.get(f"{col}_ci_upper"),
                    against={
                        "capability_index": (data.capability_cut,),
                        "legacy_index": (data.legacy_cut,),
                    }.get(col, ()),
                ),
                "main": col == "maturity_index",
                "national_text": (national.get(national_codes[col]) or {}).get("text", ""),
                "peer_group_text": (peers.get(national_codes[col]) or {}).get("text", ""),
            }
        )

    quadrant = None
    letter = None if hidden else row.get("quadrant")
    if letter:
        q = data.quadrant_types.get(letter) or {}
        quadrant = {
            "letter": letter,
            "name": q.get("quadrant_name_sv") or f"Typ {letter}",
            "levels": ", ".join(
                x if i == 0 else x[:1].lower() + x[1:]
                for i, x in enumerate(
                    y for y in (q.get("capability_level_sv"), q.get("legacy_level_sv")) if y
                )
            ),
            "description": q.get("quadrant_description_sv") or q.get("description_sv") or "",
        }

    points = [point for other, point in _positions(data, year) if other != code]
    if not hidden:
        points.append(
            (org["short_name"], _value(row, "capability_index"), _value(row, "legacy_index"), True)
        )
    cells = _position_cells(data, year)
    quadrant_chart = charts.quadrant_chart(
        points,
        capability_cut=data.capability_cut,
        legacy_cut=data.legacy_cut,
        quadrant_names=_quadrant_names(data),
        cells=cells,
        salt=f"q-{salt}",
        title=f"{org['short_name']} bland {data.population.genitive} organisationer {year}",
    )

    categories = _categories_view(data, code, year)
    strengths, weaknesses = strengths_and_weaknesses(categories)
    # what the categories are compared with, the same in the page's chart and the deck's:
    # the other organisations of the same type, else the population's mean
    radar_comparison = {
        "values": [c["peer"] if c["peer"] is not None else c["county"] for c in categories],
        "label": (
            f"Övriga {TYPE_PLURALS_SV.get(str(row.get('organisation_type') or ''), 'organisationer')}"
            if any(c["peer"] is not None for c in categories)
            else data.population.mean
        ),
    }
    radar = None
    if categories and any(c["value"] is not None for c in categories):
        radar = charts.radar_chart(
            [c["name"] for c in categories],
            [c["value"] for c in categories],
            radar_comparison["values"],
            label=org["short_name"],
            county_label=radar_comparison["label"],
            salt=f"r-{salt}",
        )

    years = sorted(by_year)
    trend_rows = []
    versions = []
    for y in years:
        r = by_year[y]
        h = suppression_text(r, min_n)
        versions.append(r.get("instrument_version"))
        trend_rows.append(
            {
                "year": y,
                "preliminary": data.is_preliminary(y),
                "mark": data.year_mark(y),
                **_maturity_cells(r, h),
                "county": format_number(county_maturity_mean(data, y)),
                "respondents": format_int(r.get("respondents")),
                "response_rate": format_percent(r.get("response_rate")),
                "version": r.get("instrument_version") or "",
                "change": None if h else _change(r, data),
                "change_gap": change_gap_text(data, r),
                "council_decision": council_decision_text(r),
            }
        )
    shown_rows = [by_year[y] if _shown(data, by_year[y]) else None for y in years]
    trend = charts.trend_chart(
        years,
        [_value(r, "maturity_index") for r in shown_rows],
        [_value(r, "maturity_index_ci_lower") for r in shown_rows],
        [_value(r, "maturity_index_ci_upper") for r in shown_rows],
        [county_maturity_mean(data, y) for y in years],
        label=org["short_name"],
        preliminary=[data.is_preliminary(y) for y in years],
        version_breaks=[y for i, y in enumerate(years) if i and versions[i] != versions[i - 1]],
        salt=f"t-{salt}",
        county_label=data.population.mean,
    )

    tg_table = data.optional["maturity_by_target_group"]
    dep_table = data.optional["maturity_by_department"]
    return {
        "org": org,
        "place": data.population,
        "year": year,
        "year_note": year_note,
        "preliminary": data.is_preliminary(year),
        "mark": data.year_mark(year),
        "review": data.year_reviews.get(year),
        "hidden": hidden,
        "respondents": format_int(row.get("respondents")),
        "invited": format_count(row.get("invited"), "inbjuden", "inbjudna", missing="okänt"),
        "response_rate": format_percent(row.get("response_rate")),
        "response_rate_unknown": is_missing(row.get("response_rate")),
        "instrument_version": row.get("instrument_version") or "",
        "key_figures": key_figures,
        "change": None if hidden else _change(row, data),
        "change_gap": change_gap_text(data, row),
        "county_mean": format_number(county_maturity_mean(data, year)),
        "reference": same_type_reference(data, row, org, year),
        "national_sources": sorted({n["source"] for n in national.values() if n["source"]}),
        "peer_group": next((p["group"] for p in peers.values() if p["group"]), ""),
        "quadrant_uncertain": not hidden and row.get("is_quadrant_uncertain") is True,
        "weakness_set_uncertain": any(c["weakness_set_uncertain"] for c in categories),
        "council_decision": council_decision_text(row),
        "low_response_rate": "response_rate" in str(row.get("quality_warnings") or "")
        and council_decision_text(row) is None,
        "weighting": None if hidden else _weighting(data, code, year),
        "rank_range": _rank_range_text(row),
        "category_trend": _category_trend(data, code, years),
        "factors": _factors_view(data, code, year),
        "quadrant": quadrant,
        "categories": categories,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "trend_rows": trend_rows,
        "target_groups": _group_table(
            tg_table,
            data.rows_for("maturity_by_target_group", code, year),
            ("target_group_name_sv",),
            "target_group",
            min_n,
            "Målgrupp",
        ),
        "departments": _group_table(
            dep_table,
            data.rows_for("maturity_by_department", code, year),
            ("department",),
            "department",
            min_n,
            "Förvaltning",
        ),
        "response_rates": _response_rate_table(data, code, year),
        "dont_know_items": None
        if hidden
        else _dont_know_items(data, code, year, row.get("instrument_version")),
        "charts": {"quadrant": quadrant_chart, "radar": radar, "trend": trend},
        "quadrant_caption": _quadrant_caption(data, bool(cells)),
        "series": {
            "quadrant_points": points,
            "quadrant_cells": cells,
            "trend": {
                "years": years,
                "values": [_value(r, "maturity_index") for r in shown_rows],
                "lower": [_value(r, "maturity_index_ci_lower") for r in shown_rows],
                "upper": [_value(r, "maturity_index_ci_upper") for r in shown_rows],
                "county": [county_maturity_mean(data, y) for y in years],
                "preliminary": [data.is_preliminary(y) for y in years],
                "marks": [data.year_mark(y) for y in years],
                "hidden": [suppression_text(by_year[y], min_n) for y in years],
                "withheld": [withheld_text(by_year[y]) for y in years],
                "decided": [council_decision_text(by_year[y]) for y in years],
            },
            "radar_comparison": radar_comparison,
            "response_rates": _response_rate_series(data, code, year),
            "dont_know_groups": _dont_know_group_series(data, code, year),
        },
        "reading_note": READING_NOTE_SV,
        "nonresponse_note": NONRESPONSE_NOTE_SV,
        "scale_note": SCALE_NOTE_SV,
        "uncertain_type": UNCERTAIN_TYPE_SV,
        "uncertain_type_note": UNCERTAIN_TYPE_NOTE_SV,
        "min_n": min_n,
        "taken_care_of": organisation_section(data, code, year),
    }


# --------------------------------------------------------------------------- county overview


def _county_summary_rows(data: SnapshotData) -> list[dict[str, Any]] | None:
    """One formatted row per year from ``county_summary`` (mean, median, spread, types)."""
    table = data.optional["county_summary"]
    if not table.rows:
        return None
    rows = []
    for r in sorted(table.rows, key=lambda r: r.get("survey_year") or 0):
        year = r.get("survey_year")
        low, high = r.get("maturity_index_min"), r.get("maturity_index_max")
        rows.append(
            {
                "year": year,
                "preliminary": data.is_preliminary(year) if year is not None else False,
                "mark": data.year_mark(year) if year is not None else "",
                "organisations": format_int(r["organisations_with_index"]),
                "respondents": format_int(r.get("respondents")),
                "mean": format_number(r.get("maturity_index_mean")),
                "median": format_number(r.get("maturity_index_median")),
                "stddev": format_number(r.get("maturity_index_stddev")),
                "range": format_interval(low, high) or "–",
                "quadrants": [
                    format_int(r.get(f"quadrant_{q}_organisations"), missing="–") for q in "abcd"
                ],
            }
        )
    return rows


def response_rate_spread(rates: Sequence[float | None], warn_below: float) -> dict[str, Any]:
    """The organisations' response rates of one year (shares 0–1; ``None`` where a rate is
    unknown, e.g. invitations by a shared link) summarised, formatted: ``known`` (how many
    rates are known), their ``median`` and quartiles ``lower`` and ``upper`` (interpolated
    between the sorted rates, as DuckDB's ``median``/``quantile_cont`` and
    ``county_summary``'s median; a single rate is all three), ``below`` (how many are below
    ``warn_below``, the council's warning level) and ``unknown`` (how many are not known).
    Without a known rate the median and quartiles are "–"."""
    known = sorted(float(rate) for rate in rates if not is_missing(rate))
    if len(known) > 1:
        lower, _, upper = statistics.quantiles(known, n=4, method="inclusive")
    else:
        lower = upper = known[0] if known else None
    return {
        "known": format_int(len(known)),
        "median": format_percent(statistics.median(known), missing="–") if known else "–",
        "lower": format_percent(lower, missing="–"),
        "upper": format_percent(upper, missing="–"),
        "below": format_int(sum(rate < warn_below for rate in known)),
        "unknown": format_int(len(rates) - len(known)),
    }


def _response_rate_summary(data: SnapshotData) -> dict[str, Any]:
    """Per year, the response rates the table "Svarsfrekvens per år" shows (each
    organisation's ``maturity_by_organisation.response_rate``, for the organisations with a
    row that year) summarised by :func:`response_rate_spread`, against the council's warning
    level (dbt var ``quality_thresholds.response_rate.warn_below``): ``{"warn_below": "50 %",
    "years": [{"year", "mark", **spread}]}``. What the county report PDF shows in place of
    the table above county scale."""
    warn_below = float(dbt_project_vars()["quality_thresholds"]["response_rate"]["warn_below"])
    years = []
    for year in data.years:
        rates = [by_year[year].get("response_rate") for by_year in
                 (data.org_years.get(org["organisation_code"], {}) for org in data.organisations)
                 if year in by_year]
        years.append({"year": year, "mark": data.year_mark(year),
                      **response_rate_spread(rates, warn_below)})
    return {"warn_below": format_threshold(warn_below), "years": years}


def overview_relinked(view: dict[str, Any], org_files: Mapping[str, str]) -> dict[str, Any]:
    """The overview ``view`` (:func:`overview_view`) with its rows linked by ``org_files``
    instead (organisation code to where its results are: a page's path for the HTML
    overview, an anchor in the county report PDF): equal to ``overview_view`` called with
    ``org_files``, without drawing its charts again. The charts are shared, not copied."""
    return {**view, "rows": [{**row, "href": org_files.get(row["org"]["organisation_code"])}
                             for row in view["rows"]]}


def overview_view(data: SnapshotData, org_files: dict[str, str]) -> dict[str, Any]:
    """The county overview for the latest year and the trend over all years.

    ``org_files`` maps organisation code to the page's path relative to the overview;
    ``place`` is the snapshot's :class:`~pipelines.reports.data.Population`. A row's
    ``council_decision`` (the latest year), its ``decided_years`` and the list
    ``council_decisions`` (``{"organisation", "year",
    "text"}``, every year) say where results are published by the council's decision
    (:func:`council_decision_text`), so the overview and the county PDF mark them as the
    organisation's page does.
    """
    year = data.latest_year
    min_n = data.min_cell_respondents
    years = data.years
    year_headers = [{"year": y, "preliminary": data.is_preliminary(y), "mark": data.year_mark(y)}
                    for y in years]

    rows = []
    council_decisions = []  # every organisation-year published by the council's decision
    labels, values, lowers, uppers, missing = [], [], [], [], []
    points = []
    quadrant_counts = {letter: 0 for letter in "ABCD"}
    for org in data.organisations:
        code = org["organisation_code"]
        r = _org_year(data, code, year)
        hidden = suppression_text(r, min_n) if r is not None else "inga svar"
        labels.append(org["short_name"])
        values.append(None if hidden else _value(r, "maturity_index"))
        lowers.append(None if hidden else _value(r, "maturity_index_ci_lower"))
        uppers.append(None if hidden else _value(r, "maturity_index_ci_upper"))
        missing.append(hidden or "–")
        if not hidden:
            points.append(
                (org["short_name"], _value(r, "capability_index"), _value(r, "legacy_index"), False)
            )
            if r.get("quadrant") in quadrant_counts:
                quadrant_counts[r["quadrant"]] += 1
        by_year = data.org_years.get(code, {})
        decided = [
            {"organisation": org["organisation_name"], "year": y, "text": council_decision_text(ry)}
            for y, ry in sorted(by_year.items()) if council_decision_text(ry)
        ]  # fmt: skip
        trend_cells, rate_cells = [], []
        for y in years:
            ry = by_year.get(y)
            if ry is None:
                trend_cells.append("–")
                rate_cells.append("–")
                continue
            hy = suppression_text(ry, min_n)
            trend_cells.append(hy or format_number(ry.get("maturity_index")))
            rate_cells.append(format_percent(ry.get("response_rate")))
        rows.append(
            {
                "org": org,
                "href": org_files.get(code),
                **_maturity_cells(r, hidden),
                "capability": "" if hidden else format_number(r.get("capability_index")),
                "legacy": "" if hidden else format_number(r.get("legacy_index")),
                "quadrant": "" if hidden else (r.get("quadrant") or "–"),
                "respondents": format_int(r.get("respondents")) if r is not None else "–",
                "response_rate": format_percent(r.get("response_rate")) if r is not None else "–",
                "change": None if hidden else _change(r, data),
                "change_gap": None if hidden else change_gap_text(data, r),
                "trend_cells": trend_cells,
                "rate_cells": rate_cells,
                "council_decision": council_decision_text(r) if r is not None else None,
                "decided_years": [d["year"] for d in decided],
            }
        )
        council_decisions.extend(decided)

    county_mean = county_maturity_mean(data, year) if year is not None else None
    many = len(labels) > charts.MAX_BARS
    if many:
        bar = charts.distribution_chart(
            values, county_mean=county_mean, salt="overview-bar",
            title=f"Digital mognad {year}: organisationernas fördelning",
        )
    else:
        bar = charts.index_bar_chart(
            labels,
            values,
            lowers,
            uppers,
            county_mean=county_mean,
            missing_text=missing,
            salt="overview-bar",
            title=f"Digital mognad per organisation {year}",
            county_label=data.population.mean,
        )
    quadrant = charts.quadrant_chart(
        points,
        capability_cut=data.capability_cut,
        legacy_cut=data.legacy_cut,
        quadrant_names=_quadrant_names(data),
        salt="overview-quadrant",
        others_colour=charts.ORG_COLOUR,
        title=f"{data.population.genitive.capitalize()} organisationer {year}: digital förmåga "
        "och digitalt arv",
    )
    panels = []
    for org in data.organisations:
        by_year = data.org_years.get(org["organisation_code"], {})
        ys = sorted(by_year)
        panels.append(
            (
                org["short_name"],
                ys,
                [
                    _value(by_year[y], "maturity_index") if _shown(data, by_year[y]) else None
                    for y in ys
                ],
            )
        )
    if len(panels) > charts.MAX_PANELS:
        by_year_values = {y: [] for y in years}
        for _name, ys, vals in panels:
            for y, v in zip(ys, vals, strict=True):
                if v is not None and y in by_year_values:
                    by_year_values[y].append(v)
        small = charts.spread_trend_chart(
            years,
            [by_year_values[y] for y in years],
            [county_maturity_mean(data, y) for y in years],
            salt="overview-trends",
            title="Digital mognad över åren: organisationernas median och spridning",
        )
    else:
        small = charts.small_multiples_chart(
            panels,
            (years, [county_maturity_mean(data, y) for y in years]),
            salt="overview-trends",
            title="Digital mognad över åren per organisation och "
            f"{data.population.mean.lower()}",
        )
    quadrant_types = [
        {
            "letter": letter,
            "name": (data.quadrant_types.get(letter) or {}).get("quadrant_name_sv")
            or f"Typ {letter}",
            "description": (data.quadrant_types.get(letter) or {}).get("quadrant_description_sv")
            or "",
            "count": quadrant_counts[letter],
        }
        for letter in "ABCD"
    ]
    county_trend = [
        {"year": y, "mean": format_number(county_maturity_mean(data, y))} for y in years
    ]
    county_summary = _county_summary_rows(data)
    return {
        "place": data.population,
        "year": year,
        "preliminary": data.is_preliminary(year) if year is not None else False,
        "mark": data.year_mark(year) if year is not None else "",
        "review": data.year_reviews.get(year) if year is not None else None,
        "years": year_headers,
        "rows": rows,
        "council_decisions": council_decisions,
        "county_mean": format_number(county_mean),
        "county_trend": county_trend,
        "county_summary": county_summary,
        "response_rates": _response_rate_summary(data),
        "quadrant_types": quadrant_types,
        "capability_cut": format_number(data.capability_cut, 0),
        "legacy_cut": format_number(data.legacy_cut, 0),
        "charts": {"bar": bar, "quadrant": quadrant, "trends": small},
        "distribution": many,
        "reading_note": READING_NOTE_SV,
        "nonresponse_note": NONRESPONSE_NOTE_SV,
        "scale_note": SCALE_NOTE_SV,
        "min_n": min_n,
        "exchange": exchange_view(data, year) if year is not None else None,
    }
