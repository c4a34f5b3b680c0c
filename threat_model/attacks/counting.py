"""Exact distributions of what a server counts below threshold (no sampling, no scipy).

Model (THREAT_MODEL.md, threat T3): an account uploads ``n`` vouchers, ``m`` of them for items
that really match. Each item id independently becomes synthetic with probability ``rate``
(decided on the device from PRF(fkey, id)); a synthetic voucher always opens; a real matching
voucher opens; a real non-matching voucher does not. So the server's count of opened vouchers is
``O = m + min(Binomial(n - m, rate), cap)`` (a matching item drawn synthetic opens either way).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def binomial_pmf(n: int, p: float) -> FloatArray:
    """P[Binomial(n, p) = k] for k = 0..n, computed in log space."""
    k = np.arange(n + 1, dtype=np.float64)
    if p <= 0.0:
        out = np.zeros(n + 1)
        out[0] = 1.0
        return out
    if p >= 1.0:
        out = np.zeros(n + 1)
        out[n] = 1.0
        return out
    log_choose = np.array(
        [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) for i in range(n + 1)]
    )
    log_pmf = log_choose + k * math.log(p) + (n - k) * math.log1p(-p)
    pmf: FloatArray = np.exp(log_pmf)
    normalised: FloatArray = pmf / pmf.sum()
    return normalised


def opened_count_pmf(n: int, m: int, rate: float, cap: int | None) -> FloatArray:
    """P[O = k] for k = 0..n: the opened-voucher count for ``m`` real matches of ``n`` items."""
    if not 0 <= m <= n:
        raise ValueError("need 0 <= m <= n")
    synthetic = binomial_pmf(n - m, rate)
    if cap is not None and cap < len(synthetic) - 1:
        capped = synthetic[: cap + 1].copy()
        capped[cap] += synthetic[cap + 1 :].sum()
        synthetic = capped
    out = np.zeros(n + 1)
    out[m : m + len(synthetic)] = synthetic
    return out


def total_variation(p: FloatArray, q: FloatArray) -> float:
    """Total-variation distance: the best distinguisher's advantage from one observation."""
    return 0.5 * float(np.abs(p - q).sum())


def distinguishing_advantage(n: int, m: int, rate: float, cap: int | None) -> float:
    """Advantage of the optimal test telling ``m`` real matches from none, given the count."""
    return total_variation(opened_count_pmf(n, 0, rate, cap), opened_count_pmf(n, m, rate, cap))


def simulate_view(
    n: int, m: int, rate: float, slots: int, trials: int, rng: np.random.Generator
) -> dict[str, NDArray[np.int64]]:
    """Samples what the server sees of an account with the slot design of ``vouchsafe.sdk.tpsi``.

    Each of the ``n`` item ids is synthetic with probability ``rate`` and then carries the
    share of slot j, uniform in [0, slots) (``synthetic_slot``): the same slot means the same
    share, so the server sees it as a duplicate tag. A real matching id (``m`` of them) that is
    not synthetic opens with its own tag. Returns per trial: ``opened`` (vouchers that open),
    ``distinct`` (distinct tags) and ``singletons`` (tags seen exactly once).
    """
    synthetic_matching = rng.binomial(m, rate, size=trials)
    real = m - synthetic_matching
    synthetic = rng.binomial(n - m, rate, size=trials) + synthetic_matching
    width = int(synthetic.max(initial=0))
    draws = rng.integers(0, slots, size=(trials, max(width, 1)))
    valid = np.arange(max(width, 1))[None, :] < synthetic[:, None]
    flat = (draws + slots * np.arange(trials)[:, None])[valid]
    occupancy = np.bincount(flat, minlength=trials * slots).reshape(trials, slots)
    return {
        "opened": (real + synthetic).astype(np.int64),
        "distinct": (real + np.count_nonzero(occupancy, axis=1)).astype(np.int64),
        "singletons": (real + np.count_nonzero(occupancy == 1, axis=1)).astype(np.int64),
    }


def empirical_tv(a: NDArray[np.int64], b: NDArray[np.int64]) -> float:
    """Total-variation distance between the empirical distributions of two samples."""
    top = int(max(a.max(initial=0), b.max(initial=0))) + 1
    pa = np.bincount(a, minlength=top) / max(len(a), 1)
    pb = np.bincount(b, minlength=top) / max(len(b), 1)
    return 0.5 * float(np.abs(pa - pb).sum())
