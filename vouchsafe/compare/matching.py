"""Plaintext nearest-neighbour matching of perceptual hashes at a Hamming distance bound.

This is what a party holding a plaintext hash list computes (HMA-style matching, PDQ <= 31).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


class HashTable:
    """A plaintext list of fixed-length hashes, matched by Hamming distance."""

    def __init__(self, hashes: Sequence[bytes]) -> None:
        width = len(hashes[0]) if hashes else 32
        if any(len(h) != width for h in hashes):
            raise ValueError("every hash in a table must have the same length")
        self.width = width
        self._rows: npt.NDArray[np.uint8] = (
            np.frombuffer(b"".join(hashes), dtype=np.uint8).reshape(len(hashes), width)
            if hashes
            else np.zeros((0, width), dtype=np.uint8)
        )

    def __len__(self) -> int:
        return int(self._rows.shape[0])

    def row(self, index: int) -> bytes:
        """The hash in row ``index``."""
        return bytes(self._rows[index])

    def distances(self, query: bytes) -> npt.NDArray[np.int64]:
        """Hamming distance from ``query`` to every row."""
        if len(query) != self.width:
            raise ValueError(f"query has {len(query)} bytes, the table {self.width}")
        q = np.frombuffer(query, dtype=np.uint8)
        counts: npt.NDArray[np.int64] = (
            np.bitwise_count(self._rows ^ q).sum(axis=1).astype(np.int64)
        )
        return counts

    def within(self, query: bytes, max_distance: int) -> list[tuple[int, int]]:
        """``(row index, distance)`` of every row within ``max_distance`` bits, nearest first."""
        if len(self) == 0:
            return []
        d = self.distances(query)
        rows = np.flatnonzero(d <= max_distance)
        return sorted(((int(i), int(d[i])) for i in rows), key=lambda pair: (pair[1], pair[0]))

    def nearest_within(self, query: bytes, max_distance: int) -> int | None:
        """Index of the nearest row within ``max_distance`` bits, or None."""
        if len(self) == 0:
            return None
        d = self.distances(query)
        best = int(np.argmin(d))
        return best if int(d[best]) <= max_distance else None

