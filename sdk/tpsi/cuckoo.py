"""The cuckoo table of the server setup (SPEC.md "CuckooPositions", "BuildCuckooTable").

Two position functions h1, h2 keyed by public nonces; each hash sits at exactly one of its two
positions. Insertion is the classic eviction loop (Pagh & Rodler 2004) with MAX_KICKS evictions
per element; an element still homeless after that is *dropped*. The server then rehashes: it
draws new nonces and rebuilds, so the published table never drops anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Final

from vouchsafe.sdk.crypto.labels import CUCKOO_POSITION_1, CUCKOO_POSITION_2

EMPTY: Final = -1
MAX_KICKS: Final = 1000


class CuckooPositions:
    """h1, h2 for one table (both reduce the first 16 bytes of a SHA-512 modulo n')."""

    def __init__(self, table_size: int, nonce_1: bytes, nonce_2: bytes) -> None:
        self.table_size = table_size
        self._nonces = (nonce_1, nonce_2)
        self._state_1 = hashlib.sha512(CUCKOO_POSITION_1 + nonce_1)
        self._state_2 = hashlib.sha512(CUCKOO_POSITION_2 + nonce_2)

    def __call__(self, y: bytes) -> tuple[int, int]:
        """(h1(y), h2(y)); if they coincide, h2 = h1 + 1 mod n'."""
        s1 = self._state_1.copy()
        s1.update(y)
        s2 = self._state_2.copy()
        s2.update(y)
        w1 = int.from_bytes(s1.digest()[:16], "big") % self.table_size
        w2 = int.from_bytes(s2.digest()[:16], "big") % self.table_size
        if w1 == w2:
            w2 = (w1 + 1) % self.table_size
        return w1, w2

    def __reduce__(self) -> tuple[type[CuckooPositions], tuple[int, bytes, bytes]]:
        # picklable (hash states are not), so worker processes can compute positions
        return CuckooPositions, (self.table_size, *self._nonces)

    def many(self, hashes: Sequence[bytes]) -> tuple[list[int], list[int]]:
        """(h1(y) for y in hashes), (h2(y) for y in hashes)."""
        pairs = [self(y) for y in hashes]
        return [w1 for w1, _ in pairs], [w2 for _, w2 in pairs]


# Hashes per position task handed to an executor's worker.
POSITION_BATCH = 1 << 16


def _all_positions(
    hashes: Sequence[bytes], positions: CuckooPositions, executor: Executor | None
) -> tuple[list[int], list[int]]:
    if executor is None or len(hashes) <= POSITION_BATCH:
        return positions.many(hashes)
    first: list[int] = []
    second: list[int] = []
    chunks = [hashes[i : i + POSITION_BATCH] for i in range(0, len(hashes), POSITION_BATCH)]
    for w1, w2 in executor.map(positions.many, chunks):
        first += w1
        second += w2
    return first, second


def build_cuckoo_table(
    hashes: Sequence[bytes],
    positions: CuckooPositions,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> tuple[list[int], int]:
    """Inserts every hash; returns (slot -> index into ``hashes`` or EMPTY, dropped count).

    With an ``executor`` the positions are computed on its workers; the table is the same.
    """
    n = positions.table_size
    slots = [EMPTY] * n
    first, second = _all_positions(hashes, positions, executor)
    dropped = 0
    for index in range(len(hashes)):
        w1 = first[index]
        w2 = second[index]
        if progress is not None and index % 8192 == 8191:
            progress(8192)
        if slots[w1] == EMPTY:
            slots[w1] = index
            continue
        if slots[w2] == EMPTY:
            slots[w2] = index
            continue
        current, pos = index, w1
        for _ in range(MAX_KICKS):
            current, slots[pos] = slots[pos], current
            if current == EMPTY:
                break
            pos = second[current] if pos == first[current] else first[current]
        else:
            dropped += 1
    if progress is not None:
        progress(len(hashes) % 8192)
    return slots, dropped
