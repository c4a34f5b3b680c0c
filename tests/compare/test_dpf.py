"""The distributed point function behind multi_party."""

from __future__ import annotations

import secrets

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vouchsafe.compare.modes.dpf import DpfKey, PointTree, eval_sum, eval_sum_many, gen

BITS = 24


def _points(count: int) -> np.ndarray:  # type: ignore[type-arg]
    return np.array(sorted({secrets.randbits(BITS) for _ in range(count)}), dtype=np.uint64)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << BITS) - 1))
def test_shares_add_up_to_one_exactly_when_alpha_is_in_the_set(alpha: int) -> None:
    points = _points(50)
    for inside in (False, True):
        pts = np.union1d(points, np.array([alpha], dtype=np.uint64)) if inside else points
        pts = pts if inside else pts[pts != alpha]
        tree = PointTree.build(pts, BITS)
        k0, k1 = gen(alpha, BITS)
        total = (eval_sum(k0, tree) + eval_sum(k1, tree)) % (1 << 64)
        assert total == int(inside)


def test_each_key_alone_looks_unrelated_to_alpha() -> None:
    # the same alpha twice gives unrelated keys for one party (fresh seeds and corrections)
    a0, _ = gen(12345, BITS)
    b0, _ = gen(12345, BITS)
    assert a0.seed != b0.seed and a0.cw_seeds != b0.cw_seeds


def test_keys_round_trip_and_bad_keys_are_rejected() -> None:
    k0, _k1 = gen(7, BITS)
    assert DpfKey.from_bytes(k0.to_bytes()) == k0
    with pytest.raises(ValueError):
        DpfKey.from_bytes(k0.to_bytes()[:-1])
    with pytest.raises(ValueError):
        DpfKey.from_bytes(b"\x05" + k0.to_bytes()[1:])


def test_batched_evaluation_equals_one_key_at_a_time() -> None:
    points = _points(300)
    tree = PointTree.build(points, BITS)
    pairs = [gen(int(points[3]), BITS), gen(int(points[7]), BITS), gen(5, BITS)]
    for party in (0, 1):
        keys = [pair[party] for pair in pairs]
        single = sum(eval_sum(k, tree) for k in keys) % (1 << 64)
        assert eval_sum_many(keys, tree) == single
    both = eval_sum_many([p[0] for p in pairs], tree) + eval_sum_many([p[1] for p in pairs], tree)
    assert both % (1 << 64) == 2 + int(5 in set(points.tolist()))
