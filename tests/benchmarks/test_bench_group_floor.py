"""The physical floor: libsodium's ristretto255 operations and the symmetric primitives, which
every protocol cost is compared against (issues 3 and 9). Benchmarks measure; they assert nothing
about time. Keys here (``scalarmult`` ...) are what other rows' ``compare`` floors refer to."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pysodium
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.benchmarks.rows import FLOOR, describe


def test_bench_ristretto255_scalarmult(benchmark: Any) -> None:
    describe(benchmark, key="scalarmult", section=FLOOR, label="scalarmult (variable base)")
    scalar = pysodium.crypto_core_ristretto255_scalar_random()
    point = pysodium.crypto_core_ristretto255_random()
    benchmark(pysodium.crypto_scalarmult_ristretto255, scalar, point)


def test_bench_ristretto255_scalarmult_base(benchmark: Any) -> None:
    describe(benchmark, key="scalarmult_base", section=FLOOR, label="scalarmult_base (fixed G)")
    scalar = pysodium.crypto_core_ristretto255_scalar_random()
    benchmark(pysodium.crypto_scalarmult_ristretto255_base, scalar)


def test_bench_ristretto255_from_hash(benchmark: Any) -> None:
    describe(benchmark, key="from_hash", section=FLOOR, label="from_hash (64-byte one-way map)")
    benchmark(pysodium.crypto_core_ristretto255_from_hash, bytes(range(64)))


def test_bench_ristretto255_add(benchmark: Any) -> None:
    describe(benchmark, key="point_add", section=FLOOR, label="point add")
    p, q = pysodium.crypto_core_ristretto255_random(), pysodium.crypto_core_ristretto255_random()
    benchmark(pysodium.crypto_core_ristretto255_add, p, q)


def test_bench_ristretto255_is_valid_point(benchmark: Any) -> None:
    describe(benchmark, key="is_valid_point", section=FLOOR, label="is_valid_point (decode check)")
    p = pysodium.crypto_core_ristretto255_random()
    benchmark(pysodium.crypto_core_ristretto255_is_valid_point, p)


def test_bench_ristretto255_scalar_random(benchmark: Any) -> None:
    describe(benchmark, key="scalar_random", section=FLOOR, label="scalar_random")
    benchmark(pysodium.crypto_core_ristretto255_scalar_random)


def test_bench_expand_message_xmd_sha512_input(benchmark: Any) -> None:
    describe(benchmark, key="sha512", section=FLOOR, label="SHA-512 of 64 bytes (one xmd block)")
    data = bytes(64)
    benchmark(lambda: hashlib.sha512(data).digest())


def test_bench_chacha20poly1305_encrypt_small(benchmark: Any) -> None:
    describe(benchmark, key="chacha_encrypt_64", section=FLOOR,
             label="ChaCha20-Poly1305 encrypt, 64 B")
    aead, nonce = ChaCha20Poly1305(os.urandom(32)), bytes(12)
    benchmark(aead.encrypt, nonce, bytes(64), None)


def test_bench_chacha20poly1305_decrypt_small(benchmark: Any) -> None:
    describe(benchmark, key="chacha_decrypt_64", section=FLOOR,
             label="ChaCha20-Poly1305 decrypt, 64 B")
    aead, nonce = ChaCha20Poly1305(os.urandom(32)), bytes(12)
    ct = aead.encrypt(nonce, bytes(64), None)
    benchmark(aead.decrypt, nonce, ct, None)


def test_bench_chacha20poly1305_key_and_encrypt(benchmark: Any) -> None:
    describe(benchmark, key="chacha_keyed_encrypt_64", section=FLOOR,
             label="ChaCha20-Poly1305 new key + encrypt, 64 B")
    key, nonce = os.urandom(32), bytes(12)
    benchmark(lambda: ChaCha20Poly1305(key).encrypt(nonce, bytes(64), None))


def test_bench_aes256gcm_key_and_encrypt(benchmark: Any) -> None:
    describe(benchmark, key="aesgcm_keyed_encrypt_64", section=FLOOR,
             label="AES-256-GCM new key + encrypt, 64 B")
    key, nonce = os.urandom(32), bytes(12)
    benchmark(lambda: AESGCM(key).encrypt(nonce, bytes(64), None))


def test_bench_hkdf_sha512(benchmark: Any) -> None:
    describe(benchmark, key="hkdf", section=FLOOR, label="HKDF-SHA512, 32 B out")
    ikm = os.urandom(32)
    benchmark(lambda: HKDF(hashes.SHA512(), 32, None, b"bench").derive(ikm))


def _inner_length() -> int:
    """Size of a voucher's inner plaintext under the default configuration (8542 bytes when the
    protocol core is not importable: t, x, y, 32 DHF values, 8 KiB padded associated data)."""
    try:
        from vouchsafe.sdk.tpsi import params
    except ImportError:
        return 8542
    return int(
        params.inner_plaintext_length(
            params.DEFAULT_SYNTHETIC_MAX, params.DEFAULT_PADDED_ASSOCIATED_DATA_LENGTH
        )
    )


def test_bench_chacha20poly1305_encrypt_inner(benchmark: Any) -> None:
    n = _inner_length()
    describe(benchmark, key="chacha_encrypt_inner", section=FLOOR,
             label=f"ChaCha20-Poly1305 encrypt, {n} B (voucher inner layer)")
    aead, nonce = ChaCha20Poly1305(os.urandom(32)), bytes(12)
    benchmark(aead.encrypt, nonce, bytes(n), None)


def test_bench_chacha20poly1305_decrypt_inner(benchmark: Any) -> None:
    n = _inner_length()
    describe(benchmark, key="chacha_decrypt_inner", section=FLOOR,
             label=f"ChaCha20-Poly1305 decrypt, {n} B (voucher inner layer)")
    aead, nonce = ChaCha20Poly1305(os.urandom(32)), bytes(12)
    ct = aead.encrypt(nonce, bytes(n), None)
    benchmark(aead.decrypt, nonce, ct, None)
