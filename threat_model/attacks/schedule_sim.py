"""The server's below-threshold view under the synthetic schedule, and the optimal test on it.

Per account the server sees, for every item in order, whether its voucher opened (re-sends
repeat an earlier tag identically, real or synthetic, so only first sends matter). Item ``i``
(1-based, counted among distinct items) opens if it is synthetic, probability
``p_i = min(1, c / (i + i0))`` independently, or if it is a real match. The server is given
the exact ``i`` of every item (a worst case: it only sees upload order, re-sends included).

With ``k`` real matches at uniformly random positions among ``N`` items, the likelihood ratio
of an opened set ``O`` against "no match" is ``LR = e_k({1/p_m : m in O}) / C(N, k)`` (``e_k``
the elementary symmetric polynomial), and the optimal test's advantage is the total-variation
distance ``E_1[(1 - 1/LR)^+]``, estimated here by sampling ``O`` under the k-match hypothesis
(the estimator is bounded in [0, 1], so its standard error is honest even for large ``k``).

The cap: a device stops at ``budget`` synthetic vouchers. The LR above ignores it; reaching the
cap can only add to the advantage, by at most ``P[S(N) >= budget]`` (``S(N)`` the synthetic
count), which :func:`cap_probability` bounds by a Poisson tail (Hoeffding 1956: a sum of
independent Bernoullis is no more spread above its mean than a Poisson of the same mean).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Schedule:
    """``p_i = min(1, scale / (i + offset))`` (the same rule as ``SyntheticSchedule``)."""

    scale: float
    offset: float

    def probabilities(self, n: int) -> np.ndarray:
        """p_1 .. p_n."""
        i = np.arange(1, n + 1, dtype=np.float64)
        return np.minimum(1.0, self.scale / (i + self.offset))

    def expected_synthetic(self, n: int) -> float:
        """E[S(n)]."""
        return float(self.probabilities(n).sum())

    def detection_delay(self, threshold: int, limit: int = 10**6) -> int:
        """Smallest n with E[real matches among n known items] >= threshold (None-free:
        ``limit`` if never)."""
        real = np.cumsum(1.0 - self.probabilities(limit))
        hit = np.nonzero(real >= threshold)[0]
        return int(hit[0]) + 1 if hit.size else limit


def sample_opened(
    schedule: Schedule, n: int, trials: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Synthetic positions (1-based) of ``trials`` independent accounts of ``n`` items.

    Exact: blocks of positions [a, 1.5a) are sampled as Bernoulli(p_a) trials (geometric gaps)
    thinned with probability p_i / p_a; early blocks with p_a > 0.3 directly.
    """
    parts: list[list[np.ndarray]] = [[] for _ in range(trials)]
    a = 1
    while a <= n:
        b = min(n + 1, max(a + 1, int(a * 1.5)))
        pa = min(1.0, schedule.scale / (a + schedule.offset))
        if pa > 0.3:
            pos = np.arange(a, b)
            hits = rng.random((trials, b - a)) < np.minimum(
                1.0, schedule.scale / (pos + schedule.offset)
            )
            for t in range(trials):
                parts[t].append(pos[hits[t]])
        elif pa > 0:
            length = b - a
            draws = int(length * pa + 8 * math.sqrt(length * pa) + 20)
            pos2 = rng.geometric(pa, size=(trials, draws)).cumsum(axis=1) + (a - 1)
            while (pos2[:, -1] < b).any():  # pragma: no cover - 8 sigma of slack
                more = rng.geometric(pa, size=(trials, draws)).cumsum(axis=1) + pos2[:, -1:]
                pos2 = np.concatenate([pos2, more], axis=1)
            keep = (pos2 < b) & (
                rng.random(pos2.shape) < (schedule.scale / (pos2 + schedule.offset)) / pa
            )
            for t in range(trials):
                parts[t].append(pos2[t][keep[t]])
        a = b
    return [np.concatenate(p) if p else np.zeros(0, dtype=np.int64) for p in parts]


def likelihood_ratios(opened: list[np.ndarray], n: int, k: int, schedule: Schedule) -> np.ndarray:
    """LR of k matches vs none for each account's opened set (positions <= n)."""
    width = max((len(o) for o in opened), default=0)
    values = np.zeros((len(opened), max(width, 1)))
    for t, o in enumerate(opened):
        # 1/p_m scaled by 1/n keeps e_k in floating-point range.
        values[t, : len(o)] = np.maximum(1.0, (o + schedule.offset) / schedule.scale) / n
    e = np.zeros((len(opened), k + 1))
    e[:, 0] = 1.0
    for column in values.T:
        e[:, 1:] = e[:, 1:] + e[:, :-1] * column[:, None]
    # LR = e_k(1/p) / C(n, k) = e_k(v) n^k / C(n, k)
    log_factor = k * math.log(n) - (
        math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    )
    return np.asarray(e[:, k] * math.exp(log_factor))


def advantage(
    base: list[np.ndarray], n: int, k: int, schedule: Schedule, rng: np.random.Generator
) -> tuple[float, float]:
    """(estimate, standard error) of the optimal test's advantage for k hidden matches, from
    the synthetic positions ``base`` (sampled for >= n items; truncated to n here)."""
    with_matches = []
    for o in base:
        matches = rng.choice(n, size=k, replace=False) + 1
        with_matches.append(np.union1d(o[o <= n], matches))
    lr = likelihood_ratios(with_matches, n, k, schedule)
    terms = np.maximum(0.0, 1.0 - 1.0 / lr)
    return float(terms.mean()), float(terms.std() / math.sqrt(len(terms)))


def cap_probability(schedule: Schedule, n: int, budget: int) -> float:
    """An upper bound on P[S(n) >= budget] (Poisson tail of the same mean)."""
    mean = schedule.expected_synthetic(n)
    if budget <= mean:
        return 1.0
    # P[Poisson(mean) >= budget] = 1 - sum_{j < budget} e^-mean mean^j / j!
    log_terms = [
        j * math.log(mean) - mean - math.lgamma(j + 1) for j in range(budget, budget + 2000)
    ]
    top = max(log_terms)
    return float(min(1.0, math.exp(top) * sum(math.exp(x - top) for x in log_terms)))
