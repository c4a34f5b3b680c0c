"""From measured collision rates to per-image and per-account false-match probabilities.

Two estimates of ``q``, the probability that one device candidate equals one hash-set key of an
unrelated picture:

* **empirical**: collisions counted between distinct corpus images divided by the comparisons
  made; when none is seen, the "rule of three" 95% upper bound ``3 / comparisons``;
* **binomial model** (Daugman, "How iris recognition works", IEEE TCSVT 2004): the coarse codes
  of distinct images differ in a fraction ``p`` of bits with variance ``s^2``; a binomial with
  ``dof = p (1 - p) / s^2`` trials has the same spread, and ``q = (1 - p)^dof`` is its chance of
  0 differences. Correlated images (the corpus's astronomy blobs) make real tails heavier, so
  this is a model figure, shown beside the empirical one.

Per image, against ``N`` entries with ``K`` keys each and ``C`` candidates:
``P_image = 1 - (1 - q)^(C K N)``. Per account, ``n = M * days`` innocent images with
independent false matches, flagged at ``t`` matches: the Binomial tail
``P_account = sum_{k=t..n} C(n, k) P_image^k (1 - P_image)^(n - k)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

BINOMIAL_TAIL_FORMULA = "P_account = sum_{k=t..n} C(n,k) * P_image^k * (1 - P_image)^(n-k)"
PER_IMAGE_FORMULA = "P_image = 1 - (1 - q)^(C * K * N)"


@dataclass(frozen=True)
class DegreesOfFreedom:
    """Daugman's binomial fit of the distances between coarse codes of distinct images."""

    mean_fraction: float
    std_fraction: float
    dof: float
    pairs: int

    @property
    def collision_probability(self) -> float:
        """``q = (1 - p)^dof``: the fitted chance that two unrelated codes are equal."""
        return float((1.0 - self.mean_fraction) ** self.dof)


def fit_degrees_of_freedom(distances: Sequence[int], code_bits: int) -> DegreesOfFreedom:
    """Fits ``dof = p (1 - p) / s^2`` to Hamming distances between codes of ``code_bits`` bits."""
    if len(distances) < 2:
        raise ValueError("need at least two distances")
    fractions = [d / code_bits for d in distances]
    mean = sum(fractions) / len(fractions)
    var = sum((f - mean) ** 2 for f in fractions) / (len(fractions) - 1)
    dof = mean * (1 - mean) / var if var > 0 else float(code_bits)
    return DegreesOfFreedom(mean, math.sqrt(var), dof, len(distances))


def per_image_probability(q: float, candidates: int, keys_per_entry: float, entries: int) -> float:
    """``1 - (1 - q)^(C K N)``, computed stably for tiny ``q``."""
    trials = candidates * keys_per_entry * entries
    if q >= 1.0:
        return 1.0 if trials > 0 else 0.0
    return -math.expm1(trials * math.log1p(-q))


def binomial_tail(n: int, p: float, t: int) -> float:
    """``P[X >= t]`` for ``X ~ Binomial(n, p)``, summed in log space (fine for tiny ``p``)."""
    if t <= 0:
        return 1.0
    if p <= 0.0 or t > n:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for k in range(t, n + 1):
        log_term = (
            math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * log_p + (n - k) * log_q
        )  # fmt: skip
        term = math.exp(log_term)
        total += term
        if k > n * p and term < total * 1e-17:
            break
    return min(1.0, total)


def rule_of_three(comparisons: int) -> float:
    """95% upper bound on a rate when 0 events were seen in ``comparisons`` trials."""
    return 3.0 / comparisons if comparisons else 1.0
