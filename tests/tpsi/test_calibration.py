"""The default synthetic rate does what SPEC.md "Synthetic rate" says: about t distinct
synthetic shares after REFERENCE_ITEMS items."""

from __future__ import annotations

from tests.tpsi.conftest import make_setup
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.tpsi import new_account
from vouchsafe.sdk.tpsi.account import REFERENCE_ITEMS, default_synthetic_rate, synthetic_slot


def test_default_rate_gives_about_t_distinct_synthetic_shares_after_reference_items() -> None:
    params = make_setup(n=16, synthetic_max=32).blinded.params
    rng = SeededRandomness(b"calibration")
    t = 10
    counts = []
    for _ in range(12):
        account = new_account(params, threshold=t, rng=rng)
        slots = {synthetic_slot(account, b"item-%d" % i) for i in range(REFERENCE_ITEMS)}
        counts.append(len(slots - {None}))
    mean = sum(counts) / len(counts)
    assert 0.75 * t <= mean <= 1.25 * t, counts


def test_default_rate_values() -> None:
    assert abs(default_synthetic_rate(10, 32) - 0.0120) < 0.0005
    assert default_synthetic_rate(40, 32) < 1  # capped by s_max - 1, not by t
    assert default_synthetic_rate(2, 1) == 0.0  # s_max = 1 leaves no room below the cap
