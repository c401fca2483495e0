"""End-to-end tests of the dbt project: tiny raw Parquet -> ``dbt build`` -> assert marts.

Expected values are worked out by hand in the comments (domain doc, scoring method) or by
an independent computation in Python, never read back from the code under test.
"""

from __future__ import annotations

import csv
import math
import shutil
import statistics

import pytest
from index_estimators import dimension_weights, weighted_category_means
from tiny_build import (  # noqa: F401  (re-exported for the other dbt tests)
    DBT_PROJECT,
    TINY_ANSWERS,
    TINY_CODEBOOK,
    query,
    run_dbt_build,
    write_project_with_codebook,
    write_raw_year,
    write_tiny_project,
    write_tiny_raw,
)


@pytest.fixture(scope="module")
def tiny_raw(tmp_path_factory):
    """The tiny project and its raw years 2024 and 2025 (no dbt run)."""
    return write_tiny_raw(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def tiny_build(tiny_raw):
    project, data_dir = tiny_raw
    run_dbt_build(project, data_dir, data_dir.parent)
    return data_dir


def test_category_indices_by_hand(tiny_build):
    rows = query(
        tiny_build,
        "select organisation_code, category_code, category_index, respondents, dont_know_share "
        "from marts.maturity_by_category where survey_year = 2024",
    )
    got = {(org, cat): (idx, n, dk) for org, cat, idx, n, dk in rows}
    # Aneby 0604, respondents' category scores (score = 25 * (x - 1); T2 reversed):
    #   eff: r1 (100+75)/2=87.5, r2 50, r3 (75+100)/2=87.5           -> 225/3 = 75, n 3
    #   inn: r1 50, r2 two "vet ej" -> 0 < 0.5*2 answered, dropped, r3 (100+75)/2=87.5
    #                                                             -> 137.5/2 = 68.75, n 2
    #   bal: r1 25 (1 answered >= 1, "vet ej" not scored), r2 75, r3 two blanks dropped
    #                                                             -> 50, n 2
    #   org: r1 75, r2 25 (O2 blank), r3 50                        -> 50, n 3
    #   anv: r1 100, r2 (50+75)/2=62.5, r3 (0+25)/2=12.5          -> 175/3, n 3
    #   tek: r1 (75 + T2=2 reversed 75)/2=75, r2 (25+25)/2=25, r3 (100+100)/2=100 -> 200/3
    # vet ej shares: inn 2 / (4 answered + 2) = 1/3; bal 1 / (3 + 1) = 0.25; eff 0.
    expected_aneby = {
        "effektivitet": (75.0, 3, 0.0),
        "innovation": (68.75, 2, 1 / 3),
        "balansering": (50.0, 2, 0.25),
        "organisation": (50.0, 3, 0.0),
        "anvandare": (175 / 3, 3, 0.0),
        "teknik": (200 / 3, 3, 0.0),
    }
    for cat, (idx, n, dk) in expected_aneby.items():
        got_idx, got_n, got_dk = got[("0604", cat)]
        assert got_idx == pytest.approx(idx), cat
        assert got_n == n, cat
        assert got_dk == pytest.approx(dk), cat
    # Gnosjö 0617: r4 capability items 2 -> 25, r5 capability items 3 -> 50 -> 37.5 each;
    # org (0+50)/2 = 25; anv (25+75)/2 = 50; tek r4 (0 + T2=5 reversed 0)/2 = 0, r5 50 -> 25.
    for cat, idx in {"effektivitet": 37.5, "innovation": 37.5, "balansering": 37.5,
                     "organisation": 25.0, "anvandare": 50.0, "teknik": 25.0}.items():
        assert got[("0617", cat)][0] == pytest.approx(idx), cat
        assert got[("0617", cat)][1] == 2
    assert len(rows) == 12


def test_maturity_by_organisation_by_hand(tiny_build):
    rows = query(
        tiny_build,
        "select organisation_code, organisation_name, respondents, invited, response_rate, "
        "capability_index, legacy_index, maturity_index, quadrant "
        "from marts.maturity_by_organisation where survey_year = 2024 order by organisation_code",
    )
    assert len(rows) == 2
    aneby, gnosjo = rows
    # Aneby: capability (75 + 68.75 + 50)/3 = 64.58333; legacy (50 + 175/3 + 200/3)/3 = 175/3;
    # maturity = mean of the two; both >= 50 -> D. Invited 10 + 5 by e-mail, 3 respondents.
    capability = (75 + 68.75 + 50) / 3
    legacy = (50 + 175 / 3 + 200 / 3) / 3
    assert aneby[:5] == ("0604", "Aneby kommun", 3, 15, pytest.approx(3 / 15))
    assert aneby[5] == pytest.approx(capability)
    assert aneby[6] == pytest.approx(legacy)
    assert aneby[7] == pytest.approx((capability + legacy) / 2)
    assert aneby[8] == "D"
    # Gnosjö: capability 37.5, legacy (25 + 50 + 25)/3 = 33.33 -> A; invited by link -> unknown.
    assert gnosjo[:5] == ("0617", "Gnosjö kommun", 2, None, None)
    assert gnosjo[5] == pytest.approx(37.5)
    assert gnosjo[6] == pytest.approx(100 / 3)
    assert gnosjo[7] == pytest.approx((37.5 + 100 / 3) / 2)
    assert gnosjo[8] == "A"


def test_marts_schema_holds_only_curated_tables(tiny_build):
    tables = {
        name
        for (name,) in query(
            tiny_build,
            "select table_name from information_schema.tables where table_schema = 'marts'",
        )
    }
    assert {
        "maturity_by_category",
        "maturity_by_organisation",
        "organisations",
        "instrument_items",
        "quadrant_types",
        "response_rates",
        "dont_know_by_item",
        "dont_know_by_target_group",
        "county_summary",
        "maturity_by_factor",
        "maturity_by_target_group",
        "maturity_by_department",
        "internal_consistency_by_category",
    } <= tables
    assert not [t for t in tables if t.startswith(("stg_", "int_", "mart_"))]


def test_build_with_real_codebook(tmp_path):
    """The committed seeds build and score: everyone answers 5 on every v2020 item, so a
    category's index is 100 * (non-reversed items) / (items) (reversed items score 0).
    A second organisation answered 2 of 10 invited (20 %, under the council's failing level
    30 %): dbt's response-rate check fails and its indices are withheld."""
    with (DBT_PROJECT / "seeds" / "instrument_items.csv").open(encoding="utf-8") as f:
        codebook = [r for r in csv.DictReader(f) if r["instrument_version"] == "v2020"]
    assert codebook, "no v2020 items in the codebook"
    expected: dict[str, float] = {}
    for category in {r["category_code"] for r in codebook}:
        items = [r for r in codebook if r["category_code"] == category]
        forward = sum(r["reverse_coded"] == "false" for r in items)
        expected[category] = 100 * forward / len(items)
    data_dir = tmp_path / "data"
    answers = [(rid, r["item_code"], 5) for rid in ("p1", "p2", "q1", "q2") for r in codebook]
    respondents = [
        ("p1", "0680", "strateger", "v2020"),
        ("p2", "0680", "kommunledning", "v2020"),
        ("q1", "0604", "strateger", "v2020"),
        ("q2", "0604", "strateger", "v2020"),
    ]
    invitations = [("0680", "strateger", 4, "email"), ("0604", "strateger", 10, "email")]
    write_raw_year(data_dir, 2021, answers, respondents, invitations)
    run_dbt_build(DBT_PROJECT, data_dir, tmp_path, withholding_checks=None)
    got = dict(
        query(
            data_dir,
            "select category_code, category_index from marts.maturity_by_category "
            "where organisation_code = '0680'",
        )
    )
    assert got == pytest.approx(expected)
    rows = query(
        data_dir,
        "select organisation_code, invited, response_rate, maturity_index is not null, "
        "results_withheld, withheld_reason, suppression_reason from marts.maturity_by_organisation "
        "order by organisation_code",
    )
    # 0604: withheld, indices null, the reason names the check; the response rate stays.
    assert rows[0][:5] == ("0604", 10, pytest.approx(0.2), False, True)
    assert rows[0][5] == (
        "withheld by the quality checks: response_rate: observed 0.2 (varning < 0.5; fel < 0.3)"
    )
    assert rows[0][6] == "results withheld"
    # 0680: kommunledning answered but was not invited: invited and response rate unknown.
    assert rows[1] == ("0680", None, None, True, False, None, None)
    withheld_categories = query(
        data_dir,
        "select count(*), count(category_index), bool_and(category_index_suppressed) "
        "from marts.maturity_by_category where organisation_code = '0604'",
    )
    assert withheld_categories == [(6, 0, True)]


def _interval(centre: float, scores: list[float], level: float = 0.95) -> tuple[float, float]:
    """Independent t-interval: centre -/+ t((1+level)/2, n-1) * stdev / sqrt(n), clipped."""
    from scipy import stats

    n = len(scores)
    half = stats.t.ppf((1 + level) / 2, n - 1) * statistics.stdev(scores) / math.sqrt(n)
    return max(0.0, centre - half), min(100.0, centre + half)


# Aneby 2024, the respondents' kept category scores (test_category_indices_by_hand); r2 has no
# innovation score, r3 no balansering score.
ANEBY_2024 = {
    "effektivitet": {"r1": 87.5, "r2": 50.0, "r3": 87.5},
    "innovation": {"r1": 50.0, "r3": 87.5},
    "balansering": {"r1": 25.0, "r2": 75.0},
    "organisation": {"r1": 75.0, "r2": 25.0, "r3": 50.0},
    "anvandare": {"r1": 100.0, "r2": 62.5, "r3": 12.5},
    "teknik": {"r1": 75.0, "r2": 25.0, "r3": 100.0},
}
DIMENSION_WEIGHTS = dimension_weights(
    {"capability": ["effektivitet", "innovation", "balansering"],
     "legacy": ["organisation", "anvandare", "teknik"]}
)


def _t_interval(centre: float, se: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """centre -/+ t((1+level)/2, n-1) * se, clipped to 0-100."""
    from scipy import stats

    half = stats.t.ppf((1 + level) / 2, n - 1) * se
    return max(0.0, centre - half), min(100.0, centre + half)


def test_confidence_intervals_by_independent_computation(tiny_build):
    # Category: Aneby effektivitet, kept scores 87.5, 50, 87.5 (see test_category_indices_by_hand).
    lower, upper = query(
        tiny_build,
        "select category_index_ci_lower, category_index_ci_upper from marts.maturity_by_category "
        "where organisation_code = '0604' and category_code = 'effektivitet' and survey_year = 2024",
    )[0]
    assert (lower, upper) == pytest.approx(_interval(75.0, [87.5, 50.0, 87.5]), abs=1e-5)
    # Organisation: the standard error of the mean of category means (delta method,
    # tests/index_estimators.py), over the 3 respondents.
    row = query(
        tiny_build,
        "select capability_index_ci_lower, capability_index_ci_upper, legacy_index_ci_lower, "
        "legacy_index_ci_upper, maturity_index_ci_lower, maturity_index_ci_upper, "
        "maturity_respondents, capability_index_standard_error, legacy_index_standard_error, "
        "maturity_index_standard_error from marts.maturity_by_organisation "
        "where organisation_code = '0604' and survey_year = 2024",
    )[0]
    for position, name in enumerate(("capability", "legacy", "maturity")):
        centre, se, n = weighted_category_means(ANEBY_2024, DIMENSION_WEIGHTS[name])
        assert n == 3
        assert row[7 + position] == pytest.approx(se, abs=1e-9), name
        assert row[2 * position: 2 * position + 2] == pytest.approx(
            _t_interval(centre, se, n), abs=1e-5
        ), name
    assert row[6] == 3
    # Only because r2 and r3 each skipped a capability category does this differ from the
    # spread of the respondents' own capability scores (the earlier estimator):
    own = [162.5 / 3, 62.5, 87.5]
    assert row[7] != pytest.approx(statistics.stdev(own) / math.sqrt(3), abs=1e-3)


def test_response_rates_dont_know_and_county_summary(tiny_build):
    rates = query(
        tiny_build,
        "select organisation_code, target_group, invited, respondents, response_rate, rate_status "
        "from marts.response_rates where survey_year = 2024 order by organisation_code, target_group",
    )
    assert rates == [
        ("0604", "kommunledning", 5, 1, pytest.approx(1 / 5), "known"),  # r3 of 5 by e-mail
        ("0604", "strateger", 10, 2, pytest.approx(2 / 10), "known"),  # r1, r2 of 10
        ("0617", "strateger", None, 2, None, "unknown"),  # invited by link
    ]
    # Item I1 at Aneby: r1 3, r2 "vet ej", r3 5 -> 1 / (2 + 1); O2: r2 blank -> 0 / 3.
    shares = dict(
        query(
            tiny_build,
            "select item_code, dont_know_share from marts.dont_know_by_item "
            "where organisation_code = '0604' and item_code in ('I1', 'O2') and survey_year = 2024",
        )
    )
    assert shares == {"I1": pytest.approx(1 / 3), "O2": 0.0}
    # County 2024: the two organisations' maturity indices (see the hand computation above).
    capability = (75 + 68.75 + 50) / 3
    legacy = (50 + 175 / 3 + 200 / 3) / 3
    aneby, gnosjo = (capability + legacy) / 2, (37.5 + 100 / 3) / 2
    summary = query(
        tiny_build,
        "select survey_year, organisations_with_index, maturity_index_mean, maturity_index_median, "
        "maturity_index_stddev, maturity_index_min, maturity_index_max, quadrant_a_organisations, "
        "quadrant_d_organisations from marts.county_summary where survey_year = 2024",
    )
    assert summary == [
        (
            2024, 2,
            pytest.approx((aneby + gnosjo) / 2), pytest.approx((aneby + gnosjo) / 2),
            pytest.approx(abs(aneby - gnosjo) / math.sqrt(2)),
            pytest.approx(gnosjo), pytest.approx(aneby), 1, 1,
        )
    ]


def test_change_from_previous_year_by_independent_computation(tiny_build):
    from scipy import stats

    # 2024 Aneby: maturity index and its standard error as in the tests above.
    index_2024, se_2024, _ = weighted_category_means(ANEBY_2024, DIMENSION_WEIGHTS["maturity"])
    # 2025: every respondent has every category, all at one score (100, 75, 50): every
    # category index 75, and the standard error is s / sqrt(n) of 100, 75, 50.
    index_2025, scores_2025 = 75.0, [100.0, 75.0, 50.0]
    se = math.sqrt(se_2024**2 + statistics.variance(scores_2025) / 3)
    t = stats.t.ppf(0.975, 2)  # df = min(3, 3) - 1
    change = index_2025 - index_2024
    row = query(
        tiny_build,
        "select maturity_index, previous_survey_year, previous_maturity_index, "
        "maturity_index_change, maturity_index_change_ci_lower, maturity_index_change_ci_upper, "
        "change_is_significant, instrument_version_changed, invited "
        "from marts.maturity_by_organisation where organisation_code = '0604' and survey_year = 2025",
    )[0]
    assert row[0] == pytest.approx(index_2025)
    assert row[1] == 2024
    assert row[2] == pytest.approx(index_2024)
    assert row[3] == pytest.approx(change)
    assert row[4:6] == pytest.approx((change - t * se, change + t * se), abs=1e-5)
    assert row[6] is bool((change - t * se) > 0 or (change + t * se) < 0)  # False: [-55, 82]
    assert row[7] is False
    assert row[8] is None  # no invitations that year
    first_year = query(
        tiny_build,
        "select previous_survey_year, maturity_index_change, change_is_significant "
        "from marts.maturity_by_organisation where survey_year = 2024",
    )
    assert first_year == [(None, None, None), (None, None, None)]


def test_county_rank_and_strengths(tiny_build):
    # 2024: Aneby (61.46) above Gnosjö (35.42); mean of the two.
    capability = (75 + 68.75 + 50) / 3
    legacy = (50 + 175 / 3 + 200 / 3) / 3
    aneby, gnosjo = (capability + legacy) / 2, (37.5 + 100 / 3) / 2
    rows = query(
        tiny_build,
        "select organisation_code, county_rank, county_ranked_organisations, "
        "maturity_index_diff_from_county_mean from marts.maturity_by_organisation "
        "where survey_year = 2024 order by organisation_code",
    )
    mean = (aneby + gnosjo) / 2
    assert rows == [
        ("0604", 1, 2, pytest.approx(aneby - mean)),
        ("0617", 2, 2, pytest.approx(gnosjo - mean)),
    ]
    # Aneby 2024 category indices: eff 75, inn 68.75, bal 50, org 50, anv 58.3, tek 66.7.
    # Weakest three: anvandare, then balansering and organisation, equal at 50: balansering
    # comes first in the questionnaire and so ranks higher (5), organisation last (6).
    flags = query(
        tiny_build,
        "select category_code, category_rank, is_strength, is_weakness "
        "from marts.maturity_by_category where organisation_code = '0604' and survey_year = 2024 "
        "order by category_rank",
    )
    assert flags == [
        ("effektivitet", 1, True, False),
        ("innovation", 2, True, False),
        ("teknik", 3, True, False),
        ("anvandare", 4, False, True),
        ("balansering", 5, False, True),
        ("organisation", 6, False, True),
    ]


def test_disclosure_control(tiny_raw, tmp_path):
    """With min_cell_respondents 3 (counts as in test_category_indices_by_hand): Aneby 2024
    innovation and balansering have 2 kept scores -> suppressed, so capability and maturity
    are too (complementary); legacy (all categories 3) is published. Gnosjö (2 respondents)
    is suppressed throughout. Aneby 2025 (3 per category) is published, but its change is
    not (2024 suppressed)."""
    project, tiny_data = tiny_raw
    data_dir = tmp_path / "data"
    shutil.copytree(tiny_data / "warehouse" / "raw", data_dir / "warehouse" / "raw")
    run_dbt_build(project, data_dir, tmp_path, min_cell_respondents=3)

    categories = {
        (org, cat): (idx, suppressed, dk)
        for org, cat, idx, suppressed, dk in query(
            data_dir,
            "select organisation_code, category_code, category_index, category_index_suppressed, "
            "dont_know_share from marts.maturity_by_category where survey_year = 2024",
        )
    }
    assert categories[("0604", "effektivitet")] == (pytest.approx(75.0), False, 0.0)
    assert categories[("0604", "innovation")] == (None, True, pytest.approx(1 / 3))
    assert categories[("0604", "balansering")] == (None, True, pytest.approx(0.25))
    assert categories[("0617", "effektivitet")] == (None, True, None)

    organisations = query(
        data_dir,
        "select organisation_code, survey_year, capability_index, capability_index_suppressed, "
        "legacy_index, legacy_index_suppressed, maturity_index, maturity_index_ci_lower, "
        "maturity_index_suppressed, quadrant, maturity_index_change, county_rank, "
        "suppression_reason "
        "from marts.maturity_by_organisation order by survey_year, organisation_code",
    )
    assert organisations == [
        ("0604", 2024, None, True, pytest.approx(175 / 3), False, None, None, True, None, None, None,
         "a category with fewer than 3 usable scores"),
        ("0617", 2024, None, True, None, True, None, None, True, None, None, None,
         "fewer than 3 respondents"),
        ("0604", 2025, 75.0, False, 75.0, False, 75.0, pytest.approx(75 - 4.302653 * 25 / math.sqrt(3), abs=1e-4), False, "D", None, 1,
         None),
    ]
    assert query(
        data_dir,
        "select organisations_with_index, maturity_index_mean from marts.county_summary "
        "where survey_year = 2024",
    ) == [(0, None)]
    assert query(
        data_dir,
        "select distinct organisation_code, counts_suppressed, dont_know_share is null "
        "from marts.dont_know_by_item where survey_year = 2024 order by 1",
    ) == [("0604", False, False), ("0617", True, True)]
    # Strengths/weaknesses only among the 4 published categories of Aneby 2024:
    # eff 75 > tek 66.7 > anv 58.3 > org 50 -> weaknesses org, anv, tek; strength eff.
    flags = query(
        data_dir,
        "select category_code, is_strength, is_weakness from marts.maturity_by_category "
        "where organisation_code = '0604' and survey_year = 2024 and not category_index_suppressed "
        "order by category_index desc",
    )
    assert flags == [
        ("effektivitet", True, False),
        ("teknik", False, True),
        ("anvandare", False, True),
        ("organisation", False, True),
    ]


def test_breakdowns_by_target_group_department_and_factor(tiny_build):
    """maturity_by_target_group / _department / _factor from the tiny fixture, by hand.

    Respondents' kept category scores 2024 (see test_category_indices_by_hand):
      r1 (Aneby, strateger):     eff 87.5, inn 50,   bal 25,   org 75, anv 100,  tek 75
      r2 (Aneby, strateger):     eff 50,   inn -,    bal 75,   org 25, anv 62.5, tek 25
      r3 (Aneby, kommunledning): eff 87.5, inn 87.5, bal -,    org 50, anv 12.5, tek 100
    """
    groups = {
        (org, group): rest
        for org, group, *rest in query(
            tiny_build,
            "select organisation_code, target_group, respondents, capability_index, legacy_index, "
            "maturity_index, capability_index_ci_lower, capability_index_ci_upper, "
            "target_group_suppressed, suppression_reason "
            "from marts.maturity_by_target_group where survey_year = 2024",
        )
    }
    assert set(groups) == {("0604", "strateger"), ("0604", "kommunledning"), ("0617", "strateger")}
    # Aneby strateger (r1, r2): eff (87.5+50)/2 = 68.75, inn 50, bal (25+75)/2 = 50
    # -> capability 168.75/3 = 56.25; org 50, anv 81.25, tek 50 -> legacy 181.25/3.
    n, capability, legacy, maturity, lower, upper, suppressed, reason = groups[("0604", "strateger")]
    assert (n, suppressed, reason) == (2, False, None)
    assert capability == pytest.approx(56.25)
    assert legacy == pytest.approx(181.25 / 3)
    assert maturity == pytest.approx((56.25 + 181.25 / 3) / 2)
    # interval of the mean of category means over r1 and r2 (r2 has no innovation score, so
    # innovation has one kept score: its variance cannot be estimated -> no interval)
    strateger = {c: {r: v for r, v in s.items() if r in ("r1", "r2")} for c, s in ANEBY_2024.items()}
    assert weighted_category_means(strateger, DIMENSION_WEIGHTS["capability"])[1] is None
    assert (lower, upper) == (None, None)
    # legacy: every category has both respondents' scores -> an interval, of the same estimator
    [(legacy_lower, legacy_upper)] = query(
        tiny_build,
        "select legacy_index_ci_lower, legacy_index_ci_upper "
        "from marts.maturity_by_target_group where survey_year = 2024 "
        "and organisation_code = '0604' and target_group = 'strateger'",
    )
    centre, se, n = weighted_category_means(strateger, DIMENSION_WEIGHTS["legacy"])
    assert se > 0
    assert (legacy_lower, legacy_upper) == pytest.approx(_t_interval(centre, se, n), abs=1e-9)
    # Aneby kommunledning (r3): balansering has no kept score -> capability and maturity null;
    # legacy (50 + 12.5 + 100)/3; one respondent -> no interval.
    n, capability, legacy, maturity, lower, upper, suppressed, reason = groups[("0604", "kommunledning")]
    assert (n, capability, maturity, lower, upper) == (1, None, None, None, None)
    assert legacy == pytest.approx(162.5 / 3)
    # Gnosjö's only group is the organisation: capability 37.5, legacy 100/3.
    assert groups[("0617", "strateger")][1:3] == [pytest.approx(37.5), pytest.approx(100 / 3)]

    # No department in the fixture: every respondent is in 'okänd förvaltning', whose
    # indices are then the organisation's (test_maturity_by_organisation_by_hand).
    departments = query(
        tiny_build,
        "select organisation_code, department, respondents, capability_index, legacy_index "
        "from marts.maturity_by_department where survey_year = 2024 order by organisation_code",
    )
    assert departments == [
        ("0604", "okänd förvaltning", 3, pytest.approx((75 + 68.75 + 50) / 3),
         pytest.approx((50 + 175 / 3 + 200 / 3) / 3)),
        ("0617", "okänd förvaltning", 2, pytest.approx(37.5), pytest.approx(100 / 3)),
    ]

    # One factor per category in the tiny codebook, so a factor index equals its category's.
    # County mean of eff_strategi: (Aneby 75 + Gnosjö 37.5) / 2 = 56.25.
    factors = {
        (org, factor): rest
        for org, factor, *rest in query(
            tiny_build,
            "select organisation_code, factor_code, factor_index, respondents, dont_know_share, "
            "county_mean_factor_index, county_organisations_with_index "
            "from marts.maturity_by_factor where survey_year = 2024",
        )
    }
    assert len(factors) == 12
    assert factors[("0604", "eff_strategi")] == [75.0, 3, 0.0, pytest.approx(56.25), 2]
    assert factors[("0604", "inn_anvandare")][:3] == [pytest.approx(68.75), 2, pytest.approx(1 / 3)]
    assert factors[("0617", "tek_system")][:2] == [pytest.approx(25.0), 2]
