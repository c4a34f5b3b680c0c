"""Reference server intake in process: one pre-signed voucher upload through the server's ASGI
app (envelope decode, Ed25519 verify, nonce, VoucherId, tPSI outer step, commit: SQLite WAL with
synchronous=FULL or PostgreSQL, signed receipt, the recovery-job check after the response),
paired round by round with the tPSI outer step alone on the same vouchers (the ratio is what
the server adds around the protocol step), at 16 candidates and at the release default.
Benchmarks measure; they assert nothing about time."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message

from tests.asgi import ServingLoop, http_scope
from tests.benchmarks.rows import BENCH_ACCOUNT_ID, THROUGHPUT, describe, paired
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.api.client import PROTOBUF
from vouchsafe.sdk.api.signing import API_VERSION, sign_request
from vouchsafe.sdk.media.candidates import DEFAULT_SCHEME
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
UPLOAD_PATH = "/v1/vouchers"


async def _post(app: ASGIApp, path: str, body: bytes) -> int:
    """One POST of ``body`` through the ASGI app, as a server would hand it over; its status."""
    headers = [
        (b"host", b"testserver"),
        (b"content-type", PROTOBUF.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = http_scope("POST", path, headers)
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    statuses: list[int] = []

    async def receive() -> Message:
        if pending:
            return pending.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


@pytest.mark.parametrize("candidates", [16, DEFAULT_SCHEME.max_candidates])
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_bench_server_voucher_intake(
    benchmark: Any, tmp_path: Path, backend: str, candidates: int, request: pytest.FixtureRequest
) -> None:
    describe(
        benchmark,
        key=f"server_intake_{backend}_{candidates}",
        section=THROUGHPUT,
        label=f"voucher upload in process (verify, outer step, {backend} commit, receipt)",
        note=f"{candidates} PSI candidates per voucher ({2 * candidates} halves; "
        f"the release default is {DEFAULT_SCHEME.max_candidates}); non-matching vouchers",
    )
    if backend == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'bench.db'}"
    else:
        db_url = request.getfixturevalue("postgres_url")
    key = generate_server_keys()
    blinded = blind_hash_set(
        key, [secrets.token_bytes(32) for _ in range(64)], max_candidates=candidates
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
            candidate_hashes=[secrets.token_bytes(32) for _ in range(candidates)],
            item_id=secrets.token_bytes(16),
            associated_data=b"a" * 256,
            account_id=BENCH_ACCOUNT_ID,
            schedule=SyntheticSchedule.never(),
        )
        for _ in range(ROUNDS + 1)
    ]
    pairs = [(wire.voucher_id(v), wire.encode_safety_voucher(v)) for v in vouchers]
    alone: Iterator[tuple[bytes, bytes]] = iter(pairs)
    with TestClient(app) as http:
        client = ApiClient("http://testserver", Ed25519PrivateKey.generate())
        client.http = http
        client.register()
        # The client's work (signing, receipt check) is done before the timed rounds: each
        # round is the server's alone, one pre-signed request through the ASGI app (body read,
        # envelope and signature check, nonce, VoucherId, outer step, commit, signed receipt,
        # and the recovery-job check that runs after the response).
        bodies = iter(
            [
                sign_request(
                    client.signing_key,
                    "POST",
                    UPLOAD_PATH,
                    api_pb2.UploadVoucherRequest(
                        version=API_VERSION,
                        account_id=client.account_id,
                        voucher_id=voucher_id,
                        safety_voucher=safety_voucher,
                    ).SerializeToString(),
                ).SerializeToString()
                for voucher_id, safety_voucher in pairs
            ]
        )
        # Each round calls the ASGI app directly on an event loop in this thread, from one
        # long-lived task as a server does (ServingLoop): the server's own thread hand-off
        # (the transaction runs in its warm thread pool) is timed, an HTTP client's request
        # building and a hop to another thread's loop are not.
        serving = ServingLoop()

        def upload() -> None:
            body = next(bodies)
            status = serving.run(lambda: _post(app, UPLOAD_PATH, body))
            if status != 200:
                raise RuntimeError(f"upload refused: {status}")

        def outer_step_alone() -> None:  # for the same account the upload runs it for
            matcher.outer_step(next(alone)[1], client.account_id)

        paired(benchmark, upload, {"the outer step alone": outer_step_alone}, rounds=ROUNDS)
        serving.close()
    app.state.ctx.storage.close()
