"""Reference server intake in process: one signed voucher upload through the whole HTTP stack
(envelope decode, Ed25519 verify, nonce, VoucherId, tPSI outer step, SQLite WAL commit with
synchronous=FULL, signed receipt). Benchmarks measure; they assert nothing about time."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.benchmarks.rows import BENCH_ACCOUNT_ID, THROUGHPUT, describe
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.tpsi import (
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    wire,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.server.app import create_app
from vouchsafe.server.pipeline.tpsi_matcher import TpsiMatcher
from vouchsafe.server.settings import Settings

ROUNDS = 40
CANDIDATES = 16


def test_bench_server_voucher_intake(benchmark: Any, tmp_path: Path) -> None:
    describe(
        benchmark,
        key="server_intake",
        section=THROUGHPUT,
        label="voucher upload in process (verify, outer step, SQLite commit, receipt)",
        note="16 PSI candidates per voucher (32 halves); non-matching vouchers",
    )
    key = generate_server_keys()
    blinded = blind_hash_set(
        key, [secrets.token_bytes(32) for _ in range(64)], max_candidates=CANDIDATES
    )
    matcher = TpsiMatcher(key, blinded, threshold=30, release_id="bench")
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'bench.db'}", schedule_interval_s=0, rate_limit_per_minute=0
    )
    app = create_app(settings, matcher=matcher)
    account = new_account(blinded.params, threshold=30)
    vouchers = [
        generate_voucher(
            account,
            blinded,
            candidate_hashes=[secrets.token_bytes(32) for _ in range(CANDIDATES)],
            item_id=secrets.token_bytes(16),
            associated_data=b"a" * 256,
            account_id=BENCH_ACCOUNT_ID,
            schedule=SyntheticSchedule.never(),
        )
        for _ in range(ROUNDS + 1)
    ]
    encoded: Iterator[tuple[bytes, bytes]] = iter(
        (wire.voucher_id(v), wire.encode_safety_voucher(v)) for v in vouchers
    )
    with TestClient(app) as http:
        client = ApiClient("http://testserver", Ed25519PrivateKey.generate())
        client.http = http
        client.register()

        def upload() -> None:
            client.upload_voucher(*next(encoded))

        benchmark.pedantic(upload, rounds=ROUNDS, iterations=1, warmup_rounds=1)
