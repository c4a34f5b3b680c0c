"""HAZMAT: key derivation (HKDF-SHA-512, RFC 5869) and the PRF (HMAC-SHA-512), both from
``cryptography``."""

from __future__ import annotations

from typing import Final

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HASH_LENGTH: Final = 64


def hkdf(ikm: bytes, *, salt: bytes | None, info: bytes, length: int) -> bytes:
    """HKDF-SHA-512 (extract then expand) of ``ikm``; at most 255 * 64 bytes."""
    return HKDF(algorithm=hashes.SHA512(), length=length, salt=salt, info=info).derive(ikm)


def prf(key: bytes, label: bytes, message: bytes) -> bytes:
    """HMAC-SHA-512(key, label || message): 64 bytes. Labels are prefix-free, so the input
    split is unambiguous."""
    mac = hmac.HMAC(key, hashes.SHA512())
    mac.update(label + message)
    return mac.finalize()
