"""Request signing (sdk/api/signing.py): what verifies and what is refused."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.signing import (
    canonical_request_bytes,
    key_id_for,
    parse_signed_request,
    sign_request,
    verify_request,
)
from vouchsafe.sdk.errors import (
    InvalidRequestSignature,
    MalformedRequest,
    StaleRequest,
    UnsignedRequest,
)

NOW = 1_800_000_000_000


def _signed(key: Ed25519PrivateKey, body: bytes = b"payload") -> api_pb2.SignedRequest:
    return sign_request(key, "POST", "/v1/vouchers", body, timestamp_ms=NOW, nonce=b"n" * 16)


def test_signed_request_verifies_under_its_key() -> None:
    key = Ed25519PrivateKey.generate()
    env = parse_signed_request(_signed(key).SerializeToString())
    verify_request(env, key.public_key().public_bytes_raw(), "POST", "/v1/vouchers", now_ms=NOW)


def test_changed_body_breaks_the_signature() -> None:
    key = Ed25519PrivateKey.generate()
    env = _signed(key)
    env.body = b"other"
    with pytest.raises(InvalidRequestSignature):
        verify_request(env, key.public_key().public_bytes_raw(), "POST", "/v1/vouchers", now_ms=NOW)


def test_signature_for_one_endpoint_is_refused_at_another() -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(InvalidRequestSignature):
        verify_request(
            _signed(key), key.public_key().public_bytes_raw(), "POST", "/v1/appeals", now_ms=NOW
        )


def test_other_key_is_refused() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(InvalidRequestSignature):
        verify_request(
            _signed(key), other.public_key().public_bytes_raw(), "POST", "/v1/vouchers", now_ms=NOW
        )


def test_old_timestamp_is_stale() -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(StaleRequest):
        verify_request(
            _signed(key),
            key.public_key().public_bytes_raw(),
            "POST",
            "/v1/vouchers",
            now_ms=NOW + 301_000,
        )


def test_garbage_is_malformed_and_bare_body_is_unsigned() -> None:
    with pytest.raises(MalformedRequest):
        parse_signed_request(b"\xff\xff\xff")
    with pytest.raises(UnsignedRequest):
        parse_signed_request(api_pb2.SignedRequest(body=b"x").SerializeToString())


def test_canonical_bytes_are_prefix_free_across_fields() -> None:
    a = canonical_request_bytes("k" * 32, 1, b"ab", "POST", "/x", b"")
    b = canonical_request_bytes("k" * 32, 1, b"a", "POST", "b/x", b"")
    assert a != b


def test_key_id_is_stable_and_depends_on_the_key() -> None:
    pk = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert key_id_for(pk) == key_id_for(pk)
    assert len(key_id_for(pk)) == 32
    with pytest.raises(MalformedRequest):
        key_id_for(b"short")
