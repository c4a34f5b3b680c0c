"""The SDK's one API client without a server: error mapping, signing, receipt verification."""

from __future__ import annotations

import json

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vouchsafe.demo.server_process import free_loopback_port
from vouchsafe.messenger.errors import UnknownRecipient
from vouchsafe.messenger.relay import ServerRelay
from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.sdk.api import ApiClient, Receipt, key_id_for
from vouchsafe.sdk.api.provider_signatures import receipt_body, voucher_digest
from vouchsafe.sdk.api.signing import parse_signed_request, verify_request
from vouchsafe.sdk.crypto import ed25519, labels
from vouchsafe.sdk.errors import (
    ErrorCode,
    MalformedResponse,
    ProviderSignatureError,
    ServerRejected,
    ServerUnreachable,
)

PROVIDER = Ed25519PrivateKey.generate()
VOUCHER_ID, VOUCHER = b"\x07" * 32, b"safety voucher bytes"


def _error(status: int, code: str) -> httpx.MockTransport:
    body = common_pb2.Error(code=code, message="nope", field="handle").SerializeToString()
    return httpx.MockTransport(lambda request: httpx.Response(status, content=body))


def _client(transport: httpx.BaseTransport, provider_public_key: bytes | None = None) -> ApiClient:
    return ApiClient(
        "http://server",
        Ed25519PrivateKey.generate(),
        transport=transport,
        provider_public_key=provider_public_key,
    )


def test_unreachable_server_is_a_typed_error_not_an_httpx_one() -> None:
    client = ApiClient(
        f"http://127.0.0.1:{free_loopback_port()}", Ed25519PrivateKey.generate(), timeout_s=1.0
    )
    with pytest.raises(ServerUnreachable, match="unreachable") as raised:
        client.lookup(handle="bob")
    assert raised.value.maybe_delivered is False


def test_timeout_after_sending_may_have_been_delivered() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ServerUnreachable) as raised:
        _client(httpx.MockTransport(handler)).send_message("acct", b"\x00" * 16, b"blob")
    assert raised.value.maybe_delivered is True


def test_refusals_carry_the_servers_error_code_status_and_field() -> None:
    with pytest.raises(ServerRejected) as raised:
        _client(_error(429, "rate_limited")).send_message("acct", b"\x00" * 16, b"blob")
    assert raised.value.server_code is ErrorCode.RATE_LIMITED
    assert (raised.value.status, raised.value.field, raised.value.retryable) == (
        429,
        "handle",
        True,
    )
    with pytest.raises(ServerRejected) as refused:
        _client(_error(400, "malformed_voucher")).send_message("acct", b"\x00" * 16, b"blob")
    assert refused.value.retryable is False


def test_not_ready_as_the_server_sends_it_is_retryable() -> None:
    with pytest.raises(ServerRejected) as raised:
        _client(_error(503, "not_ready")).upload_voucher(VOUCHER_ID, VOUCHER)
    assert raised.value.retryable


def test_unknown_handle_becomes_unknown_recipient_in_the_messenger() -> None:
    relay = ServerRelay(_client(_error(404, "not_found")))
    with pytest.raises(UnknownRecipient, match="bob"):
        relay.lookup("bob")


def test_a_200_that_is_not_the_expected_message_is_a_malformed_response() -> None:
    garbage = httpx.MockTransport(lambda request: httpx.Response(200, content=b"\xff\xff\xff"))
    with pytest.raises(MalformedResponse):
        _client(garbage).lookup(handle="bob")
    with pytest.raises(MalformedResponse):
        _client(garbage).provider()


def test_requests_are_signed_for_their_endpoint() -> None:
    key = Ed25519PrivateKey.generate()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=api_pb2.SendMessageResponse().SerializeToString())

    client = ApiClient("http://server", key, transport=httpx.MockTransport(handler))
    client.send_message("acct-bob", b"\x01" * 16, b"ciphertext")
    envelope = parse_signed_request(seen[0].content)
    public = key.public_key().public_bytes_raw()
    verify_request(envelope, public, "POST", "/v1/messages/send", now_ms=envelope.timestamp_ms)
    inner = api_pb2.SendMessageRequest.FromString(envelope.body)
    assert (inner.recipient_account_id, inner.ciphertext) == ("acct-bob", b"ciphertext")


def _provider_server(
    signer: Ed25519PrivateKey, *, digest_of: bytes = VOUCHER
) -> httpx.MockTransport:
    """Answers /v1/provider with PROVIDER's key and signs receipts with ``signer``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/provider":
            public = PROVIDER.public_key().public_bytes_raw()
            document = {
                "provider": "p",
                "provider_key_id": key_id_for(public),
                "provider_public_key": public.hex(),
                "match_threshold": 3,
            }
            return httpx.Response(200, content=json.dumps(document).encode())
        envelope = parse_signed_request(request.content)
        upload = api_pb2.UploadVoucherRequest.FromString(envelope.body)
        receipt = api_pb2.VoucherReceipt(
            version=1,
            voucher_id=upload.voucher_id,
            account_id=upload.account_id,
            received_at_ms=1234,
            voucher_digest=voucher_digest(digest_of),
        )
        receipt.signature = ed25519.sign(signer, labels.VOUCHER_RECEIPT, receipt_body(receipt))
        return httpx.Response(200, content=receipt.SerializeToString())

    return httpx.MockTransport(handler)


def test_upload_returns_the_verified_receipt_which_survives_storage() -> None:
    client = _client(_provider_server(PROVIDER))
    receipt = client.upload_voucher(VOUCHER_ID, VOUCHER)
    assert (receipt.voucher_id, receipt.account_id, receipt.received_at_ms) == (
        VOUCHER_ID,
        client.account_id,
        1234,
    )
    stored = Receipt.from_bytes(receipt.to_bytes())
    assert stored == receipt
    stored.verify(PROVIDER.public_key().public_bytes_raw())


def test_receipt_signed_by_another_key_is_refused() -> None:
    client = _client(_provider_server(Ed25519PrivateKey.generate()))
    with pytest.raises(ProviderSignatureError):
        client.upload_voucher(VOUCHER_ID, VOUCHER)


def test_receipt_pinned_to_another_provider_key_is_refused() -> None:
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    client = _client(_provider_server(PROVIDER), provider_public_key=other)
    with pytest.raises(ProviderSignatureError):
        client.upload_voucher(VOUCHER_ID, VOUCHER)


def test_receipt_for_other_voucher_bytes_is_refused() -> None:
    client = _client(_provider_server(PROVIDER, digest_of=b"other bytes"))
    with pytest.raises(ProviderSignatureError) as raised:
        client.upload_voucher(VOUCHER_ID, VOUCHER)
    assert raised.value.field == "voucher_digest"
