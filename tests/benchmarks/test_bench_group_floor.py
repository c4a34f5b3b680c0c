"""The physical floor: libsodium's ristretto255 operations, which every protocol cost is
compared against (issue 3/9). Benchmarks measure; they assert nothing about time."""

from __future__ import annotations

from typing import Any

import pysodium


def test_bench_ristretto255_scalarmult(benchmark: Any) -> None:
    scalar = pysodium.crypto_core_ristretto255_scalar_random()
    point = pysodium.crypto_core_ristretto255_random()
    benchmark(pysodium.crypto_scalarmult_ristretto255, scalar, point)


def test_bench_ristretto255_scalarmult_base(benchmark: Any) -> None:
    scalar = pysodium.crypto_core_ristretto255_scalar_random()
    benchmark(pysodium.crypto_scalarmult_ristretto255_base, scalar)


def test_bench_ristretto255_from_hash(benchmark: Any) -> None:
    benchmark(pysodium.crypto_core_ristretto255_from_hash, bytes(range(64)))
