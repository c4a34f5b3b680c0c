"""Packed-lane reduction modulo the DHF prime equals reducing each value on its own."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vouchsafe.sdk.tpsi.lanes import (
    all_reduced,
    decode_lanes,
    encode_lanes,
    reduce_big_endian_chunks,
    reduce_lanes,
)
from vouchsafe.sdk.tpsi.params import DHF_PRIME

Q = DHF_PRIME


def _edges(bits: int) -> list[int]:
    return [
        0,
        1,
        Q - 1,
        Q,
        Q + 1,
        2**64 - 1,
        2**64,
        2**64 + 58,
        2**64 + 59,
        2**bits - 1,
        (2**bits - 1) // Q * Q,
        (2**bits - 1) // Q * Q - 1,
    ]


@pytest.mark.parametrize("bits", [96, 128, 144])
def test_every_lane_is_reduced_like_its_own_value(bits: int) -> None:
    rng = random.Random(bits)
    values = _edges(bits) + [rng.getrandbits(bits) for _ in range(500)]
    values += [rng.getrandbits(64) | (rng.getrandbits(8) << 64) for _ in range(200)]
    packed = sum(v << (bits * k) for k, v in enumerate(values))
    assert reduce_lanes(packed, len(values), bits).tolist() == [v % Q for v in values]


@given(st.lists(st.integers(min_value=0, max_value=2**144 - 1), min_size=1, max_size=40))
def test_reduction_matches_python_modulo_for_any_lanes(values: list[int]) -> None:
    packed = sum(v << (144 * k) for k, v in enumerate(values))
    assert reduce_lanes(packed, len(values), 144).tolist() == [v % Q for v in values]


@given(st.binary(min_size=16, max_size=16 * 30).filter(lambda b: len(b) % 16 == 0))
def test_big_endian_chunks_reduce_like_os2ip_mod_q(stream: bytes) -> None:
    expected = [int.from_bytes(stream[i : i + 16], "big") % Q for i in range(0, len(stream), 16)]
    assert reduce_big_endian_chunks(stream, 16).tolist() == expected


def test_lanes_encode_as_big_endian_eight_byte_values_and_decode_back() -> None:
    values = reduce_lanes(sum(v << (128 * k) for k, v in enumerate([5, Q + 3, 2**70])), 3, 128)
    raw = encode_lanes(values)
    assert raw == b"".join(v.to_bytes(8, "big") for v in (5, 3, 2**70 % Q))
    assert decode_lanes(raw, 3).tolist() == values.tolist()
    assert all_reduced(decode_lanes(raw, 3))
    assert not all_reduced(decode_lanes(b"\xff" * 8, 1))


def test_lane_widths_outside_the_supported_range_are_refused() -> None:
    with pytest.raises(ValueError):
        reduce_lanes(0, 1, 64)
    with pytest.raises(ValueError):
        reduce_big_endian_chunks(bytes(17), 16)
