"""Change over time across an instrument change (issue 5, item 2): the change is computed on
the items both versions share, and checked against an independent computation in Python
(the domain doc's scoring method written out again, scipy for the t quantile).

Codebook: ``vold`` (2024) is the tiny codebook of test_dbt_build (12 items, T2 reverse
coded). ``vnew`` (2025) drops E2, adds E3, and makes I2 reverse coded (a changed item, so it
is not linked either). Linked items: the 10 others.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict

import pytest
from dbt_raw_fixtures import write_project_with_codebook, write_raw_year
from index_estimators import dimension_weights, weighted_category_means
from test_dbt_build import TINY_CODEBOOK, query, run_dbt_build

OLD = [("vold", item, factor, category, dimension, reverse, 1, 5)
       for item, factor, category, dimension, reverse in TINY_CODEBOOK]
NEW = [
    ("vnew", item, factor, category, dimension, "true" if item == "I2" else reverse, 1, 5)
    for item, factor, category, dimension, reverse in TINY_CODEBOOK
    if item != "E2"
] + [("vnew", "E3", "eff_strategi", "effektivitet", "capability", "false", 1, 5)]
LINKED = {"E1", "I1", "B1", "B2", "O1", "O2", "A1", "A2", "T1", "T2"}


def _answers(seed: int, respondents: list[str], codebook: list[tuple]) -> dict[str, dict]:
    """Fixed pseudo-random answers 1-5, about one in eight "vet ej"."""
    rng = random.Random(seed)
    return {
        rid: {row[1]: ("dk" if rng.random() < 0.125 else rng.randint(1, 5)) for row in codebook}
        for rid in respondents
    }


def _score(answers: dict[str, dict], codebook: list[tuple], items: set[str]):
    """Maturity index on ``items`` only (domain doc, scoring method steps 2-5) and
    (index, standard error, n) of that mean of category means from the independent
    delta-method computation (tests/index_estimators.py)."""
    meta = {row[1]: row for row in codebook if row[1] in items}
    by_category = defaultdict(list)
    for item, row in meta.items():
        by_category[(row[4], row[3])].append(item)
    kept = defaultdict(dict)  # respondent -> (dimension, category) -> score
    for rid, values in answers.items():
        for key, category_items in by_category.items():
            scores = []
            for item in category_items:
                x = values[item]
                if x == "dk":
                    continue
                _, _, _, _, _, reverse, low, high = meta[item]
                if reverse == "true":
                    x = low + high - x
                scores.append(100 * (x - low) / (high - low))
            if len(scores) >= len(category_items) / 2:
                kept[rid][key] = statistics.fmean(scores)
    category_index = {
        key: statistics.fmean([kept[r][key] for r in kept if key in kept[r]]) for key in by_category
    }
    dimension = {
        d: statistics.fmean(v for (dd, _), v in category_index.items() if dd == d)
        for d in ("capability", "legacy")
    }
    by_category_scores = {
        category: {r: kept[r][(d, category)] for r in kept if (d, category) in kept[r]}
        for (d, category) in by_category
    }
    categories_by_dimension = {
        name: sorted(c for (d, c) in by_category if d == name) for name in ("capability", "legacy")
    }
    return (dimension["capability"] + dimension["legacy"]) / 2, weighted_category_means(
        by_category_scores, dimension_weights(categories_by_dimension)["maturity"]
    )


@pytest.fixture(scope="module")
def version_change_build(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("versions")
    project = write_project_with_codebook(tmp_path, OLD + NEW)
    data_dir = tmp_path / "data"
    old = _answers(2024, [f"a{i}" for i in range(8)], OLD)
    new = _answers(2025, [f"b{i}" for i in range(7)], NEW)
    for values in new.values():  # the items not linked score 100 in 2025
        values.update(E3=5, I2=1)
    for year, answers, version in ((2024, old, "vold"), (2025, new, "vnew")):
        write_raw_year(
            data_dir, year,
            [(rid, item, v) for rid, values in answers.items() for item, v in values.items()],
            [(rid, "0604", "strateger", version) for rid in answers],
            [],
        )
    run_dbt_build(project, data_dir, tmp_path, min_cell_respondents=5)
    return data_dir, old, new


def test_change_across_versions_uses_linked_items_only(version_change_build):
    from scipy import stats

    data_dir, old, new = version_change_build
    published_old, _ = _score(old, OLD, {row[1] for row in OLD})
    published_new, _ = _score(new, NEW, {row[1] for row in NEW})
    comparable_old, (_, se_old, n_old) = _score(old, OLD, LINKED)
    comparable_new, (_, se_new, n_new) = _score(new, NEW, LINKED)
    change = comparable_new - comparable_old
    se = math.sqrt(se_old**2 + se_new**2)
    # rounded to the 6 decimals of the pipeline's table (seeds/t_critical_values.csv)
    t = round(float(stats.t.ppf(0.975, min(n_old, n_new) - 1)), 6)

    [row] = query(
        data_dir,
        "select previous_maturity_index, maturity_index, instrument_version_changed, "
        "change_items_compared, comparable_previous_maturity_index, comparable_maturity_index, "
        "maturity_index_change, maturity_index_change_ci_lower, maturity_index_change_ci_upper, "
        "change_is_significant from marts.maturity_by_organisation "
        "where organisation_code = '0604' and survey_year = 2025",
    )
    assert row[0:2] == pytest.approx((published_old, published_new), abs=1e-9)
    assert row[2] is True
    assert row[3] == 10
    assert row[4:6] == pytest.approx((comparable_old, comparable_new), abs=1e-9)
    assert row[6] == pytest.approx(change, abs=1e-9)
    assert row[7:9] == pytest.approx((change - t * se, change + t * se), abs=1e-9)
    assert row[9] is bool(change - t * se > 0 or change + t * se < 0)
    # The restriction matters here: the difference of the published indices is another number.
    assert (published_new - published_old) - change > 3


def test_first_year_has_no_change_and_items_are_linked_by_code_category_and_coding(version_change_build):
    data_dir, _, _ = version_change_build
    assert query(
        data_dir,
        "select change_items_compared, comparable_maturity_index, maturity_index_change "
        "from marts.maturity_by_organisation where survey_year = 2024",
    ) == [(None, None, None)]
    links = query(
        data_dir,
        "select item_code from intermediate.int_instrument_item_links "
        "where instrument_version = 'vnew' and linked_instrument_version = 'vold' order by 1",
    )
    assert {code for (code,) in links} == LINKED
