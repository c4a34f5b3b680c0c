"""Attack 7 (malformed input and downgrade)."""

from __future__ import annotations

from vouchsafe.threat_model.attacks import malformed


def test_structurally_bad_messages_are_rejected_with_typed_errors_and_nothing_crashes() -> None:
    outcome = malformed.run(malformed.Config(cuts=30, flips=40))
    evidence = outcome.evidence
    assert evidence["totals"].get("crashed", 0) == 0
    for family in ("downgrade", "invalid_point", "truncated", "extended", "release"):
        assert set(evidence[family]) == {"rejected"}, (family, evidence[family])
    assert evidence["bit_flip_voucher"].get("accepted", 0) == 0


def test_high_bit_encodings_are_rejected_everywhere() -> None:
    # THREAT_MODEL.md T7: libsodium 1.0.18 accepts ristretto255 encodings with bit 255 set;
    # vouchsafe.sdk.crypto.group.is_valid_encoding rejects them, so re-encoded vouchers and
    # duplicate
    # table elements under a second encoding are refused.
    outcome = malformed.run(malformed.Config(cuts=5, flips=5, server_routes=False))
    assert outcome.evidence["high_bit_encoding"].get("accepted", 0) == 0
    assert outcome.held


def test_no_malformed_request_to_any_route_gets_a_500_or_an_untyped_error() -> None:
    outcome = malformed.run(malformed.Config(cuts=5, flips=5))
    evidence = outcome.evidence
    assert evidence["server_requests"] >= 300
    assert set(evidence["server_totals"]) <= {"rejected", "accepted"}, evidence["server_routes"]
    # Every refusal kind that must be refused was refused, on every route it was tried on.
    for kind in (
        "no_content_type",
        "lying_length",
        "oversized_body",
        "cut_envelope",
        "other_path",
        "unknown_key",
        "stale",
        "wrong_role",
        "replayed",
        "garbage_inner",
    ):
        assert set(evidence["server_routes"][kind]) == {"rejected"}, (
            kind,
            evidence["server_routes"][kind],
        )
    assert outcome.held
