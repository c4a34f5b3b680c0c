"""Attack 8 (pre-encryption bypass): the documented limit shows exactly as THREAT_MODEL.md says."""

from __future__ import annotations

from vouchsafe.threat_model.attacks import pre_encryption


def test_pre_encrypted_media_is_never_detected_while_plain_copies_are() -> None:
    outcome = pre_encryption.run(pre_encryption.Config(items=3, threshold=2))
    evidence = outcome.evidence
    assert outcome.held
    assert evidence["plain_sent_matched"] == 3
    assert evidence["opaque_file_decoded"] == 0
    assert evidence["ciphertext_in_pixels_matched"] == 0
    assert evidence["recipient_recovered_exactly"] == 3
    server = evidence["server_recovered_past_threshold"]
    assert server["threshold_reached"] == 1
    assert server["wrapped"] == 0


def test_ciphertext_packing_round_trips_exactly() -> None:
    data = bytes(range(256)) * 3 + b"tail"
    assert pre_encryption._from_pixels(pre_encryption._to_pixels(data)) == data
