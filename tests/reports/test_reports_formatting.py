"""Swedish number formatting, slugs and the suppression rule, with hand-written expectations."""

from __future__ import annotations

import pytest

from pipelines.reports.formatting import (
    format_count,
    format_datetime,
    format_int,
    format_interval,
    format_local_time,
    format_number,
    format_percent,
    format_percent_against,
    format_signed,
    format_threshold,
    safe_code,
    slugify,
)
from pipelines.reports.views import strengths_and_weaknesses, suppression_text

NBSP = "\u00a0"
MINUS = "\u2212"


def test_count_with_its_noun_in_the_right_number():
    assert format_count(1, "inbjuden", "inbjudna") == "1 inbjuden"
    assert format_count(1.0, "organisation", "organisationer") == "1 organisation"
    assert format_count(0, "organisation", "organisationer") == "0 organisationer"
    assert format_count(2, "inbjuden", "inbjudna") == "2 inbjudna"
    assert format_count(1234, "påstående", "påståenden") == f"1{NBSP}234 påståenden"
    assert format_count(None, "inbjuden", "inbjudna", missing="okänt") == "okänt inbjudna"


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (52.34, 1, "52,3"),
        (52.35, 1, "52,4"),  # half away from zero, as by hand (Python's round gives 52,3)
        (0.25, 1, "0,3"),
        (-1.25, 1, MINUS + "1,3"),
        (-0.04, 1, "0,0"),  # no "−0,0"
        (100, 1, "100,0"),
        (1234.5, 0, "1" + NBSP + "235"),
        (None, 1, "–"),
        (float("nan"), 1, "–"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_writes_what_babel_writes_with_the_swedish_pattern():
    """The same text as Babel's ``format_decimal`` with CLDR ``sv``'s pattern (decimals
    fixed, U+2212 for negatives) on the value rounded half up: zero, signs, rounding across
    a power of ten, grouping from four digits, large and tiny values, Decimals."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    from pipelines.reports.formatting import MINUS, round_half_up

    values = [0, -0.0, 0.04, -0.04, 0.05, -0.05, 9.95, 999.95, -999.95, 1234, -1234.5,
              12345678.9, 1e12, 1e-9, 0.285, Decimal("-0.005"), Decimal("1234.5")]
    for value in values + [i * 7.123 - 5000 for i in range(1500)]:
        for decimals in range(4):
            body = "#,##0" + ("." + "0" * decimals if decimals else "")
            expected = format_decimal(round_half_up(value, decimals), f"{body};{MINUS}{body}",
                                      locale="sv_SE")
            assert format_number(value, decimals) == expected, (value, decimals)
    assert format_number(-999.95, 1) == "\u22121\u00a0000,0"


def test_percent_signed_interval_int():
    assert format_percent(0.35) == "35" + NBSP + "%"
    assert format_percent(0.0) == "0" + NBSP + "%"  # a known zero is zero ...
    assert format_percent(None) == "okänd"  # ... an unknown rate is never 0 %
    assert format_percent(0.125, 1) == "12,5" + NBSP + "%"
    assert format_signed(3.0) == "+3,0"
    assert format_signed(-0.8) == MINUS + "0,8"
    assert format_signed(0.01) == "±0,0"
    assert format_interval(47.0, 57.64) == "47,0–57,6"
    assert format_interval(None, 57.6) == ""
    assert format_int(12) == "12" and format_int(None) == "–"


def test_interval_bounds_near_a_cut_or_zero_show_which_side_they_are_on():
    """A bound that would round onto a cut it does not reach gets the decimals it needs: the
    sample's Vetlanda 2020 capability interval 45.07-49.95 does not reach the type cut 50
    (the type is certain), so it must not read "45,1–50,0"; 44.42-50.03 reaches just past
    it. A change interval whose lower bound is -0.007 contains
    zero ("inom osäkerheten") and one at +0.043 does not ("säkerställd"); "0,0" hides that,
    and the separator follows the shown sign, not the unrounded one."""
    assert format_interval(45.073587895067384, 49.951435447603025, against=(50,)) == "45,1–49,95"
    assert format_interval(44.4232327281788, 50.03244492749886, against=(50,)) == "44,4–50,03"
    assert format_interval(40.0, 50.0, against=(50,)) == "40,0–50,0"  # exactly on the cut
    assert format_interval(45.0, 49.9996, against=(50,)) == "45,0–49,9996"
    assert format_interval(-0.007339429861702662, 14.1113, against=(0,)) == MINUS + "0,01 till 14,1"
    assert format_interval(0.042849138664369235, 11.18, against=(0,)) == "0,04–11,2"
    assert format_interval(0.0, 11.18, against=(0,)) == "0,0–11,2"
    # without a landmark: one decimal, and no " till " for a bound that shows as 0,0
    assert format_interval(-0.0073, 14.1113) == "0,0–14,1"
    assert format_interval(-4.5, 7.3) == MINUS + "4,5 till 7,3"


def test_slugs_and_codes():
    assert slugify("Jönköpings kommun") == "jonkopings-kommun"
    assert slugify("Region Jönköpings län") == "region-jonkopings-lan"
    assert slugify("<script>alert(1)</script>") == "script-alert-1-script"
    assert slugify("???") == "organisation"
    assert safe_code("0604") == "0604"
    assert safe_code("../06") == "___06"


def test_suppression_rule():
    """The marts' flags decide what is hidden and their suppression_reason why (the
    vocabulary of macros/disclosure_control.sql); a respondent count plays no part."""
    # an unflagged row is shown: the disclosure rule is dbt's, not re-checked here
    assert suppression_text({"respondents": 4}, 5) is None
    assert suppression_text({"is_suppressed": False, "suppression_reason": None}, 5) is None
    # a mart without a reason column (categories, factors): too few respondents
    assert suppression_text({"respondents": 9, "category_index_suppressed": True}, 5) == (
        "färre än 5 svar"
    )
    org = {"respondents": 9, "maturity_index_suppressed": True}
    reasons = {
        "fewer than 5 respondents": "färre än 5 svar",
        "a category with fewer than 5 usable scores": "färre än 5 svar i en kategori",
        "fewer than 5 respondents with a score": "färre än 5 svarande med värde",
        "complementary": "dold för att skydda en liten grupp",
    }
    for reason, text in reasons.items():
        assert suppression_text({**org, "suppression_reason": reason}, 5) == text
    # the threshold is configurable
    assert suppression_text({**org, "suppression_reason": "fewer than 3 respondents"}, 3) == (
        "färre än 3 svar"
    )
    with pytest.raises(ValueError, match="unknown suppression reason 'too small'"):
        suppression_text({**org, "suppression_reason": "too small"}, 5)


def test_strengths_and_weaknesses_are_relative():
    # all six high: the three lowest are still shown as weaknesses (domain doc)
    values = {"a": 91.0, "b": 88.0, "c": 95.0, "d": 90.0, "e": 89.5, "f": 97.0}
    cats = [{"name": k, "value": v} for k, v in values.items()]
    strong, weak = strengths_and_weaknesses(cats)
    assert [c["name"] for c in strong] == ["f", "c", "a"]
    assert [c["name"] for c in weak] == ["b", "e", "d"]
    # the mart's flags win over the ranking
    flagged = [dict(c, is_strength=c["name"] == "b", is_weakness=c["name"] == "f") for c in cats]
    strong, weak = strengths_and_weaknesses(flagged)
    assert [c["name"] for c in strong] == ["b"] and [c["name"] for c in weak] == ["f"]


def test_chart_labels_are_plain_text():
    """A "$" in a name is not math text (which would fail to parse or render as math), and
    markup in a name is XML-escaped inside the SVG."""
    from pipelines.reports.charts import quadrant_chart

    chart = quadrant_chart(
        [("$\\frac{1", 40.0, 60.0, True), ("<b>x</b>&", 70.0, 30.0, False)],
        capability_cut=50,
        legacy_cut=50,
        quadrant_names={},
        salt="t",
        title="Test",
    )
    assert "$\\frac{1" in chart.svg
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in chart.svg and "<b>" not in chart.svg


def test_withheld_results_say_why_not_too_few():
    """Mullsjö 2019 in the sample: 20 respondents, withheld for its response rate — the cell
    must not claim there were fewer than 5 answers."""
    row = {
        "respondents": 20,
        "maturity_index_suppressed": True,
        "results_withheld": True,
        "withheld_reason": "withheld by the quality checks: response_rate: observed 0.2128 "
        "(varning < 0.5; fel < 0.3)",
    }
    assert suppression_text(row, 5) == "ej publicerat (för låg svarsfrekvens)"
    both = {**row, "withheld_reason": "min_respondents: observed 3; response_rate: observed 0.1"}
    assert suppression_text(both, 5) == "ej publicerat (för låg svarsfrekvens, för få svarande)"
    assert suppression_text(
        {**row, "results_withheld": False, "suppression_reason": "fewer than 5 respondents with a score"}, 5
    ) == "färre än 5 svarande med värde"


# --- the council report's formatting, same module --------------------------------------


def test_percent_formatting_is_swedish_and_rounds_half_up():
    assert format_percent(0.24) == f"24{NBSP}%"
    assert format_percent(0.625) == f"63{NBSP}%"  # half up (Python's round gives 62)
    assert format_percent(0.125) == f"13{NBSP}%"
    assert format_percent(0.315, 1) == f"31,5{NBSP}%"
    assert format_percent(0.05, 1) == f"5,0{NBSP}%"
    assert format_percent(None) == "okänd"  # an unknown share is never 0 %
    assert format_percent(None, missing="–") == "–"
    assert format_percent(float("nan"), missing="okänd") == "okänd"
    # a rate just under the limit never shows as the limit itself
    assert format_percent_against(0.296, 0.30) == f"29,6{NBSP}%"
    assert format_percent_against(0.2999, 0.30) == f"29,99{NBSP}%"
    assert format_percent_against(0.24, 0.30) == f"24{NBSP}%"


def test_thresholds_with_the_decimals_they_need():
    assert format_threshold(0.3) == f"30{NBSP}%"
    assert format_threshold(0.29) == f"29{NBSP}%"  # 0.29 * 100 is 28.999999999999996
    assert format_threshold(0.325) == f"32,5{NBSP}%"
    assert format_threshold(0.1234) == f"12,34{NBSP}%"
    assert format_threshold(None) == "?"


def test_times_in_stockholm_in_swedish():
    # shown in Stockholm time: CET (UTC+1) in winter, CEST (UTC+2) in summer
    assert format_datetime("2026-03-02T09:15:00Z") == "2 mars 2026 kl. 10:15"
    assert format_datetime("2026-12-31T23:30:00+01:00") == "31 december 2026 kl. 23:30"
    assert format_datetime("2026-07-01T22:30:00Z") == "2 juli 2026 kl. 00:30"


def test_times_in_stockholm_for_the_english_cli():
    """mognad load's English lines: ISO date and time in Stockholm, the zone named."""
    assert format_local_time("2026-03-02T09:15:00Z") == "2026-03-02 10:15 (Europe/Stockholm)"
    assert format_local_time("2026-07-01T22:30:00Z") == "2026-07-02 00:30 (Europe/Stockholm)"
    assert format_local_time("not a time") == "not a time"
    assert format_local_time(None) == "-"
