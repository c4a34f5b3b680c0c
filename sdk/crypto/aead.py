"""HAZMAT: authenticated encryption, ChaCha20-Poly1305 (RFC 8439) from ``cryptography``.

The tPSI-AD proofs assume a *random-key-robust* AEAD: a ciphertext made under one random key
must not decrypt under another random key. ChaCha20-Poly1305 gives that only up to forgery
probability and is not key-committing, so the outer layer uses :func:`seal_committing`, which
prefixes a 32-byte key-commitment tag derived from the key (the "hash-the-key" fix); opening
checks it in constant time before decrypting, which also rejects a wrong key cheaply.
"""

from __future__ import annotations

from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from vouchsafe.sdk.crypto.constant_time import bytes_eq
from vouchsafe.sdk.errors import DecryptionError

KEY_LENGTH: Final = 32
NONCE_LENGTH: Final = 12
TAG_LENGTH: Final = 16
COMMITMENT_LENGTH: Final = 32
ZERO_NONCE: Final = bytes(NONCE_LENGTH)


def seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """ChaCha20-Poly1305 encryption: ``len(plaintext) + 16`` bytes."""
    return ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)


def open_(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """ChaCha20-Poly1305 decryption. Raises DecryptionError (no detail) on failure."""
    if len(key) != KEY_LENGTH or len(nonce) != NONCE_LENGTH:
        raise DecryptionError("authenticated decryption failed")
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise DecryptionError("authenticated decryption failed") from None


def seal_committing(key: bytes, commitment: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """``commitment || Seal(key, zero nonce, plaintext, aad)``. ``key`` MUST be used once."""
    return commitment + seal(key, ZERO_NONCE, plaintext, aad)


def open_committing(key: bytes, commitment: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """Inverse of :func:`seal_committing`; the commitment is compared in constant time."""
    plaintext = try_open_committing(key, commitment, ciphertext, aad)
    if plaintext is None:
        raise DecryptionError("authenticated decryption failed")
    return plaintext


def try_open_committing(
    key: bytes, commitment: bytes, ciphertext: bytes, aad: bytes
) -> bytes | None:
    """:func:`open_committing` returning None instead of raising (the server's hot path,
    where most halves do not open)."""
    if len(ciphertext) < COMMITMENT_LENGTH + TAG_LENGTH or not bytes_eq(
        ciphertext[:COMMITMENT_LENGTH], commitment
    ):
        return None
    try:
        return ChaCha20Poly1305(key).decrypt(ZERO_NONCE, ciphertext[COMMITMENT_LENGTH:], aad)
    except InvalidTag:
        return None
