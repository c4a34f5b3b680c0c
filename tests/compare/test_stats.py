"""The intervals: Wilson for proportions, Newcombe for differences, bootstrap for means."""

from __future__ import annotations

import pytest

from vouchsafe.compare.stats import bootstrap_mean, difference, wilson


def test_wilson_matches_the_issue_figures_for_small_counts() -> None:
    five = wilson(5, 8)
    three = wilson(3, 8)
    assert five is not None and three is not None
    assert (round(100 * five.low), round(100 * five.high)) == (31, 86)
    assert (round(100 * three.low), round(100 * three.high)) == (14, 69)
    assert five.overlaps(three)


def test_wilson_at_the_edges_is_bounded_and_honest() -> None:
    zero, full = wilson(0, 30), wilson(30, 30)
    assert zero is not None and full is not None
    assert zero.value == 0 and zero.low == 0 and 0.10 < zero.high < 0.12
    assert full.high == 1 and 0.88 < full.low < 0.90
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_difference_interval_excludes_zero_only_for_a_real_gap() -> None:
    a, b = wilson(5, 8), wilson(3, 8)
    far_a, far_b = wilson(90, 100), wilson(10, 100)
    assert a and b and far_a and far_b
    close = difference(a, b)
    assert close.low < 0 < close.high
    far = difference(far_a, far_b)
    assert 0.65 < far.low < far.value < far.high < 0.9 and far.value == pytest.approx(0.8)


def test_bootstrap_mean_brackets_the_mean_and_is_exact_for_constants() -> None:
    e = bootstrap_mean([1.0, 2.0, 3.0, 10.0])
    assert e is not None and e.low < e.value == 4.0 < e.high <= 10.0
    constant = bootstrap_mean([5.0, 5.0])
    assert constant is not None and (constant.low, constant.high) == (5.0, 5.0)
    assert bootstrap_mean([]) is None
