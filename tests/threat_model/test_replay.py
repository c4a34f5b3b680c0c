"""Attack 6 (replay and inflation): counts move only with genuine distinct matches."""

from __future__ import annotations

from vouchsafe.threat_model.attacks import replay


def test_replayed_duplicated_and_foreign_vouchers_do_not_cross_the_threshold() -> None:
    outcome = replay.run(replay.Config(threshold=3, copies=3))
    evidence = outcome.evidence
    assert outcome.held
    assert evidence["replayed"]["distinct_shares"] == 2
    assert evidence["duplicated_on_second_device"]["distinct_shares"] == 2
    assert not evidence["cross_account_below_t"]["threshold_reached"]
    assert evidence["one_more_genuine_item"]["recovered_only_own_items"]


def test_a_full_injection_of_another_accounts_vouchers_is_recovered_under_the_victim() -> None:
    # The documented limit: only authenticated upload keeps vouchers in their own account.
    outcome = replay.run(replay.Config(threshold=3, copies=1))
    injection = outcome.evidence["cross_account_full_injection"]
    assert injection["threshold_reached"]
    assert injection["recovered_items_are_the_injectors"]
