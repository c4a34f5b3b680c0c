"""HAZMAT: Ed25519 signatures (from ``cryptography``) behind a few small typed functions.

Every Ed25519 signature in the project (releases, source lists, signed requests, the provider's
receipts, reports and audit checkpoints, the messenger) signs one framing:
``labels.framed(label, *fields)`` = ``label || lp(field_1) || ...``. Labels are prefix-free, so
a signature made for one purpose never verifies for another.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vouchsafe.sdk.crypto.group import load_libsodium
from vouchsafe.sdk.crypto.labels import framed

PUBLIC_KEY_SIZE = 32
PRIVATE_KEY_SIZE = 32
SIGNATURE_SIZE = 64

_sodium = load_libsodium()


def generate_private_key() -> bytes:
    """A fresh Ed25519 private key (32-byte seed) from the OS's randomness."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def public_key(private_key: bytes) -> bytes:
    """The 32-byte public key of a 32-byte private key seed."""
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def is_valid_public_key(public_key_bytes: bytes) -> bool:
    """True only for the canonical encoding of a point in the prime-order subgroup.

    Refuses what ``cryptography``'s verification accepts but no honest key generation yields:
    small-order points (the identity among them, for which ``R = identity, S = 0`` verifies on
    every message, so a signature needs no private key), points with a small-order component,
    non-canonical encodings (y >= p, or x = 0 with the sign bit set) and non-points. Uses
    libsodium's ``crypto_core_ed25519_is_valid_point``.
    """
    if len(public_key_bytes) != PUBLIC_KEY_SIZE:
        return False
    return bool(_sodium.crypto_core_ed25519_is_valid_point(bytes(public_key_bytes)) == 1)


def sign(private_key: bytes | Ed25519PrivateKey, label: bytes, *fields: bytes) -> bytes:
    """A 64-byte Ed25519 signature over ``framed(label, *fields)``."""
    key = (
        private_key
        if isinstance(private_key, Ed25519PrivateKey)
        else Ed25519PrivateKey.from_private_bytes(private_key)
    )
    return key.sign(framed(label, *fields))


def verify(public_key_bytes: bytes, signature: bytes, label: bytes, *fields: bytes) -> bool:
    """True only if ``signature`` signs ``framed(label, *fields)`` under the key.

    Wrong lengths and invalid keys give False, small-order and non-canonical keys included (see
    ``is_valid_public_key``: under such a key a signature needs no private key); nothing about
    the failure is revealed. Callers raise their own typed error on False.
    """
    if len(signature) != SIGNATURE_SIZE or not is_valid_public_key(public_key_bytes):
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(public_key_bytes)
        key.verify(signature, framed(label, *fields))
    except (InvalidSignature, ValueError):
        return False
    return True
