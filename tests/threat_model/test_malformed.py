"""Attack 7 (malformed input and downgrade)."""

from __future__ import annotations

from sdk.crypto.group import is_valid_encoding
from sdk.tpsi import blind_hash_set, generate_server_keys
from threat_model.attacks import malformed


def _library_accepts_high_bit_encodings() -> bool:
    blinded = blind_hash_set(generate_server_keys(), [bytes([1]) * 32], max_candidates=1)
    element = blinded.element(0)
    return is_valid_encoding(element[:31] + bytes([element[31] | 0x80]))


def test_structurally_bad_messages_are_rejected_with_typed_errors_and_nothing_crashes() -> None:
    outcome = malformed.run(malformed.Config(cuts=30, flips=40))
    evidence = outcome.evidence
    assert evidence["totals"].get("crashed", 0) == 0
    for family in ("downgrade", "invalid_point", "truncated", "extended", "release"):
        assert set(evidence[family]) == {"rejected"}, (family, evidence[family])
    assert evidence["bit_flip_voucher"].get("accepted", 0) == 0


def test_high_bit_encodings_are_the_finding_the_threat_model_states() -> None:
    # THREAT_MODEL.md T7: libsodium 1.0.18 accepts ristretto255 encodings with bit 255 set, so
    # the claim fails until the validation also rejects that bit; then it holds.
    outcome = malformed.run(malformed.Config(cuts=5, flips=5))
    accepted = outcome.evidence["high_bit_encoding"].get("accepted", 0)
    if _library_accepts_high_bit_encodings():
        assert accepted == 3
        assert not outcome.held
    else:
        assert accepted == 0
        assert outcome.held
