"""HAZMAT: the single randomness entry point.

The protocol layer (``vouchsafe.sdk.tpsi``) takes a :class:`Randomness` explicitly so test vectors
are
deterministic; everything else uses :func:`os_randomness`, which reads the operating system's
CSPRNG through :mod:`secrets`. Seeded generators live only in tests and the vector generator
(``protocol/vectors/drbg.py``).
"""

from __future__ import annotations

import secrets
from typing import Protocol, TypeVar

T = TypeVar("T")


class Randomness(Protocol):
    """A source of uniformly random bytes."""

    def random_bytes(self, n: int) -> bytes:
        """``n`` uniformly random bytes."""
        ...


class _OsRandomness:
    def random_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)

    def __repr__(self) -> str:
        return "OsRandomness()"


_OS = _OsRandomness()


def os_randomness() -> Randomness:
    """The operating system's CSPRNG (``secrets.token_bytes``)."""
    return _OS


def random_below(rng: Randomness, bound: int) -> int:
    """A uniform integer in ``[0, bound)`` by rejection sampling (no modulo bias)."""
    if bound <= 0:
        raise ValueError("bound must be positive")
    nbytes = (bound.bit_length() + 7) // 8 + 1
    limit = (256**nbytes // bound) * bound
    while True:
        value = int.from_bytes(rng.random_bytes(nbytes), "big")
        if value < limit:
            return value % bound


def shuffle(rng: Randomness, items: list[T]) -> None:
    """Fisher-Yates shuffle of ``items`` in place, driven by ``rng``."""
    for i in range(len(items) - 1, 0, -1):
        j = random_below(rng, i + 1)
        items[i], items[j] = items[j], items[i]
