"""The outer step of an upload runs only for an authenticated, fresh request, and outside the
upload's write transaction (SQLite admits one writer: the step must not hold it)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.reference_server.conftest import THRESHOLD, Clock, InProcessServer, make_settings
from tests.reference_server.fakes import FakeMatcher, fake_voucher, fake_voucher_id, upload
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.client import PROTOBUF
from vouchsafe.sdk.api.signing import API_VERSION, verify_request
from vouchsafe.sdk.errors import ServerRejected
from vouchsafe.server import auth
from vouchsafe.server.app import create_app
from vouchsafe.server.context import ServerContext
from vouchsafe.server.storage.records import ROLE_REVOKED, STATUS_SUSPENDED


@dataclass
class WatchedMatcher(FakeMatcher):
    """The stand-in matcher, counting outer steps and running ``during`` inside each one."""

    outer_steps: int = 0
    during: list[object] = field(default_factory=list)

    def outer_step(self, safety_voucher: bytes, account_id: str) -> bytes | None:
        if account_id:  # voucher_id() validates through here with no account
            self.outer_steps += 1
            for work in self.during:
                assert callable(work)
                work()
        return super().outer_step(safety_voucher, account_id)


@pytest.fixture
def watched(
    db_url: str, staff_keys: dict[str, Ed25519PrivateKey]
) -> Iterator[tuple[InProcessServer, WatchedMatcher]]:
    clock, matcher = Clock(), WatchedMatcher(THRESHOLD)
    app = create_app(make_settings(db_url, staff_keys), matcher=matcher, clock=clock)
    with TestClient(app) as http:
        yield InProcessServer(http, app.state.ctx, clock, staff_keys), matcher
    app.state.ctx.storage.close()


def _signed_upload(server: InProcessServer, key: Ed25519PrivateKey, account_id: str) -> bytes:
    voucher = fake_voucher(0)
    request = api_pb2.UploadVoucherRequest(
        version=API_VERSION,
        account_id=account_id,
        voucher_id=fake_voucher_id(voucher),
        safety_voucher=voucher,
    )
    return server.client(key)._signed_body("/v1/vouchers", request)


def test_an_upload_from_an_unknown_key_never_reaches_the_outer_step(
    watched: tuple[InProcessServer, WatchedMatcher],
) -> None:
    server, matcher = watched
    alice = server.user("alice")
    stranger = Ed25519PrivateKey.generate()  # never registered
    body = _signed_upload(server, stranger, alice.account_id)
    answer = server.http.post("/v1/vouchers", content=body, headers={"content-type": PROTOBUF})
    assert answer.status_code == 401
    assert matcher.outer_steps == 0


def test_a_replayed_upload_is_refused_before_the_outer_step(
    watched: tuple[InProcessServer, WatchedMatcher],
) -> None:
    server, matcher = watched
    key = Ed25519PrivateKey.generate()
    alice = server.client(key)
    alice.register()
    body = _signed_upload(server, key, alice.account_id)
    headers = {"content-type": PROTOBUF}
    assert server.http.post("/v1/vouchers", content=body, headers=headers).status_code == 200
    assert matcher.outer_steps == 1
    again = server.http.post("/v1/vouchers", content=body, headers=headers)
    assert again.status_code == 409 and b"replayed_request" in again.content
    assert matcher.outer_steps == 1


def test_a_suspended_account_s_upload_never_reaches_the_outer_step(
    watched: tuple[InProcessServer, WatchedMatcher],
) -> None:
    server, matcher = watched
    alice = server.user("alice")
    with server.ctx.storage.transaction() as tx:
        tx.accounts.set_status(alice.account_id, STATUS_SUSPENDED)
    with pytest.raises(ServerRejected) as refused:
        upload(alice, fake_voucher(0))
    assert refused.value.server_code == "account_suspended"
    assert matcher.outer_steps == 0


def test_other_writers_commit_while_an_upload_runs_its_outer_step(
    watched: tuple[InProcessServer, WatchedMatcher],
) -> None:
    server, matcher = watched
    ctx: ServerContext = server.ctx
    committed = threading.Event()
    committed_during_the_step: list[bool] = []

    def write_from_another_thread() -> None:
        def write() -> None:
            with ctx.storage.transaction() as tx:
                tx.tallies.bump("2026-01-01", "probe")
            committed.set()

        threading.Thread(target=write).start()
        # A writer held by the upload would wait until the upload's transaction ends.
        committed_during_the_step.append(committed.wait(timeout=10))

    matcher.during.append(write_from_another_thread)
    alice = server.user("alice")
    receipt = upload(alice, fake_voucher(0))
    assert not receipt.duplicate
    assert committed_during_the_step == [True]


def test_an_upload_verifies_its_signature_once(
    watched: tuple[InProcessServer, WatchedMatcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = watched
    alice = server.user("alice")
    verified: list[str] = []

    def counting(envelope: api_pb2.SignedRequest, *args: Any, **kwargs: Any) -> None:
        verified.append(envelope.path)
        verify_request(envelope, *args, **kwargs)

    monkeypatch.setattr(auth, "verify_request", counting)
    upload(alice, fake_voucher(0))
    assert verified == ["/v1/vouchers"]


def _refusal_when_during_the_step(
    watched: tuple[InProcessServer, WatchedMatcher], happens: Callable[[str], None]
) -> str:
    """The error code of an upload during whose outer step ``happens(account_id)``; checks
    that nothing of the upload was stored."""
    server, matcher = watched
    alice = server.user("alice")
    matcher.during.append(lambda: happens(alice.account_id))
    with pytest.raises(ServerRejected) as refused:
        upload(alice, fake_voucher(0))
    with server.ctx.storage.read() as tx:
        assert tx.vouchers.count_for(alice.account_id) == 0
    return refused.value.server_code


def test_an_upload_whose_window_ends_during_the_outer_step_is_refused_and_leaves_nothing(
    watched: tuple[InProcessServer, WatchedMatcher],
) -> None:
    server = watched[0]

    def time_passes(account_id: str) -> None:
        server.clock.offset_ms += server.ctx.settings.signature_window_ms + 1

    assert _refusal_when_during_the_step(watched, time_passes) == "stale_request"


def test_an_account_that_loses_its_role_during_the_outer_step_is_refused(
    watched: tuple[InProcessServer, WatchedMatcher],
) -> None:
    server = watched[0]

    def revoked(account_id: str) -> None:
        with server.ctx.storage.transaction() as tx:
            tx.accounts.set_role(account_id, ROLE_REVOKED)

    assert _refusal_when_during_the_step(watched, revoked) == "forbidden"


def test_an_upload_whose_stored_key_changed_during_the_outer_step_is_refused(
    watched: tuple[InProcessServer, WatchedMatcher],
) -> None:
    server = watched[0]
    other_key = Ed25519PrivateKey.generate().public_key().public_bytes_raw()

    def key_replaced(account_id: str) -> None:
        with server.ctx.storage.transaction() as tx:
            tx.tx.update("accounts", (account_id,), {"signing_public_key": other_key})

    assert _refusal_when_during_the_step(watched, key_replaced) == "invalid_signature"
