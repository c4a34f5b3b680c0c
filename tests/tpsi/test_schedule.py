"""The device's synthetic schedule (SPEC.md section 10): probability min(1, c/(i + i0)) for its
i-th distinct item, decisions remembered for re-sends, the budget respected, state persisted."""

from __future__ import annotations

import pytest

from tests.tpsi.conftest import make_setup
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.errors import InvalidLengthError
from vouchsafe.sdk.tpsi import SyntheticSchedule, new_account
from vouchsafe.sdk.tpsi.schedule import (
    COIN_SCALE,
    SYNTHETIC_OFFSET,
    SYNTHETIC_SCALE,
    device_budget,
    synthetic_limit,
)


def test_limit_is_one_for_the_first_items_then_c_over_i_plus_i0() -> None:
    assert synthetic_limit(1) == COIN_SCALE
    first_below_one = SYNTHETIC_SCALE - SYNTHETIC_OFFSET + 1
    assert synthetic_limit(first_below_one) < COIN_SCALE
    assert synthetic_limit(1000) == SYNTHETIC_SCALE * COIN_SCALE // (1000 + SYNTHETIC_OFFSET)


def test_synthetic_count_follows_the_schedule_and_resends_repeat() -> None:
    params = make_setup(n=8, synthetic_max=512).blinded.params
    rng = SeededRandomness(b"schedule")
    counts = []
    for _ in range(8):
        account = new_account(params, threshold=5, rng=rng)
        schedule = SyntheticSchedule.for_account(account)
        decisions = [schedule.decide(account, b"item-%d" % i) for i in range(2000)]
        assert [schedule.decide(account, b"item-%d" % i) for i in range(2000)] == decisions
        assert schedule.items_seen == 2000
        counts.append(sum(decisions))
    expected = sum(min(1.0, SYNTHETIC_SCALE / (i + SYNTHETIC_OFFSET)) for i in range(1, 2001))
    mean = sum(counts) / len(counts)
    assert abs(mean - expected) < 4 * (expected / len(counts)) ** 0.5, (counts, expected)


def test_a_device_never_exceeds_its_budget_and_state_round_trips() -> None:
    params = make_setup(n=8, synthetic_max=16).blinded.params
    account = new_account(params, threshold=3, rng=SeededRandomness(b"budget"))
    schedule = SyntheticSchedule.for_account(account, devices=2)
    assert schedule.budget == device_budget(16, 2) == 8
    for i in range(200):
        schedule.decide(account, b"x%d" % i)
    assert schedule.synthetic_count == 8
    restored = SyntheticSchedule.from_bytes(schedule.to_bytes())
    assert restored.to_bytes() == schedule.to_bytes()
    assert all(
        restored.peek(account, b"x%d" % i) == schedule.peek(account, b"x%d" % i) for i in range(200)
    )
    with pytest.raises(InvalidLengthError):
        SyntheticSchedule.from_bytes(schedule.to_bytes()[:-1])
