"""Floor kernels: the exact sequence of primitive calls a protocol step makes, on fixed inputs,
with nothing else. Timed alternately with the step itself (rows.paired), they give the floor
the issue asks for, measured in the same run and under the same load.

``group`` kernels contain only libsodium ristretto255 operations; ``all`` kernels add the
symmetric primitives (SHA-512 of expand_message_xmd, HKDF, ChaCha20-Poly1305) and the OS
randomness the step draws.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

import pysodium
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_S = pysodium.crypto_core_ristretto255_scalar_random()
_P = pysodium.crypto_core_ristretto255_random()
_U = os.urandom(64)
_NONCE = bytes(12)


def _half_symmetric() -> None:
    key = HKDF(hashes.SHA512(), 64, None, b"half-key").derive(_P)
    ChaCha20Poly1305(key[:32]).encrypt(_NONCE, key[32:], b"half")


def voucher_kernel(candidates: int, halves: int, aead_lengths: tuple[int, int], *, full: bool,
                   synthetic_max: int = 0, opening_halves: int = 1) -> Callable[[], None]:
    """generate_voucher, real or synthetic (the same calls, SPEC "GenerateVoucher"): per
    candidate hash-to-group; per real half (two per candidate) 2 scalar draws, 3 scalarmult, 1
    scalarmult_base, 2 adds (+ HalfKey, AEAD of rkey); per opening half 1 scalar draw, 1
    scalarmult_base, 1 scalarmult (+ HalfKey, AEAD); per padding half (enough for either
    branch) one from_hash (+ 144 random bytes); (+ 5 HMAC-SHA-512 PRFs, the synthetic share's
    HKDF of 16 * s_max bytes, a random adct) the AEADs of the padded associated data and of
    the inner layer (``aead_lengths``)."""
    plaintexts = [bytes(n) for n in aead_lengths]
    aead = ChaCha20Poly1305(os.urandom(32))
    sm, smb = pysodium.crypto_scalarmult_ristretto255, pysodium.crypto_scalarmult_ristretto255_base
    add, fh = pysodium.crypto_core_ristretto255_add, pysodium.crypto_core_ristretto255_from_hash
    draw = pysodium.crypto_core_ristretto255_scalar_random
    padding = halves - min(2 * candidates, opening_halves)

    def run() -> None:
        for _ in range(candidates):
            if full:
                for _ in range(3):
                    hashlib.sha512(_U).digest()
            fh(_U)
        for _ in range(2 * candidates):
            draw()
            draw()
            add(sm(_S, _P), smb(_S))
            add(sm(_S, _P), sm(_S, _P))
            if full:
                _half_symmetric()
        for _ in range(opening_halves):
            draw()
            smb(_S)
            sm(_S, _P)
            if full:
                _half_symmetric()
        for _ in range(padding):
            fh(_U)
            if full:
                os.urandom(144)
        if full:
            for _ in range(5):
                hmac.new(_P, _U, "sha512").digest()
            HKDF(hashes.SHA512(), 16 * synthetic_max, None, b"synthetic").derive(_P)
            os.urandom(aead_lengths[0] + 28)
            for plaintext in plaintexts:
                aead.encrypt(_NONCE, plaintext, None)

    return run


def outer_kernel(halves: int, inner_length: int, *, match: bool, full: bool
                 ) -> Callable[[], None]:
    """process_voucher: per half one scalarmult (+ HalfKey); for a match one inner-size AEAD
    decryption."""
    aead = ChaCha20Poly1305(os.urandom(32))
    sealed = aead.encrypt(_NONCE, bytes(inner_length), None)
    sm = pysodium.crypto_scalarmult_ristretto255

    def run() -> None:
        for _ in range(halves):
            sm(_S, _P)
            if full:
                HKDF(hashes.SHA512(), 64, None, b"half-key").derive(_P)
        if match:
            aead.decrypt(_NONCE, sealed, None)

    return run


def scalarmults(count: int) -> Callable[[], None]:
    """``count`` variable-base scalar multiplications."""
    sm = pysodium.crypto_scalarmult_ristretto255

    def run() -> None:
        for _ in range(count):
            sm(_S, _P)

    return run
