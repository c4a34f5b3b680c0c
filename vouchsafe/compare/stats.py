"""Intervals for the comparison's figures: Wilson for proportions, Newcombe for differences
of proportions, a percentile bootstrap for means over seeds.

Every interval is a 95% interval (``Z``). Proportions pooled over seeds are counted as one
binomial sample (the items of every seed together); a mean of a per-seed measurement (bytes,
CPU time) gets a bootstrap interval over the seeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z = 1.959963984540054  # two-sided 95%
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95% interval; ``successes``/``trials`` set when it is a proportion."""

    value: float
    low: float
    high: float
    successes: int | None = None
    trials: int | None = None

    def overlaps(self, other: Estimate) -> bool:
        """Whether the two intervals share any value."""
        return self.low <= other.high and other.low <= self.high

    def as_dict(self) -> dict[str, float | int | None]:
        """JSON-ready form."""
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "successes": self.successes,
            "trials": self.trials,
        }


def wilson(successes: int, trials: int) -> Estimate | None:
    """The Wilson score interval of ``successes/trials``; None when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    p = successes / trials
    denominator = 1 + Z * Z / trials
    centre = (p + Z * Z / (2 * trials)) / denominator
    half = Z * math.sqrt(p * (1 - p) / trials + Z * Z / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Estimate(p, low, high, successes, trials)


def difference(a: Estimate, b: Estimate) -> Estimate:
    """``a - b`` for two proportions with Newcombe's hybrid score interval (method 10), built
    from their Wilson intervals; treats the samples as independent, which is conservative when
    both modes saw the same items."""
    if a.successes is None or b.successes is None:
        raise ValueError("difference() takes two proportions")
    d = a.value - b.value
    low = d - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = d + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Estimate(d, max(-1.0, low), min(1.0, high))


def bootstrap_mean(values: Sequence[float], seed: int = 0) -> Estimate | None:
    """The mean of ``values`` with a percentile-bootstrap 95% interval (None when empty)."""
    if not values:
        return None
    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    if len(data) == 1 or float(data.std()) == 0.0:
        return Estimate(mean, mean, mean)
    rng = np.random.default_rng(seed)
    samples = rng.choice(data, size=(BOOTSTRAP_RESAMPLES, len(data)), replace=True).mean(axis=1)
    low, high = np.percentile(samples, [2.5, 97.5])
    return Estimate(mean, float(low), float(high))


def percentile_interval(point: float, draws: Sequence[float]) -> Estimate:
    """``point`` with the 2.5 and 97.5 percentiles of its bootstrap ``draws`` as the interval."""
    low, high = np.percentile(np.asarray(draws, dtype=float), [2.5, 97.5])
    return Estimate(point, min(float(low), point), max(float(high), point))
