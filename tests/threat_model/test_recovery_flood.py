"""Attack 10 (recovery flood): the work per flooding upload is bounded and the account is
marked abuse_suspected at the cap, on a small configuration."""

from __future__ import annotations

from vouchsafe.threat_model.attacks import recovery_flood
from vouchsafe.threat_model.attacks.base import load, names


def test_a_flooding_account_is_capped_marked_and_then_costs_nothing() -> None:
    config = recovery_flood.Config(threshold=5, synthetic_max=24, beyond_cap=10, honest_uploads=4)
    outcome = recovery_flood.run(config)
    evidence = outcome.evidence
    assert outcome.held, evidence
    assert evidence["max_rows_added_per_upload"] == 1
    assert evidence["max_rows_kept"] == evidence["row_space_width"] == 5 - 1 + 24
    assert evidence["marked_abuse_suspected_at_upload"] == 5 - 1 + 24 + 1
    assert evidence["recovery_work_after_mark"] == 0


def test_recovery_flood_is_registered() -> None:
    assert "recovery-flood" in names()
    assert load("recovery-flood").NUMBER == 10
