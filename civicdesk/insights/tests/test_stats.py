"""The Poisson tail and the Benjamini–Hochberg adjustment against exact arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from civicdesk.insights.stats import benjamini_hochberg, poisson_sf


def exact_sf(k: int, lam: Fraction) -> float:
    """1 - sum_{i<k} e^-lam lam^i / i!, with the sum in exact fractions."""
    lower = sum(lam ** i / math.factorial(i) for i in range(k))
    return 1 - math.exp(-float(lam)) * float(lower)


@pytest.mark.parametrize("k,lam", [(1, "0.5"), (3, "2"), (5, "0.2"), (10, "4.5"), (2, "7"), (30, "25"),
                                   (12, "12")])
def test_it_matches_the_exact_tail(k, lam):
    assert poisson_sf(k, float(lam)) == pytest.approx(exact_sf(k, Fraction(lam)), rel=1e-9, abs=1e-15)


def test_it_stays_exact_far_in_the_tail():
    # P(X >= 40 | 0.5): the first term dominates; 1 - cdf would round to 0.
    first = math.exp(-0.5 + 40 * math.log(0.5) - math.lgamma(41))
    assert poisson_sf(40, 0.5) == pytest.approx(first * (1 + 0.5 / 41 + 0.25 / (41 * 42)), rel=1e-6)
    assert poisson_sf(100, 1.0) == pytest.approx(math.exp(-1 - math.lgamma(101)) * (1 + 1 / 101), rel=1e-4)


def test_it_answers_the_edges():
    assert poisson_sf(0, 3.0) == 1.0
    assert poisson_sf(3, 0.0) == 0.0
    assert poisson_sf(1, 1e-9) == pytest.approx(1e-9, rel=1e-6)


def test_it_adjusts_p_values_by_rank():
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
    # m=4: sorted 0.01 (×4/1=0.04), 0.03 (×4/2=0.06), 0.04 (×4/3=0.0533 -> min with later 0.0533), 0.5 (×1)
    assert q == pytest.approx([0.04, 0.0533333, 0.0533333, 0.5], rel=1e-5)


def test_it_counts_untested_hypotheses_when_told():
    assert benjamini_hochberg([0.001], tested=1000) == [pytest.approx(1.0)]
    assert benjamini_hochberg([]) == []
