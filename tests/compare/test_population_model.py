"""The population model: exact chances, honest zeros, and intervals that follow the counts."""

from __future__ import annotations

import math

from vouchsafe.compare.population_model import ModelSpec, run_model
from vouchsafe.compare.replicates import Counts


def _spec(**overrides: object) -> ModelSpec:
    values: dict[str, object] = {
        "accounts": 100_000, "prevalence": 0.001, "items_per_account": 1000.0,
        "known_items_per_sharer": 10.0, "known_items_fixed": False, "threshold": 3, "draws": 200,
    }  # fmt: skip
    values.update(overrides)
    return ModelSpec(**values)  # type: ignore[arg-type]


def test_perfect_detection_and_no_false_match_flags_every_offender_and_nobody_else() -> None:
    m = run_model(_spec(), "x", {"none": Counts(500, 500)}, Counts(0, 10**9))
    assert m.account_recall.value == 1.0
    assert m.false_flags.value == 0 and m.false_flags_per_million.high < 1.0
    # offenders: re-sharers with >= 3 known items of Poisson(10): 100 * P(K >= 3)
    p_offender = 1 - sum(math.exp(-10) * 10**k / math.factorial(k) for k in range(3))
    assert abs(m.offenders.value - 100 * p_offender) < 1e-6


def test_ordinary_false_flags_follow_the_poisson_tail() -> None:
    # 1 false match per 1000 photos, 1000 photos a year: Poisson(1); P(>= 3)
    m = run_model(_spec(prevalence=0.0), "x", {"none": Counts(0, 10)}, Counts(1000, 10**6))
    tail = 1 - sum(math.exp(-1) / math.factorial(k) for k in range(3))
    assert abs(m.false_flags_per_million.value - 1e6 * tail) < 1.0
    assert m.false_flags_per_million.low < m.false_flags_per_million.value
    assert m.false_flags_per_million.value < m.false_flags_per_million.high


def test_fixed_below_threshold_sharers_are_never_offenders() -> None:
    spec = _spec(known_items_per_sharer=2.0, known_items_fixed=True)
    m = run_model(spec, "x", {"none": Counts(10, 10)}, Counts(0, 10**9))
    assert m.offenders.value == 0 and m.offenders.high == 0
    assert m.false_flags.value == 0


def test_few_measurements_give_wide_intervals_many_give_narrow_ones() -> None:
    few = run_model(_spec(), "x", {"none": Counts(3, 6)}, Counts(0, 100))
    many = run_model(_spec(), "x", {"none": Counts(3000, 6000)}, Counts(0, 10**7))
    width = lambda e: e.high - e.low  # noqa: E731
    assert width(few.account_recall) > width(many.account_recall)
    assert width(few.false_flags_per_million) > width(many.false_flags_per_million)
