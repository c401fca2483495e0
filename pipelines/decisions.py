"""What the council decides when it signs off a year: the items, generated from the checks.

Digitaliseringsrådet signs off a survey year (pipelines/signoff.py) by deciding on each item
the year's quality checks raise (``quality_check_results`` of the published snapshot):

- ``withheld:<organisation_code>`` — one per organisation whose results the checks withhold
  (status ``fel`` in a check of the dbt var ``withholding_checks``: the rule of the dbt
  model ``int_withholding_failures``, :func:`failing_organisations`). Decision ``accept``
  (the results stay unpublished) or ``overrule`` with a reason: the organisation's results
  are then published (the sign-off log is a dbt source, ``stg_council__withholding_overrules``);
- ``<check>:varning`` — one per check with ``varning`` results (e.g. response rates of
  45–49 %, high "vet ej" shares, a structural rule that fired), naming what was flagged;
- ``response_rate:okänd`` — the organisations whose response rate cannot be known
  (invitations by link).

The last two are noted: their only decision is ``accept``. Items are listed in this order,
withheld organisations by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ACCEPT = "accept"
OVERRULE = "overrule"
DECISIONS = (ACCEPT, OVERRULE)

def withholding_checks() -> tuple[str, ...]:
    """The dbt var ``withholding_checks`` (:func:`pipelines.settings.dbt_project_vars`)."""
    from pipelines.settings import dbt_project_vars

    return tuple(dbt_project_vars()["withholding_checks"])


def failing_organisations(
    rows: Iterable[Mapping[str, Any]], withholding: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """Organisations the checks withhold, before any overrule: ``{organisation_code:
    [check_name, ...]}`` (codes and checks sorted) for the ``quality_check_results`` rows
    with status ``fel`` and an organisation in a check of ``withholding`` (default: the dbt
    var ``withholding_checks``). The same rule as the dbt model ``int_withholding_failures``,
    which the published tables' withholding and the council's mark of an overrule read; here
    on the published check rows, as the sign-off and the council report have them.
    ``varning`` and ``okänd`` rows withhold nothing."""
    withholding = tuple(withholding) if withholding is not None else withholding_checks()
    found: dict[str, set[str]] = {}
    for row in rows:
        if row["status"] == "fel" and row.get("organisation_code") and row["check_name"] in withholding:
            found.setdefault(row["organisation_code"], set()).add(row["check_name"])
    return {code: sorted(checks) for code, checks in sorted(found.items())}


@dataclass(frozen=True)
class DecisionItem:
    """One item the council decides on: ``key`` (stable, e.g. ``withheld:0642``), ``kind``
    (``withheld`` or ``note``), the Swedish ``title`` and ``subjects`` (organisations or
    items concerned, as shown), and for a withheld organisation its code and name."""

    key: str
    kind: str
    title: str
    subjects: tuple[str, ...]
    organisation_code: str | None = None
    organisation_name: str | None = None

    @property
    def choices(self) -> tuple[str, ...]:
        return DECISIONS if self.kind == "withheld" else (ACCEPT,)


NOTE_TITLES = {
    "response_rate": "Svarsfrekvens under varningsgränsen",
    "dont_know_share": "Hög andel ”vet ej”",
    "item_nonresponse": "Många obesvarade påståenden",
}
"""Titles of the noted warning items of the council's checks (other checks use their name)."""


def _subject(row: Mapping[str, Any]) -> str:
    if row.get("item_code"):
        return str(row["item_code"])
    name = row.get("organisation_name") or row.get("organisation_code")
    if not name:  # a check of the year's file as a whole (e.g. a duplicate dropped)
        return "hela mätåret"
    return str(name) + (f" ({row['target_group']})" if row.get("target_group") else "")


def decision_items(
    check_rows: Iterable[Mapping[str, Any]],
    *,
    check_titles: Mapping[str, str] | None = None,
    withholding: Sequence[str] | None = None,
) -> list[DecisionItem]:
    """The items of one year from its ``quality_check_results`` rows (dicts with
    ``check_name``, ``check_kind``, ``status``, ``organisation_code``, ``organisation_name``,
    ``target_group``, ``item_code``). ``check_titles``: Swedish names of the checks for the
    warning items; ``withholding``: the withholding checks (default: the dbt var)."""
    rows = list(check_rows)
    withholding = tuple(withholding) if withholding is not None else withholding_checks()
    titles = {**(check_titles or {}), **NOTE_TITLES}
    items: list[DecisionItem] = []
    failing = failing_organisations(rows, withholding)
    names = {r["organisation_code"]: r.get("organisation_name") or "" for r in rows
             if r.get("organisation_code") in failing}  # fmt: skip
    for code in sorted(failing, key=lambda c: (names.get(c) or c).casefold()):
        name = names.get(code) or ""
        items.append(
            DecisionItem(
                key=f"withheld:{code}",
                kind="withheld",
                title=f"Resultaten för {name or code} publiceras inte",
                subjects=tuple((check_titles or {}).get(c, c) for c in failing[code]),
                organisation_code=code,
                organisation_name=name or code,
            )
        )
    order = list(dict.fromkeys(r["check_name"] for r in rows))
    for check in order:
        flagged = [r for r in rows if r["check_name"] == check and r["status"] == "varning"]
        if flagged:
            items.append(
                DecisionItem(
                    key=f"{check}:varning",
                    kind="note",
                    title=titles.get(check, check),
                    subjects=tuple(_subject(r) for r in flagged),
                )
            )
    unknown = [
        r for r in rows
        if r["check_name"] == "response_rate" and r["status"] == "okänd"
        and not r.get("target_group")
    ]  # fmt: skip
    if unknown:
        items.append(
            DecisionItem(
                key="response_rate:okänd",
                kind="note",
                title="Okänd svarsfrekvens (inbjudan via delad länk)",
                subjects=tuple(_subject(r) for r in unknown),
            )
        )
    return items


class DecisionError(ValueError):
    """A decision that does not fit the year's items."""


def resolve_decisions(
    items: Sequence[DecisionItem], overrules: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Every item's decision as recorded in the sign-off log: ``accept``, except the
    withheld organisations in ``overrules`` (``{organisation_code: reason}``), which are
    ``overrule`` with their reason. Raises :class:`DecisionError` for an overrule of an
    organisation that is not withheld that year, or without a reason."""
    withheld = {i.organisation_code: i for i in items if i.kind == "withheld"}
    unknown = sorted(set(overrules) - set(withheld))
    if unknown:
        held = [f"{code} ({item.organisation_name})" for code, item in sorted(withheld.items())]
        raise DecisionError(
            f"--overrule gäller bara organisationer vars resultat undanhålls; "
            f"{', '.join(unknown)} undanhålls inte det här året. "
            + (f"Undanhållna: {', '.join(held)}." if held
               else "Inga resultat undanhålls det här året, så det finns inget att upphäva.")
        )
    out = []
    for item in items:
        reason = (overrules.get(item.organisation_code or "") or "").strip()
        if item.organisation_code in overrules and not reason:
            raise DecisionError(
                f"Ange rådets skäl för att publicera {item.organisation_name}s resultat: "
                f"--overrule {item.organisation_code}=SKÄL."
            )
        out.append(
            {
                "item": item.key,
                "decision": OVERRULE if reason else ACCEPT,
                "organisation_code": item.organisation_code,
                "reason": reason,
            }
        )
    return out
