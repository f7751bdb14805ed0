"""The statistics behind hotspots: a one-sided Poisson tail and the Benjamini–Hochberg adjustment.

Plain `math`, no SciPy: the tail is summed in log space so a p-value of 1e-40 is as exact as one of 0.3.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _log_term(i: int, log_lam: float, lam: float) -> float:
    """log P(X = i) for X ~ Poisson(lam)."""
    return -lam + i * log_lam - math.lgamma(i + 1)


def _log_sum_exp(values: Sequence[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return -math.inf
    return top + math.log(sum(math.exp(v - top) for v in values))


def poisson_sf(observed: int, lam: float) -> float:
    """P(X >= observed) for X ~ Poisson(lam): the one-sided p-value of seeing this many or more.

    1.0 for observed <= 0; for lam <= 0 it is 0.0 unless observed <= 0. Where the tail is small (observed above
    lam) it is summed upwards from `observed` in log space until the terms stop mattering; where it is large it
    is 1 minus the lower sum, which then loses nothing to cancellation.
    """
    if observed <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    log_lam = math.log(lam)
    if observed <= lam:
        lower = _log_sum_exp([_log_term(i, log_lam, lam) for i in range(observed)])
        return max(0.0, min(1.0, 1.0 - math.exp(lower)))
    terms = []
    i = observed
    first = _log_term(i, log_lam, lam)
    # Terms fall by a factor lam/(i+1) < 1 each step: stop once they are 1e-17 of the first one.
    while True:
        term = _log_term(i, log_lam, lam)
        terms.append(term)
        if term < first - 40 or i > observed + 10_000:
            break
        i += 1
    return max(0.0, min(1.0, math.exp(_log_sum_exp(terms))))


def benjamini_hochberg(p_values: Sequence[float], tested: int | None = None) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given.

    `tested` is the number of hypotheses m when more were tested than are listed (the unlisted ones are taken
    to have p = 1, so they never change a listed q-value beyond m itself); it defaults to len(p_values).
    A hypothesis is rejected at false discovery rate alpha when its q-value is <= alpha.
    """
    m = max(tested or 0, len(p_values))
    if not p_values:
        return []
    order = sorted(range(len(p_values)), key=lambda n: p_values[n])
    adjusted = [1.0] * len(p_values)
    running = 1.0
    for rank in range(len(order), 0, -1):
        n = order[rank - 1]
        running = min(running, p_values[n] * m / rank)
        adjusted[n] = min(1.0, running)
    return adjusted
