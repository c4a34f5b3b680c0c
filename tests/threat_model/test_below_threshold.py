"""Attack 3 (below-threshold inference): the simulation, its match with the protocol, the
outcome on the protocol's defaults."""

from __future__ import annotations

import numpy as np
import pytest

from vouchsafe.threat_model.attacks import below_threshold, schedule_sim


def test_simulated_synthetic_count_matches_the_schedule() -> None:
    schedule = schedule_sim.Schedule(44, 40)
    base = schedule_sim.sample_opened(schedule, 5000, 2000, np.random.default_rng(0))
    mean = float(np.mean([len(o) for o in base]))
    expected = schedule.expected_synthetic(5000)
    assert abs(mean - expected) < 4 * (expected / 2000) ** 0.5


def test_without_synthetics_the_server_sees_every_match() -> None:
    # scale 0: nothing is synthetic, so one match is always seen
    schedule = schedule_sim.Schedule(1e-9, 0)
    base = schedule_sim.sample_opened(schedule, 300, 200, np.random.default_rng(1))
    estimate, _ = schedule_sim.advantage(base, 300, 1, schedule, np.random.default_rng(2))
    assert estimate > 0.99


def test_a_constant_rate_spends_the_budget_the_default_schedule_keeps() -> None:
    # the v1 situation: a constant rate reaches s_max long before 10^6 items, after which every
    # new opened tag is a real match; c/(i + i0) grows like c ln(N) and stays below the cap
    constant = schedule_sim.Schedule(0.3e9, 1e9)
    default = schedule_sim.Schedule(44, 40)
    assert schedule_sim.cap_probability(constant, 100_000, 512) == 1.0
    assert schedule_sim.cap_probability(default, 1_000_000, 512) < 0.01


def test_model_matches_what_the_protocol_really_opens() -> None:
    config = below_threshold.Config(activities=(300,), hidden=(1,), trials=200, check_items=40)
    outcome = below_threshold.run(config)
    check = outcome.evidence["model_matches_protocol"]
    assert check["agree"], check


def test_default_schedule_hides_one_match_at_every_volume() -> None:
    # THREAT_MODEL.md T3: at the defaults the claim holds from 300 to 10^6 items.
    config = below_threshold.Config(
        activities=(300, 10_000, 1_000_000), hidden=(1, 0), trials=1500, check_items=10
    )
    outcome = below_threshold.run(config)
    assert outcome.held, outcome.evidence["advantage_table"]
    table = outcome.evidence["advantage_table"]
    assert all(row["adv_1_upper"] <= 0.05 for row in table.values())
    # t - 1 hidden matches are not hidden: stated, not claimed
    assert all(row["adv_29"] > 0.5 for row in table.values())


@pytest.mark.parametrize("n", [300, 1000])
def test_recall_lost_to_synthetics_is_the_expected_synthetic_share(n: int) -> None:
    schedule = schedule_sim.Schedule(44, 40)
    assert schedule.expected_synthetic(n) / n == pytest.approx(
        sum(min(1, 44 / (i + 40)) for i in range(1, n + 1)) / n
    )
