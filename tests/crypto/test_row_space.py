"""RowSpace membership is exact: a combination of kept rows is in the span, the same row with
one entry changed is not."""

from __future__ import annotations

import random

from vouchsafe.sdk.crypto.linear_algebra import RowSpace
from vouchsafe.sdk.tpsi.params import DHF_PRIME as Q


def test_membership_is_exact_for_combinations_and_their_one_entry_changes() -> None:
    rng = random.Random(7)
    width = 40
    space = RowSpace(width, Q, 10)
    rows = [[rng.randrange(Q) for _ in range(width)] for _ in range(6)]
    assert all(space.add(row) for row in rows)
    for _ in range(20):
        weights = [rng.randrange(Q) for _ in rows]
        combination = [
            sum(w * r[j] for w, r in zip(weights, rows, strict=True)) % Q for j in range(width)
        ]
        assert space.contains(combination)
        assert not space.add(combination)
        assert space.dependency(combination) == weights
        changed = list(combination)
        changed[rng.randrange(width)] ^= 1
        assert not space.contains(changed)
    assert space.rank == 6
