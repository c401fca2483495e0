"""Cronbach's alpha of marts.internal_consistency_by_category against an independent
implementation: ``pingouin.cronbach_alpha`` on the two questionnaire datasets pingouin ships
(``cronbach_alpha``: 15 subjects x 10 items on 1-7, complete; ``cronbach_wide_missing``:
12 subjects x 11 binary items with missing answers). The datasets go through the real dbt
chain as raw answers (staging -> int_answers_scored -> the mart), with one item stored
reverse coded and the missing answers stored as "vet ej", so the comparison also shows that
reverse coding is undone and "vet ej" is left out, not scored.
"""

from __future__ import annotations

import math

import pingouin
import pytest
from dbt_raw_fixtures import write_project_with_codebook, write_raw_year
from test_dbt_build import query, run_dbt_build

COMPLETE = pingouin.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
WITH_MISSING = pingouin.read_dataset("cronbach_wide_missing")
REVERSED_ITEM = "Q3"  # stored as 8 - x and marked reverse coded in the codebook (scale 1-7)


@pytest.fixture(scope="module")
def alpha_build(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("alpha")
    codebook = [
        ("valpha", item, "eff_strategi", "effektivitet", "capability",
         "true" if item == REVERSED_ITEM else "false", 1, 7)
        for item in COMPLETE.columns
    ] + [
        ("vmissing", item, "tek_system", "teknik", "legacy", "false", 0, 1)
        for item in WITH_MISSING.columns
    ]
    project = write_project_with_codebook(tmp_path, codebook)
    data_dir = tmp_path / "data"

    answers, respondents = [], []
    for subject, row in COMPLETE.iterrows():
        rid = f"c{subject}"
        respondents.append((rid, "0604", "strateger", "valpha"))
        for item, value in row.items():
            answers.append((rid, item, 8 - value if item == REVERSED_ITEM else value))
    write_raw_year(data_dir, 2024, answers, respondents, [])

    answers, respondents = [], []
    for subject, row in WITH_MISSING.iterrows():
        rid = f"m{subject}"
        respondents.append((rid, "0604", "strateger", "vmissing"))
        for item, value in row.items():
            answers.append((rid, item, "dk" if math.isnan(value) else int(value)))
    write_raw_year(data_dir, 2025, answers, respondents, [])

    run_dbt_build(project, data_dir, tmp_path, min_cell_respondents=5,
                  select="resource_type:seed path:models/staging +internal_consistency_by_category")
    return data_dir


def _published(data_dir, year: int) -> tuple:
    return query(
        data_dir,
        "select category_code, items_in_category, items_with_variance, respondents, answers, "
        "cronbach_alpha, cronbach_alpha_suppressed, is_cronbach_alpha_below_threshold "
        f"from marts.internal_consistency_by_category where survey_year = {year}",
    )


def test_alpha_equals_pingouin_on_complete_dataset(alpha_build):
    expected, _ = pingouin.cronbach_alpha(data=COMPLETE)
    assert expected == pytest.approx(0.5917188, abs=1e-7)  # pingouin's documented example
    [row] = _published(alpha_build, 2024)
    assert row[:5] == ("effektivitet", 10, 10, 15, 150)
    assert row[5] == pytest.approx(expected, abs=1e-12)
    assert row[6] is False
    assert row[7] is True  # 0.59 < 0.7
    # Had the reverse-coded item been scored as stored, alpha would differ.
    as_stored = COMPLETE.assign(**{REVERSED_ITEM: 8 - COMPLETE[REVERSED_ITEM]})
    assert abs(pingouin.cronbach_alpha(data=as_stored)[0] - row[5]) > 0.05


def test_alpha_equals_pingouin_pairwise_on_dataset_with_missing_answers(alpha_build):
    expected, _ = pingouin.cronbach_alpha(data=WITH_MISSING, nan_policy="pairwise")
    assert expected == pytest.approx(0.7326608, abs=1e-7)
    [row] = _published(alpha_build, 2025)
    answered = int(WITH_MISSING.notna().sum().sum())  # 132 cells - 4 missing
    assert row[:5] == ("teknik", 11, 11, 12, answered)
    assert answered == 128
    assert row[5] == pytest.approx(expected, abs=1e-12)
    assert row[7] is False
    # "vet ej" is left out, not scored as the scale's lowest value, and respondents with a
    # "vet ej" are kept (pairwise), not dropped (listwise).
    as_zero = pingouin.cronbach_alpha(data=WITH_MISSING.fillna(0))[0]
    listwise = pingouin.cronbach_alpha(data=WITH_MISSING, nan_policy="listwise")[0]
    assert abs(as_zero - row[5]) > 0.01
    assert abs(listwise - row[5]) > 0.05
