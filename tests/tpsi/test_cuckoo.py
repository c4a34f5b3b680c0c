"""The cuckoo table: every hash sits at one of its two positions, nothing is dropped at the
default epsilon, and a drop triggers a rehash with fresh nonces."""

from __future__ import annotations

import math

import pytest

from tests.tpsi.conftest import make_setup
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.tpsi.cuckoo import EMPTY, CuckooPositions, build_cuckoo_table
from vouchsafe.sdk.tpsi.params import DEFAULT_EPSILON


def _build(
    n: int, seed: bytes, epsilon: float = DEFAULT_EPSILON
) -> tuple[list[int], int, CuckooPositions, list[bytes]]:
    rng = SeededRandomness(seed)
    hashes = [rng.random_bytes(32) for _ in range(n)]
    positions = CuckooPositions(
        math.ceil((1 + epsilon) * n), rng.random_bytes(32), rng.random_bytes(32)
    )
    slots, dropped = build_cuckoo_table(hashes, positions)
    return slots, dropped, positions, hashes


def test_every_hash_sits_at_one_of_its_positions() -> None:
    slots, dropped, positions, hashes = _build(20_000, b"cuckoo")
    assert dropped == 0
    assert sorted(i for i in slots if i != EMPTY) == list(range(len(hashes)))
    for slot, index in enumerate(slots):
        if index != EMPTY:
            assert slot in positions(hashes[index])


def test_colliding_positions_are_separated() -> None:
    positions = CuckooPositions(1, b"a" * 32, b"b" * 32)
    positions.table_size = 3
    for i in range(50):
        w1, w2 = positions(b"%08d" % i)
        assert w1 != w2


def test_an_overfull_table_drops_and_the_server_rehashes() -> None:
    _slots, dropped, _p, _h = _build(2000, b"overfull", epsilon=0.5)  # load 2/3 > 1/2
    assert dropped > 0
    setup = make_setup(seed=b"rehash", n=200)
    report = setup.blinded.cuckoo
    assert report is not None and report.dropped[-1] == 0
    assert report.attempts == len(report.dropped)


@pytest.mark.slow
def test_one_million_random_hashes_drop_nothing_at_default_epsilon() -> None:
    _slots, dropped, _p, _h = _build(1_000_000, b"million")
    assert dropped == 0


def test_each_filled_slot_is_the_blinded_element_of_its_hash() -> None:
    from vouchsafe.sdk.tpsi import blind_element
    from vouchsafe.sdk.tpsi.cuckoo import CuckooPositions as Positions

    setup = make_setup(seed=b"slots", n=32)
    params = setup.blinded.params
    positions = Positions(params.table_size, params.cuckoo_nonce_1, params.cuckoo_nonce_2)
    table = {setup.blinded.element(i) for i in range(params.table_size)}
    for y in setup.known:
        element = blind_element(setup.server_key, y)
        assert element in table
        assert element in {setup.blinded.element(w) for w in positions(y)}
