"""Many values modulo the DHF prime q = 2^64 - 59 held as lanes of one big integer, reduced
with a handful of whole-integer operations instead of one Python operation per value.

Lane k of a packed integer is bits ``[k * lane_bits, (k + 1) * lane_bits)``. Because
2^64 = 59 (mod q), a lane L reduces as ``(L mod 2^64) + 59 * (L >> 64)``; two such folds on
the whole integer take any lane below 2^144 under 2^64 + 2^29, and the last fold and one
conditional subtraction of q run on uint64 arrays, leaving the canonical residue. This is
exact integer arithmetic on every lane, with the same operations whatever the values.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.tpsi.params import DHF_ELEMENT_LENGTH, DHF_PRIME

_FOLD: Final = (1 << 64) - DHF_PRIME  # 59: 2^64 = _FOLD (mod q)
_MAX_LANE_BITS: Final = 144
_BIG_FOLDS: Final = 2
_FOLD_U64: Final = np.uint64(_FOLD)
_PRIME_U64: Final = np.uint64(DHF_PRIME)

Lanes = npt.NDArray[np.uint64]


@lru_cache(maxsize=16)
def _masks(count: int, lane_bits: int) -> tuple[int, int]:
    """(low 64 bits of every lane, the remaining bits of every lane)."""
    ones = sum(1 << (lane_bits * k) for k in range(count))
    return ones * ((1 << 64) - 1), ones * ((1 << (lane_bits - 64)) - 1)


def reduce_lanes(packed: int, count: int, lane_bits: int) -> Lanes:
    """Every lane of ``packed`` modulo q, as ``count`` uint64 values (lane 0 first).

    Each lane must be below 2^lane_bits, and ``lane_bits`` a multiple of 8 in 96..144.
    """
    if lane_bits % 8 or not 96 <= lane_bits <= _MAX_LANE_BITS:
        raise ValueError("lane_bits must be a multiple of 8 in 96..144")
    low, high = _masks(count, lane_bits)
    for _ in range(_BIG_FOLDS):
        packed = (packed & low) + _FOLD * ((packed >> 64) & high)
    # every lane is now lo + 2^64 * hi with hi < 2^29: finish on the uint64 halves
    lane_bytes = lane_bits // 8
    raw = np.frombuffer(packed.to_bytes(lane_bytes * count, "little"), dtype=np.uint8)
    lanes = raw.reshape(count, lane_bytes)
    lo = np.ascontiguousarray(lanes[:, :8]).view("<u8").reshape(count)
    hi = np.ascontiguousarray(lanes[:, 8:12]).view("<u4").reshape(count).astype(np.uint64)
    folded = lo + _FOLD_U64 * hi  # wraps modulo 2^64 exactly when lo + 59 hi >= 2^64
    folded += _FOLD_U64 * (folded < lo)  # 2^64 = 59 (mod q); cannot wrap again
    reduced: Lanes = np.where(folded >= _PRIME_U64, folded - _PRIME_U64, folded)
    return reduced


def reduce_big_endian_chunks(stream: bytes, chunk: int) -> Lanes:
    """OS2IP of every ``chunk``-byte piece of ``stream`` modulo q (chunk 12..18 bytes)."""
    count = len(stream) // chunk
    if count * chunk != len(stream):
        raise ValueError("the stream is not a whole number of chunks")
    reversed_chunks = np.frombuffer(stream, dtype=np.uint8).reshape(count, chunk)[:, ::-1]
    return reduce_lanes(int.from_bytes(reversed_chunks.tobytes(), "little"), count, 8 * chunk)


def encode_lanes(values: Lanes) -> bytes:
    """I2OSP(v, 8) of every value, concatenated (the inner plaintext's DHF field)."""
    return values.astype(f">u{DHF_ELEMENT_LENGTH}").tobytes()


def decode_lanes(data: bytes, count: int, offset: int = 0) -> Lanes:
    """The ``count`` 8-byte big-endian values at ``offset`` (inverse of :func:`encode_lanes`);
    check them with :func:`all_reduced`."""
    return np.frombuffer(data, dtype=f">u{DHF_ELEMENT_LENGTH}", count=count, offset=offset)


def all_reduced(values: Lanes) -> bool:
    """Whether every value is below q (a canonical DHF field element)."""
    return not bool((values >= _PRIME_U64).any())
