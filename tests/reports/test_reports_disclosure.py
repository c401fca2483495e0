"""Hidden group results in the reports say their true reason (macros/group_breakdown.sql).

The rows are those of the sample's Eksjö 2020 target groups (maturity_by_target_group): the
elected representatives (8 respondents) and top management (6) have a published capability
index, but one legacy category of each has only 4 usable scores, so their legacy and maturity
indices are hidden. The row itself must not say "färre än 5 svar".
"""

from __future__ import annotations

from pipelines.reports.data import Table
from pipelines.reports.views import _group_table, index_suppression_text

COLUMNS = [
    "organisation_code", "survey_year", "target_group", "target_group_name_sv", "respondents",
    "maturity_index", "capability_index", "legacy_index", "target_group_suppressed",
    "suppression_reason", "capability_index_suppressed", "legacy_index_suppressed",
    "maturity_index_suppressed", "capability_suppression_reason", "legacy_suppression_reason",
    "maturity_suppression_reason", "results_withheld",
]  # fmt: skip

CATEGORY = "a category with fewer than 5 usable scores"


def _row(group, name, n, maturity, capability, legacy, suppressed=False, reason=None,
         reasons=(None, None, None)):  # fmt: skip
    values = [
        "0686", 2020, group, name, n, maturity, capability, legacy, suppressed, reason,
        reasons[0] is not None, reasons[1] is not None, reasons[2] is not None, *reasons, False,
    ]  # fmt: skip
    return dict(zip(COLUMNS, values, strict=True))


ROWS = [
    _row("fortroendevalda", "Förtroendevalda", 8, None, 68.4003, None,
         reasons=(None, CATEGORY, CATEGORY)),  # fmt: skip
    _row("kommunledning", "Kommunledning", 6, None, 74.2, None, reasons=(None, CATEGORY, CATEGORY)),
    _row("strateger", "Strateger", 9, 63.2, 60.6, 65.9),
    _row("systemansvariga", "Systemansvariga", 3, None, None, None, True,
         "fewer than 5 respondents", ("fewer than 5 respondents",) * 3),  # fmt: skip
    _row("forvaltningsledning", "Förvaltningsledning", 10, None, None, None, False, None,
         ("complementary", "complementary", "complementary")),  # fmt: skip
]


def _table():
    table = Table("maturity_by_target_group", COLUMNS, ROWS)
    return _group_table(table, ROWS, ("target_group_name_sv",), "target_group", 5, "Målgrupp")


def test_index_hidden_through_a_category_says_so_and_the_row_is_shown():
    rows = {r["label"]: r for r in _table()["rows"]}
    # columns: respondents, maturity, capability, legacy
    assert rows["Förtroendevalda"]["cells"] == [
        "8", "färre än 5 svar i en kategori", "68,4", "färre än 5 svar i en kategori",
    ]  # fmt: skip
    assert rows["Förtroendevalda"]["suppressed"] is False
    assert rows["Kommunledning"]["cells"][:3] == ["6", "färre än 5 svar i en kategori", "74,2"]
    assert rows["Strateger"]["cells"] == ["9", "63,2", "60,6", "65,9"]


def test_small_group_and_complementary_reasons():
    """A hidden group keeps its respondent count (counts describe participation and are
    never hidden, domain doc "Privacy"); the reason stands in the first index cell and the
    other hidden cells show SCB's ".." (an empty cell)."""
    rows = {r["label"]: r for r in _table()["rows"]}
    assert rows["Systemansvariga"]["cells"] == ["3", "färre än 5 svar", "", ""]
    assert rows["Systemansvariga"]["suppressed"] is True
    assert rows["Förvaltningsledning"]["cells"][1:] == ["dold för att skydda en liten grupp"] * 3


def test_published_index_has_no_reason():
    assert index_suppression_text(ROWS[2], "legacy_index", 5) is None
    assert index_suppression_text(ROWS[0], "capability_index", 5) is None
    assert index_suppression_text(ROWS[0], "legacy_index", 5) == "färre än 5 svar i en kategori"
