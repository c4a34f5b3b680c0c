"""An honest account's upload while another account floods crafted always-opening vouchers,
against the same upload with no flood, through the in-process server (the upload runs the
outer step and the account's incremental threshold step). Also the recovery step itself at
t = 30 with the default s_max. Benchmarks measure; they assert nothing about time."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.benchmarks.rows import RECOVERY, THROUGHPUT, describe, metric
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.tpsi import (
    AccountRecovery,
    SyntheticSchedule,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    process_voucher,
    wire,
)
from vouchsafe.sdk.tpsi.params import DEFAULT_SYNTHETIC_MAX
from vouchsafe.server.app import create_app
from vouchsafe.server.pipeline.tpsi_matcher import TpsiMatcher
from vouchsafe.server.settings import Settings

T = 30
HONEST_ROUNDS = 30


def _vouchers(
    blinded: Any, account_id: str, count: int, flood: bool, known: list[bytes]
) -> list[tuple[bytes, bytes]]:
    account = new_account(blinded.params, threshold=T)
    schedule = SyntheticSchedule.always(10**9) if flood else SyntheticSchedule.never()
    out = []
    for i in range(count):
        y = secrets.token_bytes(32) if flood else known[i % len(known)]
        v = generate_voucher(
            account,
            blinded,
            candidate_hashes=[y],
            item_id=b"%d" % i,
            associated_data=b"a" * 64,
            account_id=account_id.encode(),
            schedule=schedule,
        )
        out.append((wire.voucher_id(v), wire.encode_safety_voucher(v)))
    return out


@pytest.mark.parametrize("flooding", [False, True])
def test_bench_honest_upload_beside_a_flood(benchmark: Any, tmp_path: Path, flooding: bool) -> None:
    key_name = "honest_upload_flood" if flooding else "honest_upload_quiet"
    describe(
        benchmark,
        key=key_name,
        section=THROUGHPUT,
        label="honest voucher upload in process, "
        + (
            "while another account floods crafted always-opening vouchers"
            if flooding
            else "no flood"
        ),
        note=f"t = {T}, s_max = {DEFAULT_SYNTHETIC_MAX}; one flooding upload before each",
        compare=[{"name": "same upload, no flood", "to": "honest_upload_quiet"}]
        if flooding
        else None,
    )
    server_key = generate_server_keys()
    known = [secrets.token_bytes(32) for _ in range(64)]
    blinded = blind_hash_set(server_key, known, max_candidates=1, padded_associated_data_length=256)
    matcher = TpsiMatcher(server_key, blinded, threshold=T, release_id="bench")
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'bench.db'}", schedule_interval_s=0, rate_limit_per_minute=0
    )
    app = create_app(settings, matcher=matcher)
    with TestClient(app) as http:
        honest = ApiClient("http://testserver", Ed25519PrivateKey.generate())
        attacker = ApiClient("http://testserver", Ed25519PrivateKey.generate())
        for client in (honest, attacker):
            client.http = http
            client.register()
        width = T - 1 + DEFAULT_SYNTHETIC_MAX
        honest_vouchers = iter(
            _vouchers(blinded, honest.account_id, HONEST_ROUNDS + 2, False, known)
        )
        flood = _vouchers(blinded, attacker.account_id, width + HONEST_ROUNDS + 2, True, known)
        flood_iter = iter(flood)
        if flooding:  # bring the flood near its cap first: the most expensive rows
            for _ in range(width - HONEST_ROUNDS // 2):
                attacker.upload_voucher(*next(flood_iter))

        def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
            if flooding:
                attacker.upload_voucher(*next(flood_iter))
            return (), {}

        def upload() -> None:
            honest.upload_voucher(*next(honest_vouchers))

        benchmark.pedantic(upload, setup=setup, rounds=HONEST_ROUNDS, iterations=1)


def test_bench_recovery_step_at_t30(benchmark: Any) -> None:
    describe(
        benchmark,
        key="recovery_t30_incremental",
        section=RECOVERY,
        label=f"AccountRecovery, t = {T}, s_max = {DEFAULT_SYNTHETIC_MAX}: {DEFAULT_SYNTHETIC_MAX} "
        f"synthetic then {T} real shares fed one at a time (a whole account's recovery work)",
        unit="account",
    )
    server_key = generate_server_keys()
    known = [secrets.token_bytes(32) for _ in range(64)]
    blinded = blind_hash_set(server_key, known, max_candidates=1, padded_associated_data_length=256)
    account = new_account(blinded.params, threshold=T)
    opened = []
    for i in range(DEFAULT_SYNTHETIC_MAX + T):
        synthetic = i < DEFAULT_SYNTHETIC_MAX
        v = generate_voucher(
            account,
            blinded,
            candidate_hashes=[b"x" * 32 if synthetic else known[i % 64]],
            item_id=b"%d" % i,
            associated_data=b"a",
            account_id=b"acct",
            schedule=SyntheticSchedule.always(1) if synthetic else SyntheticSchedule.never(),
        )
        o = process_voucher(server_key, blinded, v, account_id=b"acct")
        assert o is not None
        opened.append(o)

    def whole_account() -> AccountRecovery:
        state = AccountRecovery(blinded.params, threshold=T)
        for o in opened:
            state.add([o])
        return state

    state = benchmark.pedantic(whole_account, rounds=1, iterations=1)
    assert state.threshold == T and len(state.items) == T
    metric(benchmark, "rows (distinct shares)", len(opened), "shares")
