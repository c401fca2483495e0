"""The columns of a handlingsplan (workbook sheet ``Åtgärder`` or a CSV file with the same
header), declared once: the template writes them, the register's validation reads them.

An action (domain doc, "After the measurement: results taken care of") belongs to one
organisation and answers one measurement year; it targets a category (optionally a factor),
was decided by a body on a date, has a responsible role or unit, a status, a due date and a
follow-up note. Category, factor and status values come from the dbt seeds
(``model_categories.csv``, ``model_factors.csv``, ``action_statuses.csv``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.settings import SEEDS_DIR

ACTION_ID = re.compile(r"(?P<code>\d{4})-(?P<year>\d{4})-(?P<number>\d{2,})")
"""The form of an action's id: the organisation's code, a measurement year and a number of
at least two digits (``0604-2020-07``; ``template.action_id`` writes it in every row of a
template). The register rejects a row whose id has another form or another organisation's
code: the id follows the action between loads, so a cell overwritten by other text must not
become one."""


@dataclass(frozen=True)
class ActionColumn:
    """One column of the action table.

    ``field``: the register's column name; ``header``: the Swedish header in the workbook and
    CSV; ``kind``: how the cell is read (``text``, ``code``, ``year``, ``category``,
    ``factor``, ``status``, ``date``); ``required``: an empty cell in a used row is an
    error; ``prefilled``: the template fills it in every row (a row whose other cells are
    all empty is an unused row); ``width``: column width in the template (characters);
    ``help``: the instruction shown in the template's "Läs mig" sheet."""

    field: str
    header: str
    kind: str
    required: bool
    prefilled: bool
    width: int
    help: str


ACTION_COLUMNS: tuple[ActionColumn, ...] = (
    ActionColumn("action_id", "Åtgärds-id", "text", True, True, 16,
                 "Ifyllt i mallen. Ändra inte: id:t följer åtgärden mellan åren."),
    ActionColumn("organisation_code", "Organisationskod", "code", True, True, 14,
                 "Ifyllt i mallen: organisationens kod hos SCB (fyra siffror, som text)."),
    ActionColumn("survey_year", "Mätår", "year", True, True, 9,
                 "Den mätning som åtgärden svarar på (ett år som har lästs in)."),
    ActionColumn("action", "Åtgärd", "text", True, False, 48,
                 "Vad som ska göras, kort och konkret."),
    ActionColumn("category", "Kategori", "category", True, False, 16,
                 "Den kategori åtgärden riktar sig mot (välj i listan)."),
    ActionColumn("factor", "Faktor", "factor", False, False, 34,
                 "Valfritt: en faktor inom kategorin (välj i listan)."),
    ActionColumn("decided_by", "Beslutat av", "text", True, False, 24,
                 "Det organ som fattade beslutet, t.ex. kommunstyrelsen eller ledningsgruppen."),
    ActionColumn("decided_on", "Beslutsdatum", "date", True, False, 13,
                 "Datum för beslutet (ÅÅÅÅ-MM-DD). Måste ligga efter mätningen."),
    ActionColumn("responsible", "Ansvarig funktion eller enhet", "text", True, False, 26,
                 "En roll eller enhet, t.ex. digitaliseringsstrateg eller IT-enheten – inte en persons namn."),
    ActionColumn("status", "Status", "status", True, False, 12,
                 "planerad, pågår, genomförd eller avbruten (välj i listan)."),
    ActionColumn("due_date", "Klart senast", "date", False, False, 13,
                 "Valfritt: när åtgärden ska vara genomförd (ÅÅÅÅ-MM-DD)."),
    ActionColumn("follow_up_note", "Uppföljning", "text", False, False, 40,
                 "Valfritt: kort anteckning om hur arbetet går. Publiceras inte."),
)
"""The action table's columns, in the order of the workbook and the CSV."""

ACTIONS_SHEET = "Åtgärder"
"""The sheet holding the action table (header in row 1)."""

README_SHEET = "Läs mig"
"""The instruction sheet: how to fill in the table, the weakest categories and recommendations."""

LISTS_SHEET = "Listor"
"""The (hidden) sheet holding the drop-down lists' values."""

TEMPLATE_SHEETS = (README_SHEET, ACTIONS_SHEET, LISTS_SHEET)
"""Every sheet of a handlingsplan workbook; a workbook with any other sheet is rejected."""

CSV_DELIMITER = ";"
"""Delimiter of an action CSV (Swedish Excel's "CSV UTF-8 (kommaavgränsad)" writes ``;``)."""


def headers() -> tuple[str, ...]:
    return tuple(c.header for c in ACTION_COLUMNS)


def _seed_rows(name: str, seeds_dir: Path) -> list[dict[str, str]]:
    with (seeds_dir / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Vocabulary:
    """The values a handlingsplan may use, from the dbt seeds.

    ``categories``: ``[(code, Swedish name)]`` in the model's order; ``factors``:
    ``[(code, category code, Swedish name)]`` in order; ``statuses``: the status codes in
    order (lower-case Swedish, e.g. ``pågår``); ``organisations``: ``{code: name}``."""

    categories: tuple[tuple[str, str], ...]
    factors: tuple[tuple[str, str, str], ...]
    statuses: tuple[str, ...]
    organisations: dict[str, str]

    def category_code(self, value: str) -> str | None:
        """The category code for a cell value: the Swedish name or the code, exactly (case
        and surrounding spaces ignored); None when it is neither."""
        wanted = value.strip().casefold()
        for code, name in self.categories:
            if wanted in (code.casefold(), name.casefold()):
                return code
        return None

    def factor(self, value: str) -> tuple[str, str] | None:
        """``(factor code, category code)`` for a cell value (Swedish name or code, as
        ``category_code``); None when it is neither."""
        wanted = value.strip().casefold()
        for code, category, name in self.factors:
            if wanted in (code.casefold(), name.casefold()):
                return code, category
        return None


@cache
def _vocabulary(seeds_dir: str) -> Vocabulary:
    folder = Path(seeds_dir)
    categories = sorted(_seed_rows("model_categories", folder), key=lambda r: int(r["sort_order"]))
    category_order = {r["category_code"]: i for i, r in enumerate(categories)}
    factors = sorted(
        _seed_rows("model_factors", folder),
        key=lambda r: (category_order.get(r["category_code"], 99), int(r["sort_order"])),
    )
    statuses = sorted(_seed_rows("action_statuses", folder), key=lambda r: int(r["sort_order"]))
    return Vocabulary(
        categories=tuple((r["category_code"], r["category_name_sv"]) for r in categories),
        factors=tuple((r["factor_code"], r["category_code"], r["factor_name_sv"]) for r in factors),
        statuses=tuple(r["status"] for r in statuses),
        organisations={
            r["organisation_code"]: r["organisation_name"]
            for r in _seed_rows("organisations", folder)
        },
    )


def vocabulary(seeds_dir: Path = SEEDS_DIR) -> Vocabulary:
    """The categories, factors, statuses and organisations from the seeds (read once)."""
    return _vocabulary(str(seeds_dir))
