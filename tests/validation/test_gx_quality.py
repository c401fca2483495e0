"""The council's quality checks on the tiny year of conftest.py, with hand-computed values.

The tiny year: organisations 06 (r1), 0604 (r2), 0680 (r3), one respondent each, all in
target group strateger. Invitations: 06 e-mail 10, 0604 by link, 0680 e-mail 4.
Items (r1, r2, r3): A01 answered ×3; A02 answered, blank, answered; A03 dont_know,
answered, answered.
"""

from __future__ import annotations

import pytest
from validation_support import YEAR

from pipelines.validation.quality import (
    ORGANISATION_SCOPED_CHECKS,
    QUALITY_ROW_COLUMNS,
    Thresholds,
    failing_organisations,
    load_thresholds,
    quality_check_rows,
    run_quality_checks,
)
from pipelines.validation.suites import QUALITY_CHECKS


@pytest.fixture
def run_quality(seeds_dir, tmp_path):
    from validation_support import as_tables

    def _run(rows, thresholds=None):
        outcomes = run_quality_checks(
            as_tables(rows),
            year=YEAR,
            work_dir=tmp_path / "work",
            thresholds=thresholds,
            seeds_dir=seeds_dir,
        )
        return {o.name: o for o in outcomes}

    return _run


def _by_key(outcome, key):
    return {r[key]: r for r in outcome.metadata["rows"]}


def test_default_thresholds_on_the_tiny_year(rows, run_quality):
    outcomes = run_quality(rows)
    assert list(outcomes) == [c.name for c in QUALITY_CHECKS]
    assert {o.severity for o in outcomes.values()} == {"WARN"}

    rate = _by_key(outcomes["response_rate"], "organisation_code")
    assert rate["06"]["observed"] == pytest.approx(1 / 10)
    assert (rate["06"]["numerator"], rate["06"]["denominator"]) == (1, 10)
    assert rate["06"]["status"] == "fel"  # 10 % < 30 %
    assert rate["0680"]["observed"] == pytest.approx(1 / 4)
    assert rate["0680"]["status"] == "fel"  # 25 % < 30 %
    # invited by link: unknown, never 0 % or 100 %
    assert rate["0604"]["observed"] is None
    assert rate["0604"]["denominator"] is None
    assert rate["0604"]["status"] == "okänd"
    assert not outcomes["response_rate"].passed
    assert outcomes["response_rate"].metadata["fel"] == ["06", "0680"]
    assert outcomes["response_rate"].metadata["okand"] == ["0604"]

    # one respondent each < 5
    assert outcomes["min_respondents"].metadata["fel"] == ["06", "0604", "0680"]
    assert {r["observed"] for r in outcomes["min_respondents"].metadata["rows"]} == {1}

    within = _by_key(outcomes["respondents_within_invited"], "organisation_code")
    assert within["06"]["status"] == "godkänd"
    assert within["0604"]["status"] == "okänd"
    assert outcomes["respondents_within_invited"].passed

    dont_know = _by_key(outcomes["dont_know_share"], "item_code")
    assert dont_know["A01"]["observed"] == 0
    assert dont_know["A02"]["observed"] == 0  # the blank is not a response
    assert (dont_know["A02"]["numerator"], dont_know["A02"]["denominator"]) == (0, 2)
    assert dont_know["A03"]["observed"] == pytest.approx(1 / 3)
    assert dont_know["A03"]["status"] == "varning"  # 33 % > 30 %
    assert outcomes["dont_know_share"].metadata["varning"] == ["A03"]

    blank = _by_key(outcomes["item_nonresponse"], "item_code")
    assert blank["A02"]["observed"] == pytest.approx(1 / 3)
    assert (blank["A02"]["numerator"], blank["A02"]["denominator"]) == (1, 3)
    assert outcomes["item_nonresponse"].metadata["varning"] == ["A02"]
    assert blank["A03"]["status"] == "godkänd"


def test_thresholds_reach_gx_and_boundaries_pass(rows, run_quality):
    rows["invitations"][0]["invited"] = 2  # 06: 1 / 2 = exactly 50 %
    lenient = Thresholds(
        response_rate_warn_below=0.5,
        response_rate_fail_below=0.2,
        min_respondents=1,
        dont_know_warn_above=1 / 3,
        blank_warn_above=0.5,
    )
    outcomes = run_quality(rows, lenient)
    rate = _by_key(outcomes["response_rate"], "organisation_code")
    assert rate["06"]["status"] == "godkänd"  # 50 % is not below 50 %
    assert rate["0680"]["status"] == "varning"  # 25 %: below 50 %, not below 20 %
    assert rate["0680"]["warn_threshold"] == 0.5 and rate["0680"]["fail_threshold"] == 0.2
    assert outcomes["min_respondents"].passed
    assert outcomes["dont_know_share"].passed  # 1/3 is not above 1/3
    assert outcomes["item_nonresponse"].passed
    assert outcomes["response_rate"].metadata["n_varning"] == 1
    assert outcomes["response_rate"].metadata["n_godkand"] == 1
    assert outcomes["response_rate"].metadata["n_okand"] == 1


