"""tPSI-AD costs per voucher (client), per voucher (server outer step), per account (inner step)
and per hash (blinding), each next to its libsodium floor: the weighted sum of the ristretto255
operations the step cannot avoid, measured in the same run by test_bench_group_floor.py.
Benchmarks measure; they assert nothing about time."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.benchmarks.rows import BENCH_ACCOUNT_ID, OUTER, RECOVERY, RELEASE, VOUCHER, describe
from vouchsafe.sdk.crypto import group
from vouchsafe.sdk.tpsi import (
    AccountKeys,
    BlindedHashSet,
    OpenedVoucher,
    ServerKey,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    process_voucher,
    recover_associated_data,
    wire,
)
from vouchsafe.sdk.tpsi.params import DEFAULT_EPSILON
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule

SET_SIZE = 2000
THRESHOLD = 10
AD = os.urandom(2000)


@pytest.fixture(scope="module")
def world() -> tuple[ServerKey, BlindedHashSet, list[bytes], AccountKeys]:
    key = generate_server_keys()
    known = [os.urandom(32) for _ in range(SET_SIZE)]
    blinded = blind_hash_set(key, known)
    account = new_account(blinded.params, threshold=THRESHOLD)
    return key, blinded, known, account


def _ids(account: AccountKeys, synthetic: bool, count: int) -> list[bytes]:
    return [b"bench-%s-%d" % (b"syn" if synthetic else b"real", i) for i in range(count)]


def _schedule(synthetic: bool) -> SyntheticSchedule:
    return SyntheticSchedule.always(10**9) if synthetic else SyntheticSchedule.never()


def _client_floor(candidates: int, halves: int, synthetic: bool) -> dict[str, float]:
    """H(y) per candidate; per real half 3 scalarmult + 1 base + 2 add; padding halves one
    from_hash each; a synthetic voucher adds its opening half (1 base + 1 scalarmult)."""
    real_halves = 2 * candidates
    padding = halves - (1 if synthetic else real_halves)
    return {
        "from_hash": candidates + padding,
        "scalarmult": 3 * real_halves + (1 if synthetic else 0),
        "scalarmult_base": real_halves + (1 if synthetic else 0),
        "point_add": 2 * real_halves,
    }


def _run_floor(counts: dict[str, float]) -> None:
    """Executes exactly the libsodium calls of ``counts`` through the protocol's own bindings."""
    s = group.scalar_reduce_bytes(bytes(range(64)))
    p = group.from_uniform_bytes(bytes(range(64, 128)))
    for _ in range(int(counts.get("from_hash", 0))):
        group.from_uniform_bytes(os.urandom(64))
    for _ in range(int(counts.get("scalarmult", 0))):
        group.scalarmult_bytes(s, p)
    for _ in range(int(counts.get("scalarmult_base", 0))):
        group.scalarmult_base_bytes(s)
    for _ in range(int(counts.get("point_add", 0))):
        group.add_bytes(p, p)


@pytest.mark.parametrize(("candidates", "synthetic"), [(1, False), (4, False), (1, True)])
def test_bench_client_floor_ops(benchmark: Any, candidates: int, synthetic: bool) -> None:
    """The libsodium calls one voucher needs, run back to back: the floor measured right next
    to the voucher rows (less exposed to load drift than the separate primitive rows)."""
    kind = "synthetic" if synthetic else "real"
    describe(
        benchmark,
        key=f"tpsi_floor_voucher_{kind}_{candidates}",
        section=VOUCHER,
        label=f"floor ops of a {kind} voucher, {candidates} candidate(s), K = 4",
        unit="voucher",
    )
    benchmark(_run_floor, _client_floor(candidates, 8, synthetic))


@pytest.mark.parametrize(("candidates", "synthetic"), [(1, False), (4, False), (1, True)])
def test_bench_generate_voucher(
    benchmark: Any, world: Any, candidates: int, synthetic: bool
) -> None:
    _key, blinded, known, account = world
    kind = "synthetic" if synthetic else "real"
    describe(
        benchmark,
        key=f"tpsi_voucher_{kind}_{candidates}",
        section=VOUCHER,
        label=f"GenerateVoucher, {kind}, {candidates} candidate(s), K = "
        f"{blinded.params.max_candidates}, 2 kB associated data",
        unit="voucher",
        compare=[
            {
                "name": "libsodium floor",
                "to": _client_floor(candidates, blinded.params.halves_per_voucher, synthetic),
            },
            {
                "name": "floor ops run back to back",
                "to": f"tpsi_floor_voucher_{kind}_{candidates}",
            },
        ],
    )
    ids = iter(_ids(account, synthetic, 2000))
    hashes = known[:candidates]
    schedule = _schedule(synthetic)
    benchmark(
        lambda: generate_voucher(
            account,
            blinded,
            candidate_hashes=hashes,
            item_id=next(ids),
            associated_data=AD,
            account_id=BENCH_ACCOUNT_ID,
            schedule=schedule,
        )
    )


