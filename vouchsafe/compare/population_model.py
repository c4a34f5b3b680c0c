"""The population model: a scenario scaled to 10^5-10^6 accounts over a year.

Nothing here is measured: it is arithmetic on what the real runs measured. Its inputs are, per
mode, the per-item probabilities the end-to-end runs measured (a known item counting as a match,
per transform; an ordinary item counting as a false match) and the stated population: accounts,
the share of accounts that re-share known items (prevalence), items each account sends a year,
known items each re-sharer sends a year, and the match threshold t. An account is flagged when
it has at least t matches, as in every mode of the runs.

For each of ``draws`` draws the model takes the per-item probabilities from their Beta(k + 1/2,
n - k + 1/2) posteriors (a parametric bootstrap of the measured counts), computes exactly the
chance that an account of each kind is flagged (binomial and Poisson sums, no approximation),
and then draws the outcomes of the N accounts (how many re-share, how many of those send at least
t known items, how many of each kind are flagged). The figures' intervals are the 2.5 and 97.5
percentiles over the draws, so they include both the uncertainty of the measured rates and the
chance of the population itself; the point value is the expectation at the measured rates.
Crafted collisions (framing) are outside the model: the runs measure those directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vouchsafe.compare.replicates import Counts
from vouchsafe.compare.stats import Estimate, percentile_interval

DAYS_PER_YEAR = 365
DEFAULT_DRAWS = 400
PER_MILLION = 1_000_000


@dataclass(frozen=True)
class ModelSpec:
    """The stated population (see the module docstring); every figure is per year."""

    accounts: int
    prevalence: float
    items_per_account: float
    known_items_per_sharer: float
    known_items_fixed: bool
    threshold: int
    draws: int = DEFAULT_DRAWS
    seed: int = 0

    def __post_init__(self) -> None:
        if self.accounts < 1 or not 0.0 <= self.prevalence <= 1.0:
            raise ValueError("accounts must be >= 1 and prevalence within [0, 1]")
        if self.items_per_account <= 0 or self.known_items_per_sharer < 0 or self.threshold < 1:
            raise ValueError("volumes must be positive and the threshold at least 1")


@dataclass(frozen=True)
class ModelResult:
    """The model's figures for one mode, each with its 95% interval."""

    mode: str
    detection_per_item: float
    false_match_per_item: float
    offenders: Estimate
    account_recall: Estimate
    false_flags_per_million: Estimate
    false_flags: Estimate
    reviewed_items: Estimate

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "mode": self.mode,
            "detection_per_item": self.detection_per_item,
            "false_match_per_item": self.false_match_per_item,
            "offenders_per_year": self.offenders.as_dict(),
            "account_recall": self.account_recall.as_dict(),
            "false_flags_per_million_accounts_per_year": self.false_flags_per_million.as_dict(),
            "false_flags_per_year": self.false_flags.as_dict(),
            "reviewed_items_per_year": self.reviewed_items.as_dict(),
        }


def _poisson_pmf(mean: float, size: int) -> npt.NDArray[np.float64]:
    k = np.arange(size, dtype=float)
    if mean <= 0:
        out = np.zeros(size)
        out[0] = 1.0
        return out
    log = k * math.log(mean) - mean - np.array([math.lgamma(x + 1) for x in k])
    return np.asarray(np.exp(log), dtype=np.float64)


def _binomial_rows(trials: int, p: float, size: int) -> npt.NDArray[np.float64]:
    """Row K: the pmf of Binomial(K, p) over 0..size-1, for K = 0..trials."""
    rows = np.zeros((trials + 1, size))
    rows[0, 0] = 1.0
    for k in range(1, trials + 1):
        rows[k, :] = rows[k - 1, :] * (1 - p)
        rows[k, 1:] += rows[k - 1, :-1] * p
    return rows


@dataclass(frozen=True)
class _Chances:
    offender: float  # P(a re-sharer sends >= t known items)
    flag_offender: float  # P(flagged | offender)
    flag_sharer_below: float  # P(flagged | re-sharer below t)
    flag_ordinary: float  # P(flagged | sends no known item)
    matches_flagged_offender: float  # E[matches | offender flagged]
    matches_flagged_other: float  # E[matches | non-offender flagged]


