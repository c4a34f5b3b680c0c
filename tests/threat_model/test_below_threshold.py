"""Attack 3 (below-threshold inference): the outcome THREAT_MODEL.md states, and the model."""

from __future__ import annotations

import numpy as np
import pytest

from threat_model.attacks import below_threshold, counting


def test_opened_count_distribution_is_a_distribution_shifted_by_real_matches() -> None:
    pmf0 = counting.opened_count_pmf(50, 0, 0.1, None)
    pmf3 = counting.opened_count_pmf(50, 3, 0.1, None)
    assert pmf0.sum() == pytest.approx(1.0)
    assert pmf3.sum() == pytest.approx(1.0)
    assert pmf3[:3].sum() == 0.0
    mean0 = float((np.arange(51) * pmf0).sum())
    assert mean0 == pytest.approx(5.0)


def test_without_synthetics_the_server_counts_real_matches_exactly() -> None:
    assert counting.distinguishing_advantage(100, 1, 0.0, None) == pytest.approx(1.0)


def test_a_saturated_cap_gives_the_real_count_away() -> None:
    # 1000 items at rate 0.05 expect 50 synthetics; a cap of 20 is reached almost surely,
    # so O = m + 20 and one real match is visible.
    assert counting.distinguishing_advantage(1000, 1, 0.05, 20) > 0.99


def test_server_hides_one_match_at_default_rate_for_active_accounts() -> None:
    outcome = below_threshold.run(below_threshold.Config())
    assert outcome.held, outcome.evidence["adv_1_at_default_rate"]


def test_server_learns_a_near_threshold_count_at_default_rate() -> None:
    outcome = below_threshold.run(below_threshold.Config(activities=(1000,)))
    row = outcome.evidence["advantage_table"]["n=1000 rate=0.02"]
    assert row["adv_9"] > 0.5


def test_claim_fails_for_light_users_at_default_rate() -> None:
    outcome = below_threshold.run(below_threshold.Config(activities=(100,), min_items=100))
    assert not outcome.held
