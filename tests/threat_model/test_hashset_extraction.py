"""Attack 5 (hash-set extraction): blinded release vs plaintext on-device list."""

from __future__ import annotations

from vouchsafe.threat_model.attacks import hashset_extraction


def test_membership_tests_without_server_key_do_no_better_than_chance() -> None:
    outcome = hashset_extraction.run(hashset_extraction.Config(members=120))
    evidence = outcome.evidence
    assert outcome.held
    band = evidence["noise_band_3sigma"]
    for accuracy in evidence["accuracy_without_server_key"].values():
        assert accuracy <= 0.5 + 2 * band
    assert evidence["accuracy_plaintext_on_device_list"] == 1.0
    assert evidence["accuracy_with_leaked_server_key"] == 1.0
