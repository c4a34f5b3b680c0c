"""Request signing for the provider API (SPEC.md A.1): pure functions both sides share.

A client signs every authenticated request with its account's Ed25519 key; the server verifies
the signature, the timestamp window and (with its own state) that the nonce is new. Nothing here
touches a network or a database, so the messenger and the server import the same code.

Signed bytes (``canonical_request_bytes``): ``framed(LABEL("RequestSignature"), key id (ASCII),
timestamp (8 bytes, signed big-endian ms since the epoch), nonce, method (ASCII, upper case),
path (ASCII), SHA-256 of the body)`` (``sdk/crypto/labels.py``). Binding method and
path stops a signed body from being replayed against another endpoint.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.message import DecodeError

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.crypto import ed25519, labels
from vouchsafe.sdk.decoding import decode_canonical
from vouchsafe.sdk.errors import (
    InvalidRequestSignature,
    MalformedRequest,
    StaleRequest,
    UnsignedRequest,
)

SIGNATURE_SCHEME = "vouchsafe-request-ed25519-v1"
API_VERSION = 1
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64
NONCE_SIZE = 16
KEY_ID_HEX_CHARS = 32
# Five minutes either way: wide enough for unsynchronised phone clocks, narrow enough that the
# server's nonce memory (which must outlive the window) stays small.
DEFAULT_WINDOW_MS = 300_000


def key_id_for(public_key: bytes) -> str:
    """The key id of an Ed25519 public key: 32 hex chars of SHA-256(framed(KeyId, key))."""
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise MalformedRequest(
            f"an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes, got {len(public_key)}",
            field="signing_public_key",
        )
    digest = hashlib.sha256(labels.framed(labels.KEY_ID, public_key)).hexdigest()
    return digest[:KEY_ID_HEX_CHARS]


def body_digest(body: bytes) -> bytes:
    """SHA-256 of the serialized inner request."""
    return hashlib.sha256(body).digest()


def canonical_request_bytes(
    key_id: str, timestamp_ms: int, nonce: bytes, method: str, path: str, body: bytes
) -> bytes:
    """The exact bytes an Ed25519 request signature covers (see the module docstring)."""
    return labels.framed(
        labels.REQUEST_SIGNATURE, *_request_fields(key_id, timestamp_ms, nonce, method, path, body)
    )


def _request_fields(
    key_id: str, timestamp_ms: int, nonce: bytes, method: str, path: str, body: bytes
) -> tuple[bytes, ...]:
    return (
        key_id.encode("ascii"),
        struct.pack(">q", timestamp_ms),
        nonce,
        method.upper().encode("ascii"),
        path.encode("ascii"),
        body_digest(body),
    )


def sign_request(
    private_key: Ed25519PrivateKey,
    method: str,
    path: str,
    body: bytes,
    *,
    timestamp_ms: int | None = None,
    nonce: bytes | None = None,
) -> api_pb2.SignedRequest:
    """Wraps ``body`` (a serialized request message) in a signed envelope.

    ``timestamp_ms`` defaults to now and ``nonce`` to 16 fresh random bytes; pass them only to
    build deterministic test cases.
    """
    public = private_key.public_key().public_bytes_raw()
    key_id = key_id_for(public)
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    n = secrets.token_bytes(NONCE_SIZE) if nonce is None else nonce
    fields = _request_fields(key_id, ts, n, method, path, body)
    return api_pb2.SignedRequest(
        version=API_VERSION,
        signature_scheme=SIGNATURE_SCHEME,
        key_id=key_id,
        timestamp_ms=ts,
        nonce=n,
        method=method.upper(),
        path=path,
        body=body,
        signature=ed25519.sign(private_key, labels.REQUEST_SIGNATURE, *fields),
    )


def parse_signed_request(data: bytes) -> api_pb2.SignedRequest:
    """Decodes and structurally checks an envelope; raises before any signature work.

    Raises MalformedRequest for bytes that are not a SignedRequest and UnsignedRequest for an
    envelope without scheme, key id, nonce or signature.
    """
    try:
        envelope = decode_canonical(
            api_pb2.SignedRequest, data, field="body", what="SignedRequest", error=MalformedRequest
        )
    except MalformedRequest:
        # A bare inner request (fields 1..n, the envelope's start at 1001) decodes as an envelope
        # of unknown fields only: say "unsigned", which is what the caller got wrong.
        if _is_bare_request(data):
            raise UnsignedRequest(
                "request is not signed; wrap it in a SignedRequest envelope"
            ) from None
        raise
    if not envelope.signature and not envelope.key_id:
        raise UnsignedRequest("request is not signed; wrap it in a SignedRequest envelope")
    if envelope.version != API_VERSION:
        raise MalformedRequest(
            f"unsupported SignedRequest version {envelope.version}", field="version"
        )
    if envelope.signature_scheme != SIGNATURE_SCHEME:
        raise MalformedRequest(
            f"unsupported signature scheme {envelope.signature_scheme!r}", field="signature_scheme"
        )
    if len(envelope.key_id) != KEY_ID_HEX_CHARS or not _is_hex(envelope.key_id):
        raise UnsignedRequest("key_id must be 32 lowercase hex characters", field="key_id")
    if len(envelope.nonce) != NONCE_SIZE:
        raise UnsignedRequest(f"nonce must be {NONCE_SIZE} bytes", field="nonce")
    if len(envelope.signature) != SIGNATURE_SIZE:
        raise UnsignedRequest(f"signature must be {SIGNATURE_SIZE} bytes", field="signature")
    if not envelope.method.isascii() or not envelope.path.isascii():
        raise MalformedRequest("method and path must be ASCII", field="path")
    return envelope


def verify_request(
    envelope: api_pb2.SignedRequest,
    public_key: bytes,
    method: str,
    path: str,
    *,
    now_ms: int,
    window_ms: int = DEFAULT_WINDOW_MS,
) -> None:
    """Checks that ``envelope`` was signed by ``public_key`` for this endpoint, recently.

    Raises InvalidRequestSignature (wrong key, endpoint or bytes, or a key no private key stands
    behind: small order or non-canonical; no detail beyond that) or StaleRequest. Replay
    refusal needs state and is the server's job, after this succeeds.
    """
    if envelope.method.upper() != method.upper() or envelope.path != path:
        raise InvalidRequestSignature("request was signed for another endpoint", field="path")
    if key_id_for(public_key) != envelope.key_id:
        raise InvalidRequestSignature("key_id does not match the account's key", field="key_id")
    check_request_time(envelope, now_ms=now_ms, window_ms=window_ms)
    fields = _request_fields(
        envelope.key_id, envelope.timestamp_ms, envelope.nonce, method, path, envelope.body
    )
    if not ed25519.verify(public_key, envelope.signature, labels.REQUEST_SIGNATURE, *fields):
        raise InvalidRequestSignature("request signature does not verify")


def check_request_time(
    envelope: api_pb2.SignedRequest, *, now_ms: int, window_ms: int = DEFAULT_WINDOW_MS
) -> None:
    """Raises StaleRequest unless ``envelope`` was signed within ``window_ms`` of ``now_ms``."""
    if abs(now_ms - envelope.timestamp_ms) > window_ms:
        raise StaleRequest(
            f"timestamp is more than {window_ms // 1000} s away from the server clock",
            field="timestamp_ms",
        )


def _is_bare_request(data: bytes) -> bool:
    lenient = api_pb2.SignedRequest()
    try:
        lenient.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError):
        return False
    return not lenient.ListFields()


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)
