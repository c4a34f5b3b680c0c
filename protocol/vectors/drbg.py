"""A seeded deterministic byte generator for test vectors and tests ONLY.

``SeededRandomness(seed).random_bytes(n)`` returns
SHAKE-256(framed(LABEL("VectorDrbg"), seed, I2OSP(i, 8)))
truncated to n bytes for the i-th call. Never use it for real keys: anyone who knows the seed
knows every value.
"""

from __future__ import annotations

import hashlib

from vouchsafe.sdk.crypto import labels


class SeededRandomness:
    """Deterministic, seeded; implements ``vouchsafe.sdk.crypto.randomness.Randomness``."""

    def __init__(self, seed: bytes) -> None:
        self._seed = bytes(seed)
        self._counter = 0

    def random_bytes(self, n: int) -> bytes:
        """The next ``n`` bytes of the stream (one SHAKE-256 call per request)."""
        out = hashlib.shake_256(
            labels.framed(labels.VECTOR_DRBG, self._seed, self._counter.to_bytes(8, "big"))
        ).digest(n)
        self._counter += 1
        return out

    def __repr__(self) -> str:
        return f"SeededRandomness(calls={self._counter})"