def test_more_respondents_than_invited(rows, run_quality):
    # 0680 invited 2 strateger by e-mail but 3 answered (r3 plus two more)
    for extra in ("r4", "r5"):
        rows["respondents"].append({**rows["respondents"][2], "respondent_id": extra})
    rows["invitations"][2]["invited"] = 2
    outcomes = run_quality(rows)
    within = _by_key(outcomes["respondents_within_invited"], "organisation_code")
    assert within["0680"]["status"] == "fel"
    assert (within["0680"]["observed"], within["0680"]["denominator"]) == (3, 2)
    assert outcomes["respondents_within_invited"].metadata["fel"] == ["0680|strateger"]
    assert not outcomes["respondents_within_invited"].passed
    rate = _by_key(outcomes["response_rate"], "organisation_code")
    assert rate["0680"]["observed"] == pytest.approx(3 / 2)


def test_mixed_invitation_methods_make_the_rate_unknown(rows, run_quality):
    rows["invitations"].append(
        {
            **rows["invitations"][2],
            "target_group": "kommunledning",
            "invited": None,
            "invitation_method": "link",
        }
    )
    rate = _by_key(run_quality(rows)["response_rate"], "organisation_code")
    assert rate["0680"]["status"] == "okänd"
    assert rate["0680"]["observed"] is None


def test_without_invitations_every_rate_is_unknown(rows, run_quality):
    rows["invitations"] = []
    outcomes = run_quality(rows)
    rate = outcomes["response_rate"]
    assert rate.metadata["n_okand"] == 3
    assert rate.passed  # nothing to warn about: unknown is reported, not judged
    assert outcomes["respondents_within_invited"].metadata["rows"] == []


def test_quality_check_rows_have_the_table_shape(rows, run_quality):
    outcomes = run_quality(rows)
    flat = quality_check_rows(outcomes.values())
    # 3 organisations x 2 checks + 3 invitation rows + 3 items x 2 checks
    assert len(flat) == 3 * 2 + 3 + 3 * 2
    assert all(tuple(r) == QUALITY_ROW_COLUMNS for r in flat)
    assert {r["survey_year"] for r in flat} == {YEAR}
    assert {r["status"] for r in flat} <= {"godkänd", "varning", "fel", "okänd"}


def test_committed_thresholds_are_the_documented_values():
    # thresholds.yaml as committed; min_respondents is dbt's var min_cell_respondents
    assert load_thresholds() == Thresholds(
        response_rate_warn_below=0.5,
        response_rate_fail_below=0.3,
        dont_know_warn_above=0.3,
        blank_warn_above=0.1,
        min_respondents=5,
    )
    assert ORGANISATION_SCOPED_CHECKS == (
        "response_rate", "min_respondents", "respondents_within_invited"
    )


VALID_THRESHOLDS = (
    "response_rate: {warn_below: 0.5, fail_below: 0.3}\n"
    "dont_know_share: {warn_above: 0.3}\n"
    "blank_share: {warn_above: 0.1}\n"
)


def test_a_complete_thresholds_file_is_read(tmp_path):
    path = tmp_path / "thresholds.yaml"
    path.write_text(VALID_THRESHOLDS.replace("0.1}", "0.25}"), encoding="utf-8")
    assert load_thresholds(path).blank_warn_above == 0.25


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("warn_below: 0.5", "warn_below: 50", "between 0 and 1"),
        ("warn_below: 0.5, fail_below: 0.3", "warn_below: 0.3, fail_below: 0.5", "must not exceed"),
        ("dont_know_share: {warn_above: 0.3}", "dont_know_share: {warn_above: -0.1}", "between 0 and 1"),
        ("response_rate:", "response_rates:", "Unknown keys"),
        ("blank_share: {warn_above: 0.1}\n", "", "blank_share.warn_above"),
        ("blank_share:", "min_respondents: 5\nblank_share:", "min_cell_respondents"),
    ],
)
def test_bad_thresholds_are_rejected(tmp_path, old, new, message):
    assert old in VALID_THRESHOLDS
    path = tmp_path / "thresholds.yaml"
    path.write_text(VALID_THRESHOLDS.replace(old, new), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_thresholds(path)


def test_failing_organisations(rows, run_quality):
    # default thresholds: 06 and 0680 fail the rate and the minimum, 0604 only the minimum
    flat = quality_check_rows(run_quality(rows).values())
    assert failing_organisations(flat) == {
        "06": ["min_respondents", "response_rate"],
        "0604": ["min_respondents"],
        "0680": ["min_respondents", "response_rate"],
    }
