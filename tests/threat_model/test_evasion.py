"""Attack 2 (evasion): small black-box perturbations make known images miss (documented limit)."""

from __future__ import annotations

import pytest

from vouchsafe.threat_model.attacks import evasion
from vouchsafe.threat_model.attacks.base import AttackOutcome


@pytest.fixture(scope="module")
def outcome() -> AttackOutcome:
    return evasion.run(evasion.Config(images=2, budget=800))


def test_known_images_miss_the_psi_match_after_a_small_perturbation(
    outcome: AttackOutcome,
) -> None:
    evidence = outcome.evidence
    assert outcome.held
    assert evidence["psi_miss_rate"] == 1.0
    assert evidence["psi_miss_median_psnr_db"] >= 30.0
    for row in evidence["per_image"]:
        assert not row["already_missing"]


def test_evading_plaintext_pdq_at_31_costs_more_distortion_than_evading_psi(
    outcome: AttackOutcome,
) -> None:
    evidence = outcome.evidence
    assert evidence["pdq31_miss_median_psnr_db"] < evidence["psi_miss_median_psnr_db"]