def test_bench_server_floor_ops(benchmark: Any) -> None:
    describe(
        benchmark,
        key="tpsi_floor_process",
        section=OUTER,
        label="floor ops of ProcessVoucher (8 scalarmult)",
        unit="voucher",
    )
    benchmark(_run_floor, {"scalarmult": 8})


@pytest.mark.parametrize("match", [True, False])
def test_bench_process_voucher(benchmark: Any, world: Any, match: bool) -> None:
    key, blinded, known, account = world
    halves = blinded.params.halves_per_voucher
    describe(
        benchmark,
        key=f"tpsi_process_{'match' if match else 'nonmatch'}",
        section=OUTER,
        label=f"ProcessVoucher, {'match' if match else 'non-match'} ({halves} halves)",
        unit="voucher",
        compare=[
            {"name": "libsodium floor", "to": {"scalarmult": halves}},
            {"name": "floor ops run back to back", "to": "tpsi_floor_process"},
        ],
    )
    candidate = known[0] if match else os.urandom(32)
    voucher = generate_voucher(
        account,
        blinded,
        candidate_hashes=[candidate],
        item_id=_ids(account, False, 1)[0],
        associated_data=AD,
        account_id=BENCH_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    benchmark(lambda: process_voucher(key, blinded, voucher, account_id=BENCH_ACCOUNT_ID))


def test_bench_decode_voucher(benchmark: Any, world: Any) -> None:
    _key, blinded, known, account = world
    halves = blinded.params.halves_per_voucher
    describe(
        benchmark,
        key="tpsi_decode_voucher",
        section=OUTER,
        label="decode + validate a SafetyVoucher",
        unit="voucher",
        compare=[{"name": "libsodium floor", "to": {"is_valid_point": halves}}],
    )
    voucher = generate_voucher(
        account,
        blinded,
        candidate_hashes=[known[0]],
        item_id=b"d",
        associated_data=AD,
        account_id=BENCH_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    encoded = wire.encode_safety_voucher(voucher)
    benchmark(wire.decode_safety_voucher, encoded, blinded.params)


def test_bench_recover_at_threshold(benchmark: Any, world: Any) -> None:
    key, blinded, known, account = world
    describe(
        benchmark,
        key="tpsi_recover",
        section=RECOVERY,
        label=f"RecoverAssociatedData, t = {THRESHOLD} real + 16 synthetic shares",
        unit="account",
    )
    opened: list[OpenedVoucher] = []
    for i, item_id in enumerate(_ids(account, False, THRESHOLD)):
        o = process_voucher(
            key,
            blinded,
            generate_voucher(
                account,
                blinded,
                candidate_hashes=[known[i]],
                item_id=item_id,
                associated_data=AD,
                account_id=BENCH_ACCOUNT_ID,
                schedule=SyntheticSchedule.never(),
            ),
            account_id=BENCH_ACCOUNT_ID,
        )
        assert o is not None
        opened.append(o)
    for item_id in _ids(account, True, 40):
        o = process_voucher(
            key,
            blinded,
            generate_voucher(
                account,
                blinded,
                candidate_hashes=[known[0]],
                item_id=item_id,
                associated_data=AD,
                account_id=BENCH_ACCOUNT_ID,
                schedule=_schedule(True),
            ),
            account_id=BENCH_ACCOUNT_ID,
        )
        if o is not None and len({x.item_tag for x in opened}) < THRESHOLD + 16:
            opened.append(o)
    result = benchmark(recover_associated_data, blinded.params, opened)
    assert result.threshold_reached


def test_bench_blind_hash_set(benchmark: Any) -> None:
    key = generate_server_keys()
    known = [os.urandom(32) for _ in range(SET_SIZE)]
    describe(
        benchmark,
        key="tpsi_blind",
        section=RELEASE,
        label=f"BlindHashSet, per hash ({SET_SIZE} hashes, eps = {DEFAULT_EPSILON})",
        unit="hash",
        per_call=SET_SIZE,
        compare=[
            {"name": "1 scalarmult per hash", "to": "scalarmult"},
            {
                "name": "libsodium floor (scalarmult + H + fillers)",
                "to": {"scalarmult": 1, "from_hash": 1 + DEFAULT_EPSILON},
            },
        ],
    )
    benchmark.pedantic(blind_hash_set, args=(key, known), rounds=3, iterations=1)


def test_bench_verify_blinded_hash_set(benchmark: Any) -> None:
    key = generate_server_keys()
    blinded = blind_hash_set(key, [os.urandom(32) for _ in range(SET_SIZE)])
    encoded = wire.encode_blinded_hash_set(blinded)
    slots = blinded.params.table_size
    describe(
        benchmark,
        key="tpsi_verify_set",
        section=RELEASE,
        label="decode + VerifyBlindedHashSet on the device, per slot",
        unit="slot",
        per_call=slots,
        compare=[{"name": "libsodium floor", "to": {"is_valid_point": 1}}],
    )
    benchmark.pedantic(wire.decode_blinded_hash_set, args=(encoded,), rounds=3, iterations=1)
