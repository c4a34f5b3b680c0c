"""Attack 4 (malicious server): what the device cannot see and what does expose a hidden target."""

from __future__ import annotations

from vouchsafe.threat_model.attacks import malicious_server


def test_target_hidden_in_empty_slot_passes_device_checks_and_opens() -> None:
    outcome = malicious_server.run(malicious_server.Config(admitted=60, targets=6))
    evidence = outcome.evidence
    assert evidence["hidden"] >= 1
    assert outcome.held
    assert evidence["device_accepted"] == evidence["hidden"]
    assert evidence["opened_on_honest"] == 0
    assert evidence["opened_on_tampered"] == evidence["hidden"]
    assert evidence["digest_changed"] == evidence["hidden"]
    # What `hashset audit` with the build seed does: a byte-for-byte rebuild differs.
    assert evidence["seeded_rebuild_detects"] == evidence["seeded_hidden"] > 0
