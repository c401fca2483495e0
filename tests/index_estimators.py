"""Independent computations of the index estimators, for the tests (not the pipeline's code).

A dimension or maturity index is a weighted sum of category means,
``index = sum_k w_k * mean_k``, each mean over the respondents with a kept score in the
category (domain doc, scoring method step 5). Its standard error here comes from the delta
method written as a quadratic form: the estimated covariance matrix of the category means,

    cov(mean_k, mean_l) = n / (n - 1) * sum over respondents i kept in both of
                          (y_ik - mean_k) * (y_il - mean_l) / (n_k * n_l),

with n the respondents kept in at least one of the index's categories, and
``se = sqrt(w' cov w)``. The pipeline (macros/linearised_standard_errors.sql) sums squared
per-respondent terms instead; the two are algebraically equal, so agreement to rounding is a
check of the SQL by a different route.
"""

from __future__ import annotations

import numpy as np


def weighted_category_means(
    scores: dict[str, dict[str, float]],
    weights: dict[str, float],
    respondent_weights: dict[str, float] | None = None,
) -> tuple[float | None, float | None, int]:
    """``scores``: category -> {respondent: kept 0-100 score} (scores that were not kept are
    left out); ``weights``: category -> weight (1/3 each for a dimension of three categories,
    1/6 for the maturity index). Returns (index, standard error, n): the index is None when a
    weighted category has no kept score; the standard error is None when n < 2 or a weighted
    category has fewer than 2 kept scores (its variance cannot be estimated).
    ``respondent_weights`` (respondent -> weight, e.g. post-stratification weights) makes
    each category mean ``sum(w * y) / sum(w)`` and the covariance
    ``n / (n - 1) * sum w_i^2 (y_ik - mean_k)(y_il - mean_l) / (W_k * W_l)``, W_k the summed
    weights of category k's scores (the weights held fixed); without it every weight is 1."""
    rw = respondent_weights or {}
    categories = [c for c, w in weights.items() if w]
    respondents = sorted({r for c in categories for r in scores.get(c, {})})
    n = len(respondents)
    if any(not scores.get(c) for c in categories):
        return None, None, n
    totals = {c: sum(rw.get(r, 1.0) for r in scores[c]) for c in categories}
    means = {
        c: sum(rw.get(r, 1.0) * y for r, y in scores[c].items()) / totals[c] for c in categories
    }
    index = sum(weights[c] * means[c] for c in categories)
    if n < 2 or any(len(scores[c]) < 2 for c in categories):
        return index, None, n
    k = len(categories)
    cov = np.zeros((k, k))
    for a, ca in enumerate(categories):
        for b, cb in enumerate(categories):
            both = set(scores[ca]) & set(scores[cb])
            cov[a, b] = sum(
                rw.get(r, 1.0) ** 2 * (scores[ca][r] - means[ca]) * (scores[cb][r] - means[cb])
                for r in both
            ) / (totals[ca] * totals[cb])
    cov *= n / (n - 1)
    w = np.array([weights[c] for c in categories])
    return index, float(np.sqrt(w @ cov @ w)), n


def dimension_weights(categories_by_dimension: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """The weights of the capability, legacy and maturity indices over the categories:
    1/K within a dimension of K categories; the maturity index halves each dimension's."""
    out: dict[str, dict[str, float]] = {}
    for dimension, categories in categories_by_dimension.items():
        out[dimension] = {c: 1 / len(categories) for c in categories}
    out["maturity"] = {
        c: w / 2 for dimension in categories_by_dimension for c, w in out[dimension].items()
    }
    return out