def _chances(spec: ModelSpec, p_detect: float, p_false: float) -> _Chances:
    t = spec.threshold
    false_mean = spec.items_per_account * p_false
    kmax = (
        round(spec.known_items_per_sharer)
        if spec.known_items_fixed
        else int(spec.known_items_per_sharer + 12 * math.sqrt(spec.known_items_per_sharer) + 30)
    )
    size = int(kmax + false_mean + 12 * math.sqrt(false_mean) + t + 30)
    if spec.known_items_fixed:
        k_pmf = np.zeros(kmax + 1)
        k_pmf[kmax] = 1.0
    else:
        k_pmf = _poisson_pmf(spec.known_items_per_sharer, kmax + 1)
    rows = _binomial_rows(kmax, p_detect, size)
    offender_mask = np.arange(kmax + 1) >= t
    false_pmf = _poisson_pmf(false_mean, size)

    def with_false(known_matches: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.convolve(known_matches, false_pmf)[:size]

    m = np.arange(size)
    offender = float(k_pmf[offender_mask].sum())
    off = with_false(k_pmf[offender_mask] @ rows[offender_mask])
    below = with_false(k_pmf[~offender_mask] @ rows[~offender_mask])
    ordinary = false_pmf
    below_weight = 1.0 - offender

    def tail(pmf: npt.NDArray[np.float64], weight: float) -> tuple[float, float]:
        if weight <= 0:
            return 0.0, 0.0
        mass = float(pmf[t:].sum())
        mean = float((pmf[t:] * m[t:]).sum() / mass) if mass > 0 else 0.0
        return min(1.0, mass / weight), mean

    flag_off, matches_off = tail(off, offender)
    flag_below, matches_below = tail(below, below_weight)
    flag_ord, matches_ord = tail(ordinary, 1.0)
    return _Chances(
        offender, flag_off, flag_below, flag_ord, matches_off, max(matches_below, matches_ord)
    )


def _transform_mix(by_transform: Mapping[str, Counts]) -> tuple[list[str], list[float]]:
    names = [n for n, c in by_transform.items() if c.trials]
    total = sum(by_transform[n].trials for n in names)
    return names, [by_transform[n].trials / total for n in names]


def run_model(
    spec: ModelSpec,
    mode: str,
    by_transform: Mapping[str, Counts],
    false_match: Counts,
    detection_scale: float = 1.0,
) -> ModelResult:
    """The model's figures for one mode from its measured per-item counts; every detection
    probability is multiplied by ``detection_scale`` (tpsi: ``1 - synthetic_rate``)."""
    names, weights = _transform_mix(by_transform)
    rng = np.random.default_rng(spec.seed)

    def point_detection() -> float:
        return sum(
            w * by_transform[n].successes / by_transform[n].trials
            for n, w in zip(names, weights, strict=True)
        )

    p_detect = detection_scale * point_detection() if names else 0.0
    p_false = false_match.successes / false_match.trials if false_match.trials else 0.0

    def expected(c: _Chances) -> tuple[float, float, float, float, float]:
        sharers = spec.accounts * spec.prevalence
        offenders = sharers * c.offender
        flagged_off = offenders * c.flag_offender
        false_flags = (spec.accounts - sharers) * c.flag_ordinary + sharers * (
            1 - c.offender
        ) * c.flag_sharer_below
        reviewed = flagged_off * c.matches_flagged_offender + false_flags * c.matches_flagged_other
        recall = c.flag_offender if c.offender > 0 else 0.0
        return offenders, recall, false_flags, reviewed, flagged_off

    point = expected(_chances(spec, p_detect, p_false))
    draws: list[tuple[float, float, float, float]] = []
    for _ in range(spec.draws):
        d = detection_scale * sum(
            w * rng.beta(by_transform[n].successes + 0.5, by_transform[n].failures + 0.5)
            for n, w in zip(names, weights, strict=True)
        )
        f = (
            rng.beta(false_match.successes + 0.5, false_match.failures + 0.5)
            if false_match.trials
            else 0.0
        )
        c = _chances(spec, float(d), float(f))
        sharers = int(rng.binomial(spec.accounts, spec.prevalence))
        offenders = int(rng.binomial(sharers, c.offender))
        flagged = int(rng.binomial(offenders, c.flag_offender))
        false_flags = int(rng.binomial(spec.accounts - sharers, c.flag_ordinary)) + int(
            rng.binomial(sharers - offenders, c.flag_sharer_below)
        )
        reviewed = flagged * c.matches_flagged_offender + false_flags * c.matches_flagged_other
        recall = flagged / offenders if offenders else c.flag_offender
        draws.append((offenders, recall, false_flags, reviewed))
    columns = list(zip(*draws, strict=True))
    per_million = PER_MILLION / spec.accounts
    return ModelResult(
        mode=mode,
        detection_per_item=p_detect,
        false_match_per_item=p_false,
        offenders=percentile_interval(point[0], columns[0]),
        account_recall=percentile_interval(point[1], columns[1]),
        false_flags_per_million=percentile_interval(
            point[2] * per_million, [x * per_million for x in columns[2]]
        ),
        false_flags=percentile_interval(point[2], columns[2]),
        reviewed_items=percentile_interval(point[3], columns[3]),
    )
