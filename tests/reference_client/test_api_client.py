"""The HTTP client's error mapping and request signing, without a server."""

from __future__ import annotations

import httpx
import pytest

from vouchsafe.demo.server_process import free_loopback_port
from vouchsafe.messenger.api import ApiClient
from vouchsafe.messenger.errors import ServerRejected, ServerUnreachable, UnknownRecipient
from vouchsafe.messenger.identity import generate_identity
from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.protocol.request_signing import parse_signed_request, verify_request


def test_unreachable_server_is_a_clear_error() -> None:
    client = ApiClient(
        f"http://127.0.0.1:{free_loopback_port()}", generate_identity(), timeout_s=1.0
    )
    with pytest.raises(ServerUnreachable, match="unreachable"):
        client.lookup("bob")


def _error(status: int, code: str) -> httpx.MockTransport:
    body = common_pb2.Error(code=code, message="nope", field="handle").SerializeToString()
    return httpx.MockTransport(lambda request: httpx.Response(status, content=body))


def test_unknown_handle_becomes_unknown_recipient() -> None:
    client = ApiClient("http://server", generate_identity(), transport=_error(404, "not_found"))
    with pytest.raises(UnknownRecipient, match="bob"):
        client.lookup("bob")


def test_other_refusals_carry_the_server_code() -> None:
    client = ApiClient("http://server", generate_identity(), transport=_error(429, "rate_limited"))
    with pytest.raises(ServerRejected) as raised:
        client.send_message("acct", b"\x00" * 16, b"blob")
    assert raised.value.server_code == "rate_limited"


def test_requests_are_signed_with_the_identity_key_for_their_endpoint() -> None:
    identity = generate_identity()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=api_pb2.SendMessageResponse().SerializeToString())

    client = ApiClient("http://server", identity, transport=httpx.MockTransport(handler))
    client.send_message("acct-bob", b"\x01" * 16, b"ciphertext")
    envelope = parse_signed_request(seen[0].content)
    verify_request(
        envelope,
        identity.public.signing_key,
        "POST",
        "/v1/messages/send",
        now_ms=envelope.timestamp_ms,
    )
    inner = api_pb2.SendMessageRequest.FromString(envelope.body)
    assert (inner.recipient_account_id, inner.ciphertext) == ("acct-bob", b"ciphertext")
