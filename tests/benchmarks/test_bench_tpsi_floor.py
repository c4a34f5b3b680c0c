"""Sections 2-4 of the report: the protocol core (vouchsafe.sdk.tpsi) per voucher, next to its
floor and
next to openmined-psi.

Each voucher and outer-step row is timed alternately, round by round, with its floor kernels
(tests/benchmarks/kernels.py: the exact primitive calls of the step on fixed inputs) and, for
the outer step, with openmined-psi's server processing one element per half; the ratios are
medians of the per-round ratios (rows.paired). *group floor*: only the libsodium ristretto255
operations (the figure the issue names); *all-primitives floor*: plus SHA-512, HKDF,
ChaCha20-Poly1305 and OS randomness. What is left above the all-primitives floor is Python.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from tests.benchmarks import kernels
from tests.benchmarks.rows import (
    BENCH_ACCOUNT_ID,
    OUTER,
    RECOVERY,
    VOUCHER,
    describe,
    metric,
    paired,
    require,
)

KNOWN = 1000
_SETUPS: dict[tuple[int, int | None], tuple[Any, Any, list[bytes]]] = {}


def _tpsi() -> Any:
    tpsi = require("vouchsafe.sdk.tpsi", what="not landed")
    if not hasattr(tpsi, "generate_voucher"):
        pytest.skip("not landed: vouchsafe.sdk.tpsi.generate_voucher")
    return tpsi


def _setup(max_candidates: int, synthetic_max: int | None = None) -> tuple[Any, Any, list[bytes]]:
    """(server key, blinded hash set of KNOWN random hashes, the hashes), cached."""
    tpsi = _tpsi()
    key = (max_candidates, synthetic_max)
    if key not in _SETUPS:
        server_key = tpsi.generate_server_keys()
        known = [os.urandom(32) for _ in range(KNOWN)]
        extra = {} if synthetic_max is None else {"synthetic_max": synthetic_max}
        blinded = tpsi.blind_hash_set(server_key, known, max_candidates=max_candidates, **extra)
        _SETUPS[key] = (server_key, blinded, known)
    return _SETUPS[key]


def _aead_lengths(params: Any) -> tuple[int, int]:
    """(padded associated data, inner plaintext) lengths of a configuration."""
    from vouchsafe.sdk.tpsi import params as p

    return (
        params.padded_associated_data_length,
        p.inner_plaintext_length(params.synthetic_max, params.padded_associated_data_length),
    )


# Every release budget (vouchsafe.sdk.media.candidates.BUDGETS) with the device's full
# candidate list, plus the small fixed cases of earlier reports.
BUDGET_ROUNDS = {16: 10, 32: 8, 64: 6, 128: 4, 256: 3}
VOUCHER_CASES = [(4, 1, 40), (16, 1, 25), *((k, k, r) for k, r in BUDGET_ROUNDS.items())]


@pytest.mark.parametrize(("max_candidates", "c", "rounds"), VOUCHER_CASES)
def test_bench_generate_voucher(benchmark: Any, max_candidates: int, c: int, rounds: int) -> None:
    halves = 2 * max_candidates
    describe(benchmark, key=f"voucher_m{max_candidates}_c{c}", section=VOUCHER,
             label=f"generate_voucher, real, {c} candidate(s), {halves} halves", unit="voucher")
    tpsi = _tpsi()
    _, blinded, known = _setup(max_candidates)
    account = tpsi.new_account(blinded.params, threshold=10)
    candidates = known[:1] + [os.urandom(32) for _ in range(c - 1)]
    lengths = _aead_lengths(blinded.params)
    shape = {"synthetic_max": blinded.params.synthetic_max,
             "opening_halves": len(blinded.params.synthetic_open_weights)}

    never = tpsi.SyntheticSchedule.never()

    def target() -> Any:
        return tpsi.generate_voucher(account, blinded, candidate_hashes=candidates,
                                     item_id=b"bench-item", associated_data=b"benign payload",
                                     account_id=BENCH_ACCOUNT_ID, schedule=never)

    voucher = paired(benchmark, target, {
        "group floor (libsodium ristretto255 ops)":
            kernels.voucher_kernel(c, halves, lengths, full=False, **shape),
        "all-primitives floor (+ SHA-512, HKDF, AEAD, randomness)":
            kernels.voucher_kernel(c, halves, lengths, full=True, **shape),
    }, rounds=rounds)
    assert len(voucher.halves) == halves


def test_bench_generate_synthetic_voucher(benchmark: Any) -> None:
    describe(benchmark, key="voucher_m4_c1_synthetic", section=VOUCHER,
             label="generate_voucher, synthetic, 1 candidate, 8 halves", unit="voucher")
    tpsi = _tpsi()
    _, blinded, known = _setup(4)
    account = tpsi.new_account(blinded.params, threshold=10)

    def make(schedule: Any) -> Callable[[], Any]:
        return lambda: tpsi.generate_voucher(account, blinded, candidate_hashes=known[:1],
                                             item_id=b"bench-item", associated_data=b"benign",
                                             account_id=BENCH_ACCOUNT_ID, schedule=schedule)

    paired(benchmark, make(tpsi.SyntheticSchedule.always(1)),
           {"the real voucher (same shape)": make(tpsi.SyntheticSchedule.never())}, rounds=40)


OUTER_CASES = [
    (4, True, 40),
    (4, False, 40),
    *((k, match, max(3, 2 * r)) for k, r in BUDGET_ROUNDS.items() for match in (True, False)),
]


def _psi_reference(elements: int) -> dict[str, Callable[[], object]]:
    try:
        import private_set_intersection.python as psi
    except ImportError:
        return {}
    server = psi.server.CreateWithNewKey(True)
    request = psi.client.CreateWithNewKey(True).CreateRequest([f"e{i}" for i in range(elements)])
    return {f"openmined-psi server, {elements} elements (one per half)":
            lambda: server.ProcessRequest(request)}


@pytest.mark.parametrize(("max_candidates", "match", "rounds"), OUTER_CASES)
def test_bench_process_voucher(
    benchmark: Any, max_candidates: int, match: bool, rounds: int
) -> None:
    halves = 2 * max_candidates
    kind = "match" if match else "non-match"
    describe(benchmark, key=f"outer_m{max_candidates}_{'match' if match else 'miss'}",
             section=OUTER, label=f"process_voucher, {kind}, {halves} halves", unit="voucher")
    tpsi = _tpsi()
    server_key, blinded, known = _setup(max_candidates)
    account = tpsi.new_account(blinded.params, threshold=10)
    c = max_candidates
    candidates = ([known[0]] if match else []) + [os.urandom(32) for _ in range(c - int(match))]
    voucher = tpsi.generate_voucher(account, blinded, candidate_hashes=candidates,
                                    item_id=b"bench-item", associated_data=b"benign payload",
                                    account_id=BENCH_ACCOUNT_ID,
                                    schedule=tpsi.SyntheticSchedule.never())
    inner = _aead_lengths(blinded.params)[1]
    references = {
        "floor (1 scalarmult per half + inner AEAD if it opens)":
            kernels.outer_kernel(halves, inner, match=match, full=False),
        "all-primitives floor (+ HalfKey HKDF per half)":
            kernels.outer_kernel(halves, inner, match=match, full=True),
        **_psi_reference(halves),
    }
    opened = paired(benchmark, lambda: tpsi.process_voucher(server_key, blinded, voucher,
                                                            account_id=BENCH_ACCOUNT_ID),
                    references, rounds=rounds)
    assert (opened is not None) == match


# t -> (s_max, rounds): v1's 3t, and for t = 30 the v2 default s_max (512)
RECOVERY_T = {10: (30, 10), 30: (512, 3), 100: (300, 1)}


def _opened_account(t: int, s_max: int) -> tuple[Any, list[Any]]:
    """One account's opened vouchers: s_max synthetic then t real matches, the most the inner
    step ever faces for this t from an honest client."""
    tpsi = _tpsi()
    server_key, blinded, known = _setup(1, synthetic_max=s_max)
    params = blinded.params
    account = tpsi.new_account(params, threshold=t)

    def make(item_id: bytes, y: bytes, synthetic: bool) -> Any:
        schedule = tpsi.SyntheticSchedule.always(1) if synthetic else tpsi.SyntheticSchedule.never()
        return tpsi.generate_voucher(account, blinded, candidate_hashes=[y], item_id=item_id,
                                     associated_data=b"benign payload", account_id=BENCH_ACCOUNT_ID,
                                     schedule=schedule)

    vouchers = [make(b"synthetic-%d" % k, os.urandom(32), True) for k in range(s_max)]
    vouchers += [make(b"real-%d" % k, known[k], False) for k in range(t)]
    opened = [tpsi.process_voucher(server_key, blinded, v, account_id=BENCH_ACCOUNT_ID)
              for v in vouchers]
    assert all(o is not None for o in opened)
    return params, opened


@pytest.mark.parametrize("t", RECOVERY_T)
def test_bench_recover_associated_data(benchmark: Any, t: int) -> None:
    s_max, rounds = RECOVERY_T[t]
    describe(benchmark, key=f"recovery_t{t}", section=RECOVERY,
             label=f"recover_associated_data, t = {t}, s_max = {s_max} "
                   f"({t} real + {s_max} synthetic shares)",
             unit="account")
    tpsi = _tpsi()
    params, opened = _opened_account(t, s_max)
    result = benchmark.pedantic(tpsi.recover_associated_data, args=(params, opened),
                                rounds=rounds, iterations=1)
    assert result.threshold_reached and len(result.items) == t
    assert len(result.synthetic_item_tags) == s_max
    metric(benchmark, "distinct shares examined", len(opened), "shares")
