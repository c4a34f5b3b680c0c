"""HAZMAT: hashing to ristretto255, ``hash_to_ristretto255`` of RFC 9380 / RFC 9496.

``expand_message_xmd`` (RFC 9380 section 5.3.1) with SHA-512 stretches the message to 64 bytes,
and libsodium's ``crypto_core_ristretto255_from_hash`` applies the RFC 9496 one-way map.
"""

from __future__ import annotations

import hashlib
from typing import Final

from vouchsafe.sdk.crypto.group import UNIFORM_LENGTH, Element, from_uniform_bytes
from vouchsafe.sdk.crypto.labels import HASH_TO_GROUP

_SHA512_BLOCK: Final = 128
_SHA512_OUT: Final = 64
_Z_PAD_STATE: Final = hashlib.sha512(bytes(_SHA512_BLOCK))


def expand_message_xmd_sha512(msg: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 ``expand_message_xmd`` with H = SHA-512. ``dst`` is at most 255 bytes."""
    if len(dst) > 255:
        raise ValueError("DST longer than 255 bytes")
    ell = -(-length // _SHA512_OUT)
    if ell > 255 or length > 65535:
        raise ValueError("requested length too large for expand_message_xmd")
    dst_prime = dst + bytes([len(dst)])
    state = _Z_PAD_STATE.copy()
    state.update(msg + length.to_bytes(2, "big") + b"\x00" + dst_prime)
    b0 = state.digest()
    b_prev = hashlib.sha512(b0 + b"\x01" + dst_prime).digest()
    out = [b_prev]
    for i in range(2, ell + 1):
        mixed = bytes(x ^ y for x, y in zip(b0, b_prev, strict=True))
        b_prev = hashlib.sha512(mixed + bytes([i]) + dst_prime).digest()
        out.append(b_prev)
    return b"".join(out)[:length]


def hash_to_group_bytes(msg: bytes, dst: bytes = HASH_TO_GROUP) -> bytes:
    """``HashToGroup(msg)`` as an element encoding (the fast path; never the identity in
    practice, and callers that need the guarantee use :func:`hash_to_group`)."""
    return from_uniform_bytes(expand_message_xmd_sha512(msg, dst, UNIFORM_LENGTH))


def hash_to_group(msg: bytes, dst: bytes = HASH_TO_GROUP) -> Element:
    """``HashToGroup(msg)`` as a validated :class:`Element`."""
    return Element(hash_to_group_bytes(msg, dst))
