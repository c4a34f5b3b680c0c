"""Bad requests: each gets its own clear error (status + protobuf Error) and changes nothing."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.reference_server.conftest import InProcessServer
from tests.reference_server.fakes import fake_voucher, fake_voucher_id, upload
from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.api.signing import sign_request
from vouchsafe.server.storage.schema import TABLES

PROTOBUF = {"content-type": "application/x-protobuf"}


def _snapshot(server: InProcessServer) -> dict[str, list[Any]]:
    with server.ctx.storage.transaction() as tx:
        return {name: tx.tx.select(name) for name in TABLES if name != "request_tallies"}


def _upload_body(client: ApiClient, account_id: str | None = None, voucher: bytes = b"") -> bytes:
    voucher = voucher or fake_voucher(1)
    return api_pb2.UploadVoucherRequest(
        version=1,
        account_id=account_id or client.account_id,
        voucher_id=fake_voucher_id(voucher),
        safety_voucher=voucher,
    ).SerializeToString()


def _post(
    server: InProcessServer, path: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, common_pb2.Error]:
    reply = server.http.post(path, content=body, headers=headers or PROTOBUF)
    error = common_pb2.Error()
    error.ParseFromString(reply.content)
    return reply.status_code, error


def _signed(client: ApiClient, path: str, body: bytes, **kw: Any) -> bytes:
    return sign_request(client.signing_key, "POST", path, body, **kw).SerializeToString()


def _assert_refused(
    server: InProcessServer,
    path: str,
    body: bytes,
    status: int,
    code: str,
    headers: dict[str, str] | None = None,
) -> common_pb2.Error:
    before = _snapshot(server)
    got_status, error = _post(server, path, body, headers)
    assert (got_status, error.code) == (status, code), error.message
    assert error.message
    assert _snapshot(server) == before
    return error


def test_malformed_body_is_refused(server: InProcessServer) -> None:
    server.user()
    _assert_refused(server, "/v1/vouchers", b"\xff\xfe garbage", 400, "malformed_request")


def test_malformed_inner_message_is_refused_and_its_nonce_not_spent(
    server: InProcessServer,
) -> None:
    alice = server.user()
    body = _signed(alice, "/v1/vouchers", b"\xff\xfe garbage")
    _assert_refused(server, "/v1/vouchers", body, 400, "malformed_request")


def test_malformed_voucher_is_refused_by_the_protocol_layer(server: InProcessServer) -> None:
    alice = server.user()
    body = _signed(alice, "/v1/vouchers", _upload_body(alice, voucher=b"not a voucher at all"))
    error = _assert_refused(server, "/v1/vouchers", body, 400, "malformed_message")
    assert error.field == "safety_voucher"


def test_oversized_request_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    big = _signed(alice, "/v1/vouchers", _upload_body(alice, voucher=b"FAKE" + bytes(600_000)))
    _assert_refused(server, "/v1/vouchers", big, 413, "payload_too_large")


def test_oversized_voucher_inside_a_small_request_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    body = _signed(alice, "/v1/vouchers", _upload_body(alice, voucher=b"FAKE" + bytes(70_000)))
    error = _assert_refused(server, "/v1/vouchers", body, 413, "payload_too_large")
    assert error.field == "safety_voucher"


def test_unsigned_request_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    _assert_refused(server, "/v1/vouchers", _upload_body(alice), 401, "unsigned_request")


def test_bad_signature_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    envelope = sign_request(alice.signing_key, "POST", "/v1/vouchers", _upload_body(alice))
    envelope.body = _upload_body(alice)  # another voucher under the old signature
    _assert_refused(server, "/v1/vouchers", envelope.SerializeToString(), 401, "invalid_signature")


def test_replayed_request_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    body = _signed(alice, "/v1/vouchers", _upload_body(alice))
    assert server.http.post("/v1/vouchers", content=body, headers=PROTOBUF).status_code == 200
    _assert_refused(server, "/v1/vouchers", body, 409, "replayed_request")


def test_stale_request_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    old = server.ctx.clock() - 3_600_000
    body = _signed(alice, "/v1/vouchers", _upload_body(alice), timestamp_ms=old)
    _assert_refused(server, "/v1/vouchers", body, 401, "stale_request")


def test_wrong_account_is_refused(server: InProcessServer) -> None:
    alice, bob = server.user(), server.user()
    body = _signed(alice, "/v1/vouchers", _upload_body(alice, account_id=bob.account_id))
    error = _assert_refused(server, "/v1/vouchers", body, 403, "wrong_account")
    assert error.field == "account_id"


def test_unregistered_key_is_refused(server: InProcessServer) -> None:
    stranger = server.client(Ed25519PrivateKey.generate())
    body = _signed(stranger, "/v1/vouchers", _upload_body(stranger))
    _assert_refused(server, "/v1/vouchers", body, 401, "unknown_key")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v1/review/queue", api_pb2.ListReviewItemsRequest(version=1)),
        ("/v1/authority/reports", api_pb2.ListReportsRequest(version=1)),
        ("/v1/audit/verify", api_pb2.AuditQuery(version=1)),
    ],
)
def test_user_can_never_reach_staff_endpoints(
    server: InProcessServer, path: str, message: Any
) -> None:
    alice = server.user()
    _assert_refused(
        server, path, _signed(alice, path, message.SerializeToString()), 403, "forbidden"
    )


def test_reviewer_cannot_upload_vouchers(server: InProcessServer) -> None:
    reviewer = server.staff("reviewer1")
    body = _signed(reviewer, "/v1/vouchers", _upload_body(reviewer))
    _assert_refused(server, "/v1/vouchers", body, 403, "forbidden")


def test_wrong_content_type_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    body = _signed(alice, "/v1/vouchers", _upload_body(alice))
    _assert_refused(
        server,
        "/v1/vouchers",
        body,
        415,
        "unsupported_media_type",
        {"content-type": "application/json"},
    )


def test_unknown_route_and_method_get_protobuf_errors(server: InProcessServer) -> None:
    assert _post(server, "/v1/nothing-here", b"")[1].code == "not_found"
    reply = server.http.get("/v1/vouchers")
    assert reply.status_code == 405
    assert common_pb2.Error.FromString(reply.content).code == "method_not_allowed"


def test_same_voucher_twice_returns_the_original_receipt(server: InProcessServer) -> None:
    alice = server.user()
    voucher = fake_voucher(1)
    first = upload(alice, voucher)
    before = _snapshot(server)
    again = upload(alice, voucher)
    assert again.duplicate and not first.duplicate
    assert (again.received_at_ms, again.signature) == (first.received_at_ms, first.signature)
    after = _snapshot(server)
    assert {k: v for k, v in after.items() if k != "nonces"} == {
        k: v for k, v in before.items() if k != "nonces"
    }


def test_same_voucher_from_another_account_is_a_conflict(server: InProcessServer) -> None:
    alice, mallory = server.user(), server.user()
    voucher = fake_voucher(1)
    upload(alice, voucher)
    body = _signed(mallory, "/v1/vouchers", _upload_body(mallory, voucher=voucher))
    error = _assert_refused(server, "/v1/vouchers", body, 409, "conflict")
    assert error.field == "voucher_id"


def test_voucher_id_that_is_not_the_voucher_s_id_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    request = api_pb2.UploadVoucherRequest(
        version=1,
        account_id=alice.account_id,
        voucher_id=secrets.token_bytes(32),
        safety_voucher=fake_voucher(1),
    ).SerializeToString()
    error = _assert_refused(
        server, "/v1/vouchers", _signed(alice, "/v1/vouchers", request), 400, "invalid_argument"
    )
    assert error.field == "voucher_id"


def test_rate_limit_refuses_a_flood(server: InProcessServer) -> None:
    from vouchsafe.server.auth import RateLimiter

    server.ctx.limiter = RateLimiter(3)
    alice = server.user()
    path = "/v1/notifications"
    for _ in range(3):
        alice.notifications()
    body = _signed(alice, path, api_pb2.ListNotificationsRequest(version=1).SerializeToString())
    _assert_refused(server, path, body, 429, "rate_limited")


def test_appeal_against_another_account_s_report_is_refused(server: InProcessServer) -> None:
    from tests.reference_server.conftest import KNOWN_HASH, THRESHOLD

    alice, mallory, reviewer = server.user(), server.user(), server.staff("reviewer1")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer.reveal(reviewer.review_queue()[0].review_id)
    report_id = reviewer.decide(reviewer.review_queue()[0].review_id, True).report_id
    request = api_pb2.FileAppealRequest(version=1, report_id=report_id, reason="not mine")
    body = _signed(mallory, "/v1/appeals", request.SerializeToString())
    error = _assert_refused(server, "/v1/appeals", body, 403, "wrong_account")
    assert error.field == "report_id"


def test_a_server_bug_answers_internal_error_and_keeps_nothing(server: InProcessServer) -> None:
    alice = server.user()

    class BrokenMatcher:
        threshold = 3
        release_id = "broken"

        def voucher_id(self, safety_voucher: bytes) -> bytes:
            return fake_voucher_id(safety_voucher)

        def outer_step(self, safety_voucher: bytes, account_id: str) -> bytes | None:
            raise RuntimeError("a bug")

        def recover(self, opened: object) -> list[object]:
            return []

    from starlette.testclient import TestClient

    server.ctx.matcher = BrokenMatcher()  # type: ignore[assignment]
    # As under uvicorn: the error response goes out and the exception is only logged.
    server.http = TestClient(server.http.app, raise_server_exceptions=False)
    body = _signed(alice, "/v1/vouchers", _upload_body(alice))
    error = _assert_refused(server, "/v1/vouchers", body, 500, "internal_error")
    assert "a bug" not in error.message
