"""The action marts on the tiny project: the follow-up change and its interval computed by
hand (and the t quantile by scipy), the exchange counts, the status history and what is not
published."""

from __future__ import annotations

import math

import pytest
from dbt_raw_fixtures import write_raw_year
from scipy import stats
from test_dbt_build import TINY_ANSWERS, TINY_CODEBOOK, query, run_dbt_build, write_tiny_project
from tiny_build import write_tiny_action_register


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Aneby (0604) measured 2024 and 2025 (the tiny years of test_dbt_build), with one action
    answering 2024 on Innovation, first planerad then pågår."""
    tmp_path = tmp_path_factory.mktemp("actions")
    project = write_tiny_project(tmp_path)
    data_dir = tmp_path / "data"
    items = [row[0] for row in TINY_CODEBOOK]
    answers = [(rid, item, v) for rid, values in TINY_ANSWERS.items()
               for item, v in zip(items, values, strict=True)]
    respondents = [("r1", "0604", "strateger", "vtest"), ("r2", "0604", "strateger", "vtest"),
                   ("r3", "0604", "kommunledning", "vtest"), ("r4", "0617", "strateger", "vtest"),
                   ("r5", "0617", "strateger", "vtest")]
    write_raw_year(data_dir, 2024, answers, respondents, [])
    answers_2025 = [(rid, item, value if item != "T2" else 6 - value)
                    for rid, value in (("r1", 5), ("r2", 4), ("r3", 3)) for item in items]
    write_raw_year(data_dir, 2025, answers_2025, respondents[:3], [])
    write_tiny_action_register(data_dir)
    run_dbt_build(project, data_dir, tmp_path)
    return data_dir


def test_follow_up_change_and_interval_by_hand(built):
    # Innovation (I1, I2; score = 25 * (x - 1)).
    # 2024: r1 (3, 3) -> 50; r2 (vet ej, vet ej) has no kept score; r3 (5, 4) -> 87.5.
    #   n = 2, mean 68.75, s² = 2 * 18.75² / 1 = 703.125, se = sqrt(703.125 / 2) = 18.75.
    # 2025: r1 100, r2 75, r3 50: n = 3, mean 75, s² = 625, se = sqrt(625 / 3).
    # Δ = 6.25, se(Δ) = sqrt(18.75² + 625 / 3), df = min(2, 3) - 1 = 1.
    se = math.sqrt(18.75**2 + 625 / 3)
    half = stats.t.ppf(0.975, 1) * se
    rows = query(built, """
        select measurement_year, years_after, answered_category_index, category_index,
               change_since_answered, change_since_answered_standard_error,
               change_since_answered_ci_lower, change_since_answered_ci_upper,
               change_since_answered_is_beyond_noise
        from marts.action_follow_up order by measurement_year""")
    assert [r[:2] for r in rows] == [(2024, 0), (2025, 1)]
    assert rows[0][2] == pytest.approx(68.75) and rows[0][3] == pytest.approx(68.75)
    assert rows[0][4:] == (None, None, None, None, None)
    assert rows[1][3] == pytest.approx(75.0)
    assert rows[1][4] == pytest.approx(6.25)
    assert rows[1][5] == pytest.approx(se)
    assert rows[1][6] == pytest.approx(6.25 - half, rel=1e-6)
    assert rows[1][7] == pytest.approx(6.25 + half, rel=1e-6)
    assert rows[1][8] is False


def test_decided_actions_publish_no_free_text_and_keep_the_history(built):
    columns = [r[0] for r in query(built, "describe marts.decided_actions")]
    assert "follow_up_note" not in columns
    assert query(built, """select status, status_label_sv, is_status_closed, has_follow_up_note,
                                  first_registered_at = timestamptz '2025-03-01 00:00:00+00',
                                  status_since = timestamptz '2025-03-31 00:00:00+00'
                           from marts.decided_actions""") == [
        ("pågår", "Pågår", False, True, True, True)]
    assert query(built, """select status, previous_status from marts.action_status_changes
                           order by observed_at""") == [("planerad", None), ("pågår", "planerad")]


def test_exchange_counts_the_action_where_it_answers(built):
    rows = query(built, """select survey_year, organisation_code, actions, open_actions, closed_actions
                           from marts.category_exchange
                           where category_code = 'innovation' order by 1, 2""")
    assert rows == [(2024, "0604", 1, 1, 0), (2024, "0617", 0, 0, 0), (2025, "0604", 0, 0, 0)]
