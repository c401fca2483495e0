"""The council year page's table of Cronbach's alpha within each organisation
(marts.internal_consistency_by_organisation): values with their intervals in Swedish
decimals, SCB's ".." with the true reason where alpha is not published, municipalities
before the region, categories in the model's order."""

from __future__ import annotations

import pytest

from pipelines.reports.council import consistency_by_organisation_view

NBSP = "\u00a0"

ORGANISATIONS = [
    {"organisation_code": "1", "organisation_name": "Region Jönköpings län", "organisation_type": "region"},
    {"organisation_code": "0685", "organisation_name": "Vetlanda kommun", "organisation_type": "kommun"},
    {"organisation_code": "0604", "organisation_name": "Aneby kommun", "organisation_type": "kommun"},
]


def _row(org, category, name, alpha=None, lower=None, upper=None, reason=None, below=None):
    return {
        "organisation_code": org, "category_code": category, "category_name_sv": name,
        "cronbach_alpha": alpha, "cronbach_alpha_ci_lower": lower, "cronbach_alpha_ci_upper": upper,
        "suppression_reason": reason, "is_cronbach_alpha_below_threshold": below,
        "min_alpha_respondents": 30, "cronbach_alpha_suppressed": reason is not None,
    }


def test_cells_show_alpha_interval_or_the_reason():
    rows = [
        # teknik before effektivitet in input order; the model's order puts effektivitet first
        _row("0685", "teknik", "Teknik", 0.5786, 0.3251, 0.7514, below=True),
        _row("0685", "effektivitet", "Effektivitet", 0.7049, 0.5, 0.8125, below=False),
        _row("0604", "effektivitet", "Effektivitet",
             reason="fewer than 30 respondents behind a covariance"),
        _row("0604", "teknik", "Teknik", reason="fewer than 5 respondents"),
        _row("1", "effektivitet", "Effektivitet", reason="results withheld"),
        _row("1", "teknik", "Teknik", -0.0569, -0.52, 0.31, below=True),
    ]
    view = consistency_by_organisation_view(rows, ORGANISATIONS)
    assert view["categories"] == ["Effektivitet", "Teknik"]
    assert view["min_respondents"] == "30"
    assert (view["shown"], view["cells"]) == (3, 6)
    table = [(r["name"], [(c["text"], c["note"]) for c in r["cells"]])
             for r in view["rows"]]
    assert table == [
        ("Aneby kommun", [("..", "färre än 30 svarande"), ("..", "färre än 5 svarande")]),
        ("Vetlanda kommun", [("0,70", "(0,50–0,81)"), ("0,58", "(0,33–0,75)")]),
        ("Region Jönköpings län", [("..", "ej publicerat"), ("−0,06", "(−0,52 till 0,31)")]),
    ]


def test_no_rows_no_table():
    assert consistency_by_organisation_view([], ORGANISATIONS) is None


def test_the_limits_come_from_the_rows_and_the_builds_disclosure_minimum():
    """The covariance limit is the row's min_alpha_respondents, the disclosure minimum the
    one the build used (passed in); a reason outside the mart's vocabulary is an error."""
    rows = [
        _row("0604", "teknik", "Teknik", reason="fewer than 3 respondents"),
        _row("0685", "teknik", "Teknik", reason="fewer than 30 respondents behind a covariance"),
    ]
    view = consistency_by_organisation_view(rows, ORGANISATIONS, 3)
    assert [r["cells"][0]["note"] for r in view["rows"]] == [
        "färre än 3 svarande", "färre än 30 svarande"]
    with pytest.raises(ValueError, match="unknown suppression_reason 'fewer than 3 respondents'"):
        consistency_by_organisation_view(rows, ORGANISATIONS, 5)
