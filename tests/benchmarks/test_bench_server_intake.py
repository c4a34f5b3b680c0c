"""Reference server intake in process: one signed voucher upload through the whole HTTP stack
(envelope decode, Ed25519 verify, nonce, VoucherId, tPSI outer step, commit: SQLite WAL with
synchronous=FULL or PostgreSQL, signed receipt), paired round by round with the tPSI outer step
alone on the same vouchers (the ratio is what the server adds around the protocol step).
Benchmarks measure; they assert nothing about time."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.benchmarks.rows import BENCH_ACCOUNT_ID, THROUGHPUT, describe, paired
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


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_bench_server_voucher_intake(
    benchmark: Any, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    describe(
        benchmark,
        key=f"server_intake_{backend}",
        section=THROUGHPUT,
        label=f"voucher upload in process (verify, outer step, {backend} commit, receipt)",
        note="16 PSI candidates per voucher (32 halves); non-matching vouchers",
    )
    if backend == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'bench.db'}"
    else:
        db_url = request.getfixturevalue("postgres_url")
    key = generate_server_keys()
    blinded = blind_hash_set(
        key, [secrets.token_bytes(32) for _ in range(64)], max_candidates=CANDIDATES
    )
    matcher = TpsiMatcher(key, blinded, threshold=30, release_id="bench")
    settings = Settings(
        db_url=db_url,
        schedule_interval_s=0,
        recovery_poll_s=0,
        rate_limit_per_minute=0,
        provider_key_path=tmp_path / "provider.key",
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
    pairs = [(wire.voucher_id(v), wire.encode_safety_voucher(v)) for v in vouchers]
    encoded: Iterator[tuple[bytes, bytes]] = iter(pairs)
    alone: Iterator[tuple[bytes, bytes]] = iter(pairs)
    with TestClient(app) as http:
        client = ApiClient("http://testserver", Ed25519PrivateKey.generate())
        client.http = http
        client.register()

        def upload() -> None:
            client.upload_voucher(*next(encoded))

        def outer_step_alone() -> None:  # for the same account the upload runs it for
            matcher.outer_step(next(alone)[1], client.account_id)

        paired(benchmark, upload, {"the outer step alone": outer_step_alone}, rounds=ROUNDS)
    app.state.ctx.storage.close()
