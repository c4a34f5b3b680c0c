"""A small synchronous client for the reference server's API (``protocol/api.proto``).

Neutral ground: the reference messenger, the demo and the tests import it; it never imports the
server. Every authenticated call is wrapped in a ``SignedRequest`` by
``vouchsafe.protocol.request_signing.sign_request``; a rejected call raises :class:`ApiError`
carrying the
server's ``Error{code, message, field}`` and the HTTP status.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.message import DecodeError, Message

from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.protocol.request_signing import key_id_for, sign_request
from vouchsafe.sdk.errors import VouchsafeError

PROTOBUF = "application/x-protobuf"
M = TypeVar("M", bound=Message)


class ApiError(VouchsafeError):
    """The server refused a request; ``code``/``field`` are the server's, ``status`` its HTTP."""

    def __init__(self, status: int, code: str, message: str, field: str | None) -> None:
        super().__init__(message, field=field or None)
        self.status = status
        self.code = code


class ApiClient:
    """One account's (or staff member's) connection to the server."""

    def __init__(
        self,
        base_url: str,
        signing_key: Ed25519PrivateKey,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.signing_key = signing_key
        self.public_key = signing_key.public_key().public_bytes_raw()
        self.account_id = key_id_for(self.public_key)
        self.http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self.http.close()

    # -- plumbing --------------------------------------------------------------------------
    def _post(self, path: str, body: bytes, response_type: type[M]) -> M:
        reply = self.http.post(path, content=body, headers={"content-type": PROTOBUF})
        return _decode(reply, response_type)

    def signed(self, path: str, request: Message, response_type: type[M]) -> M:
        """Signs ``request`` for ``path`` and decodes the protobuf answer."""
        envelope = sign_request(self.signing_key, "POST", path, request.SerializeToString())
        return self._post(path, envelope.SerializeToString(), response_type)

    def signed_json(self, path: str, request: Message) -> Any:
        """Signs ``request`` for ``path`` and returns the JSON answer."""
        envelope = sign_request(self.signing_key, "POST", path, request.SerializeToString())
        reply = self.http.post(
            path, content=envelope.SerializeToString(), headers={"content-type": PROTOBUF}
        )
        if reply.status_code != 200:
            _raise(reply)
        return reply.json()

    # -- accounts --------------------------------------------------------------------------
    def register(
        self, handle: str = "", encryption_public_key: bytes = b""
    ) -> api_pb2.RegisterAccountResponse:
        request = api_pb2.RegisterAccountRequest(
            version=1,
            signing_public_key=self.public_key,
            encryption_public_key=encryption_public_key,
            handle=handle,
        )
        return self._post(
            "/v1/accounts", request.SerializeToString(), api_pb2.RegisterAccountResponse
        )

    def lookup(self, *, account_id: str = "", handle: str = "") -> api_pb2.AccountInfo:
        request = api_pb2.LookupAccountRequest(version=1, account_id=account_id, handle=handle)
        return self.signed("/v1/accounts/lookup", request, api_pb2.AccountInfo)

    # -- vouchers and messages --------------------------------------------------------------
    def upload_voucher(
        self, voucher_id: bytes, safety_voucher: bytes, release_id: str = ""
    ) -> api_pb2.VoucherReceipt:
        request = api_pb2.UploadVoucherRequest(
            version=1,
            account_id=self.account_id,
            voucher_id=voucher_id,
            safety_voucher=safety_voucher,
            release_id=release_id,
        )
        return self.signed("/v1/vouchers", request, api_pb2.VoucherReceipt)

    def send_message(
        self, recipient_account_id: str, message_id: bytes, ciphertext: bytes
    ) -> api_pb2.SendMessageResponse:
        request = api_pb2.SendMessageRequest(
            version=1,
            recipient_account_id=recipient_account_id,
            message_id=message_id,
            ciphertext=ciphertext,
        )
        return self.signed("/v1/messages/send", request, api_pb2.SendMessageResponse)

    def fetch_messages(
        self, after_sequence: int = 0, limit: int = 0
    ) -> list[api_pb2.RelayedMessage]:
        request = api_pb2.FetchMessagesRequest(
            version=1, after_sequence=after_sequence, limit=limit
        )
        return list(
            self.signed("/v1/messages/fetch", request, api_pb2.FetchMessagesResponse).messages
        )

    def ack_messages(self, message_ids: list[bytes]) -> int:
        request = api_pb2.AckMessagesRequest(version=1, message_ids=message_ids)
        return self.signed("/v1/messages/ack", request, api_pb2.AckMessagesResponse).deleted

    # -- notifications and appeals ------------------------------------------------------------
    def notifications(self) -> list[api_pb2.Notification]:
        request = api_pb2.ListNotificationsRequest(version=1)
        return list(
            self.signed(
                "/v1/notifications", request, api_pb2.ListNotificationsResponse
            ).notifications
        )

    def file_appeal(self, report_id: str, reason: str) -> api_pb2.Appeal:
        request = api_pb2.FileAppealRequest(version=1, report_id=report_id, reason=reason)
        return self.signed("/v1/appeals", request, api_pb2.Appeal)

    def appeals(self) -> list[api_pb2.Appeal]:
        request = api_pb2.ListAppealsRequest(version=1)
        return list(self.signed("/v1/appeals/status", request, api_pb2.ListAppealsResponse).appeals)

    # -- staff ------------------------------------------------------------------------------
    def console_challenge(self) -> str:
        """A fresh sign-in challenge of the provider's web console (answer it with
        :func:`vouchsafe.sdk.console_signin.sign_in_code`)."""
        reply = self.http.get("/console/challenge")
        if reply.status_code != 200:
            _raise(reply)
        return reply.text.strip()

    def review_queue(self, limit: int = 0) -> list[api_pb2.ReviewItem]:
        request = api_pb2.ListReviewItemsRequest(version=1, limit=limit)
        return list(self.signed("/v1/review/queue", request, api_pb2.ListReviewItemsResponse).items)

    def reveal(self, review_id: str) -> api_pb2.RevealDerivativeResponse:
        """The item's visual derivative; the server records the exposure (needed to confirm)."""
        request = api_pb2.RevealDerivativeRequest(version=1, review_id=review_id)
        return self.signed("/v1/review/reveal", request, api_pb2.RevealDerivativeResponse)

    def decide(
        self,
        review_id: str,
        confirmed: bool,
        *,
        notes: str = "",
        urgent: bool = False,
    ) -> api_pb2.ReviewDecisionResponse:
        outcome = (
            api_pb2.REVIEW_OUTCOME_CONFIRMED if confirmed else api_pb2.REVIEW_OUTCOME_NOT_CONFIRMED
        )
        request = api_pb2.ReviewDecisionRequest(
            version=1,
            review_id=review_id,
            outcome=outcome,
            notes=notes,
            urgent=urgent,
        )
        return self.signed("/v1/review/decisions", request, api_pb2.ReviewDecisionResponse)

    def reports(self, status: int = api_pb2.REPORT_STATUS_UNSPECIFIED) -> list[api_pb2.ReportEntry]:
        request = api_pb2.ListReportsRequest(version=1, status=status)  # type: ignore[arg-type]
        return list(
            self.signed("/v1/authority/reports", request, api_pb2.ListReportsResponse).reports
        )

    def dispose(
        self, report_id: str, forwarded: bool, reason: str = ""
    ) -> api_pb2.DispositionResponse:
        disposition = (
            api_pb2.DISPOSITION_FORWARDED if forwarded else api_pb2.DISPOSITION_MANIFESTLY_UNFOUNDED
        )
        request = api_pb2.DispositionRequest(
            version=1, report_id=report_id, disposition=disposition, reason=reason
        )
        return self.signed("/v1/authority/dispositions", request, api_pb2.DispositionResponse)

    def audit_verify(self) -> Any:
        return self.signed_json("/v1/audit/verify", api_pb2.AuditQuery(version=1))

    # -- public -----------------------------------------------------------------------------
    def transparency(self, from_ms: int | None = None, to_ms: int | None = None) -> Any:
        params = {k: v for k, v in (("from_ms", from_ms), ("to_ms", to_ms)) if v is not None}
        reply = self.http.get("/v1/transparency", params=params)
        if reply.status_code != 200:
            _raise(reply)
        return reply.json()

    def provider(self) -> Any:
        reply = self.http.get("/v1/provider")
        if reply.status_code != 200:
            _raise(reply)
        return reply.json()


def _decode(reply: httpx.Response, response_type: type[M]) -> M:
    if reply.status_code != 200:
        _raise(reply)
    message = response_type()
    try:
        message.ParseFromString(reply.content)
    except DecodeError as exc:
        raise ApiError(
            reply.status_code, "malformed_response", "server answer is not protobuf", None
        ) from exc
    return message


def _raise(reply: httpx.Response) -> None:
    error = common_pb2.Error()
    try:
        error.ParseFromString(reply.content)
    except DecodeError:
        error.code, error.message = "http_error", reply.text[:200]
    raise ApiError(reply.status_code, error.code or "http_error", error.message, error.field)
