"""The cuckoo table of the server setup (SPEC.md "CuckooPositions", "BuildCuckooTable").

Two position functions h1, h2 keyed by public nonces; each hash sits at exactly one of its two
positions. Insertion is the classic eviction loop (Pagh & Rodler 2004) with MAX_KICKS evictions
per element; an element still homeless after that is *dropped*. The server then rehashes: it
draws new nonces and rebuilds, so the published table never drops anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Final

from vouchsafe.sdk.crypto.labels import CUCKOO_POSITION_1, CUCKOO_POSITION_2

EMPTY: Final = -1
MAX_KICKS: Final = 1000


class CuckooPositions:
    """h1, h2 for one table (both reduce the first 16 bytes of a SHA-512 modulo n')."""

    def __init__(self, table_size: int, nonce_1: bytes, nonce_2: bytes) -> None:
        self.table_size = table_size
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


def build_cuckoo_table(
    hashes: Sequence[bytes],
    positions: CuckooPositions,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[int], int]:
    """Inserts every hash; returns (slot -> index into ``hashes`` or EMPTY, dropped count)."""
    n = positions.table_size
    slots = [EMPTY] * n
    first = [0] * len(hashes)
    second = [0] * len(hashes)
    dropped = 0
    for index, y in enumerate(hashes):
        w1, w2 = positions(y)
        first[index] = w1
        second[index] = w2
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
