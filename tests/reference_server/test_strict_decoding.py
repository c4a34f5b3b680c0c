"""One strict decoder at every boundary: the server refuses what is not the canonical encoding."""

from __future__ import annotations

import pytest

from tests.reference_server.conftest import InProcessServer
from tests.reference_server.fakes import fake_voucher, fake_voucher_id
from vouchsafe.protocol import api_pb2, common_pb2, release_pb2
from vouchsafe.sdk.api.signing import sign_request
from vouchsafe.sdk.decoding import decode_canonical
from vouchsafe.sdk.errors import MalformedMessageError, MalformedRequest, ReleaseMalformed
from vouchsafe.sdk.release_checks import decode_message

PROTOBUF = {"content-type": "application/x-protobuf"}
UNKNOWN_FIELD = b"\xf8\x07\x01"  # field 127, varint 1: unknown to every message here


def _upload(server: InProcessServer, inner: bytes) -> tuple[int, str, int]:
    alice = server.user()
    envelope = sign_request(alice.signing_key, "POST", "/v1/vouchers", inner)
    reply = server.http.post("/v1/vouchers", content=envelope.SerializeToString(), headers=PROTOBUF)
    with server.ctx.storage.transaction() as tx:
        stored = len(tx.tx.select("vouchers"))
    return reply.status_code, common_pb2.Error.FromString(reply.content).code, stored


def test_a_signed_body_with_an_unknown_field_is_refused_and_stores_nothing(
    server: InProcessServer,
) -> None:
    voucher = fake_voucher(1)
    inner = api_pb2.UploadVoucherRequest(
        version=1,
        account_id="",
        voucher_id=fake_voucher_id(voucher),
        safety_voucher=voucher,
    ).SerializeToString()
    assert _upload(server, inner + UNKNOWN_FIELD) == (400, "malformed_request", 0)


def test_an_envelope_with_trailing_bytes_is_refused(server: InProcessServer) -> None:
    alice = server.user()
    envelope = sign_request(alice.signing_key, "POST", "/v1/messages/fetch", b"")
    body = envelope.SerializeToString() + UNKNOWN_FIELD
    reply = server.http.post("/v1/messages/fetch", content=body, headers=PROTOBUF)
    assert (reply.status_code, common_pb2.Error.FromString(reply.content).code) == (
        400,
        "malformed_request",
    )


def test_every_decoding_failure_is_one_error_family() -> None:
    release = release_pb2.Release(signature=b"s").SerializeToString()
    with pytest.raises(ReleaseMalformed) as refused:
        decode_message(release_pb2.Release, release + UNKNOWN_FIELD, "release")
    assert isinstance(refused.value, MalformedMessageError)
    with pytest.raises(MalformedRequest) as malformed:
        decode_canonical(common_pb2.Error, b"\xff", field="body", error=MalformedRequest)
    assert isinstance(malformed.value, MalformedMessageError) and malformed.value.field == "body"
    assert decode_canonical(common_pb2.Error, release[:0], field="x") == common_pb2.Error()
