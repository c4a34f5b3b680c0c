"""Hypothesis strategies for hostile bytes: random, and valid encodings cut, flipped, spliced."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` after one to four edits: bit flips, byte overwrites, cuts, insertions, repeats."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "byte", "cut", "insert", "repeat", "extreme"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            end = draw(st.integers(at, len(data)))
            del data[at:end]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
        elif kind == "extreme":  # a protobuf varint at its widest (10 bytes)
            data[at:at] = b"\xff" * 9 + b"\x01"
    return bytes(data)


def hostile(seed: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, or a mutation of the valid ``seed``."""
    return st.one_of(st.binary(max_size=len(seed) + 64), mutated(seed), st.just(seed))
