"""The one client of the provider API (``protocol/api.proto``, SPEC.md "Provider API").

Every endpoint of the reference server has one method here. Authenticated calls are wrapped in a
``SignedRequest`` (:mod:`vouchsafe.sdk.api.signing`); every failure raises an SDK error:

* :class:`~vouchsafe.sdk.errors.ServerUnreachable`: no answer (refused, timeout, broken
  connection); ``maybe_delivered`` says whether the request may have reached the server;
* :class:`~vouchsafe.sdk.errors.ServerRejected`: an ``Error`` body, with the server's
  :class:`~vouchsafe.sdk.errors.ErrorCode`, HTTP status and field;
* :class:`~vouchsafe.sdk.errors.MalformedResponse`: a 200 whose body is not what the endpoint
  returns;
* :class:`~vouchsafe.sdk.errors.ProviderSignatureError`: a voucher receipt that is not the
  provider's signature over the voucher just uploaded.

No ``httpx`` exception escapes.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.message import DecodeError, Message

from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.sdk.api.provider import ProviderInfo, provider_info_from_json
from vouchsafe.sdk.api.receipts import Receipt, check_receipt
from vouchsafe.sdk.api.signing import API_VERSION, key_id_for, sign_request
from vouchsafe.sdk.errors import (
    ErrorCode,
    MalformedResponse,
    ServerRejected,
    ServerUnreachable,
)

PROTOBUF = "application/x-protobuf"
DEFAULT_TIMEOUT_S = 30.0
M = TypeVar("M", bound=Message)


class ApiClient:
    """One account's (or staff member's) connection to the provider at ``base_url``.

    ``provider_public_key`` pins the provider's Ed25519 key that receipts must verify under;
    without it the key ``GET /v1/provider`` announces is fetched once and pinned (trust on first
    use). ``transport`` lets tests plug in an in-process server.
    """

    def __init__(
        self,
        base_url: str,
        signing_key: Ed25519PrivateKey,
        *,
        provider_public_key: bytes | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signing_key = signing_key
        self.public_key = signing_key.public_key().public_bytes_raw()
        self.account_id = key_id_for(self.public_key)
        self._provider_public_key = provider_public_key
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def close(self) -> None:
        """Closes the connection pool."""
        self.http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------
    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ServerUnreachable(
                f"the server at {self.base_url} is unreachable ({type(exc).__name__})",
                field="server_url",
                maybe_delivered=not isinstance(exc, httpx.ConnectError),
            ) from exc

    def _checked(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._send(method, path, **kwargs)
        if response.status_code >= 400:
            raise rejection_from(response)
        return response

    def _post(self, path: str, body: bytes) -> httpx.Response:
        return self._checked("POST", path, content=body, headers={"content-type": PROTOBUF})

    def _signed_body(self, path: str, request: Message) -> bytes:
        envelope = sign_request(self.signing_key, "POST", path, request.SerializeToString())
        return envelope.SerializeToString()

    def call(self, path: str, request: Message, response_type: type[M]) -> M:
        """A signed POST of ``request`` to ``path``, decoding the protobuf answer."""
        return _decode(self._post(path, self._signed_body(path, request)), response_type)

    def call_json(self, path: str, request: Message) -> Any:
        """A signed POST of ``request`` to ``path`` whose answer is JSON (the audit endpoints)."""
        return _json(self._post(path, self._signed_body(path, request)))

    def get_bytes(self, path: str, params: dict[str, int] | None = None) -> bytes:
        """An unauthenticated GET of ``path``; raises like every other call."""
        return self._checked("GET", path, params=params).content

    # -- accounts ---------------------------------------------------------------------------
    def register(
        self, handle: str = "", encryption_public_key: bytes = b""
    ) -> api_pb2.RegisterAccountResponse:
        """``POST /v1/accounts`` (unsigned, idempotent): registers this client's key."""
        request = api_pb2.RegisterAccountRequest(
            version=API_VERSION,
            signing_public_key=self.public_key,
            encryption_public_key=encryption_public_key,
            handle=handle,
        )
        reply = self._post("/v1/accounts", request.SerializeToString())
        return _decode(reply, api_pb2.RegisterAccountResponse)

    def lookup(self, *, account_id: str = "", handle: str = "") -> api_pb2.AccountInfo:
        """``POST /v1/accounts/lookup``: the account by id or by handle (``not_found`` if none)."""
        request = api_pb2.LookupAccountRequest(
            version=API_VERSION, account_id=account_id, handle=handle
        )
        return self.call("/v1/accounts/lookup", request, api_pb2.AccountInfo)

    # -- vouchers ---------------------------------------------------------------------------
    def upload_voucher(
        self, voucher_id: bytes, safety_voucher: bytes, release_id: str = ""
    ) -> Receipt:
        """``POST /v1/vouchers``: uploads one safety voucher and returns the verified receipt.

        The receipt is checked before it is returned: signed by the pinned provider key, for
        this account, this voucher id and these exact bytes. Keep it: it proves the provider
        received the voucher (and when). Idempotent: re-sending returns the original receipt
        with ``duplicate`` set.
        """
        request = api_pb2.UploadVoucherRequest(
            version=API_VERSION,
            account_id=self.account_id,
            voucher_id=voucher_id,
            safety_voucher=safety_voucher,
            release_id=release_id,
        )
        reply = self.call("/v1/vouchers", request, api_pb2.VoucherReceipt)
        receipt = Receipt.from_proto(reply)
        check_receipt(
            receipt,
            self.provider_public_key(),
            account_id=self.account_id,
            voucher_id=voucher_id,
            safety_voucher=safety_voucher,
        )
        return receipt

    # -- messages ---------------------------------------------------------------------------
    def send_message(
        self, recipient_account_id: str, message_id: bytes, ciphertext: bytes
    ) -> api_pb2.SendMessageResponse:
        """``POST /v1/messages/send``: stores an opaque ciphertext in the recipient's mailbox."""
        request = api_pb2.SendMessageRequest(
            version=API_VERSION,
            recipient_account_id=recipient_account_id,
            message_id=message_id,
            ciphertext=ciphertext,
        )
        return self.call("/v1/messages/send", request, api_pb2.SendMessageResponse)

    def fetch_messages(
        self, after_sequence: int = 0, limit: int = 0
    ) -> list[api_pb2.RelayedMessage]:
        """``POST /v1/messages/fetch``: one page of the caller's mailbox after
        ``after_sequence``, oldest first (``limit`` 0 = the server's default page)."""
        request = api_pb2.FetchMessagesRequest(
            version=API_VERSION, after_sequence=after_sequence, limit=limit
        )
        reply = self.call("/v1/messages/fetch", request, api_pb2.FetchMessagesResponse)
        return list(reply.messages)

    def ack_messages(self, message_ids: list[bytes]) -> int:
        """``POST /v1/messages/ack``: deletes delivered messages; returns how many went."""
        request = api_pb2.AckMessagesRequest(version=API_VERSION, message_ids=message_ids)
        return self.call("/v1/messages/ack", request, api_pb2.AckMessagesResponse).deleted

    # -- notifications and appeals ------------------------------------------------------------
    def notifications(self) -> list[api_pb2.Notification]:
        """``POST /v1/notifications``: the caller's notifications that are due."""
        request = api_pb2.ListNotificationsRequest(version=API_VERSION)
        reply = self.call("/v1/notifications", request, api_pb2.ListNotificationsResponse)
        return list(reply.notifications)

    def file_appeal(self, report_id: str, reason: str) -> api_pb2.Appeal:
        """``POST /v1/appeals``: appeals the action recorded with ``report_id``."""
        request = api_pb2.FileAppealRequest(version=API_VERSION, report_id=report_id, reason=reason)
        return self.call("/v1/appeals", request, api_pb2.Appeal)

    def appeals(self) -> list[api_pb2.Appeal]:
        """``POST /v1/appeals/status``: the caller's appeals and their state."""
        request = api_pb2.ListAppealsRequest(version=API_VERSION)
        return list(self.call("/v1/appeals/status", request, api_pb2.ListAppealsResponse).appeals)

    # -- staff: review, authority, audit -------------------------------------------------------
    def review_queue(self, limit: int = 0) -> list[api_pb2.ReviewItem]:
        """``POST /v1/review/queue`` (reviewers): items awaiting human review."""
        request = api_pb2.ListReviewItemsRequest(version=API_VERSION, limit=limit)
        return list(self.call("/v1/review/queue", request, api_pb2.ListReviewItemsResponse).items)

    def reveal(self, review_id: str) -> api_pb2.RevealDerivativeResponse:
        """``POST /v1/review/reveal`` (reviewers): the item's visual derivative; the server
        records the exposure, and refuses to confirm an item nobody revealed."""
        request = api_pb2.RevealDerivativeRequest(version=API_VERSION, review_id=review_id)
        return self.call("/v1/review/reveal", request, api_pb2.RevealDerivativeResponse)

    def decide(
        self,
        review_id: str,
        confirmed: bool,
        *,
        notes: str = "",
        urgent: bool = False,
    ) -> api_pb2.ReviewDecisionResponse:
        """``POST /v1/review/decisions`` (reviewers): confirms or rejects one review item
        (confirming needs a :meth:`reveal` first: ``derivative_not_viewed`` otherwise)."""
        outcome = (
            api_pb2.REVIEW_OUTCOME_CONFIRMED if confirmed else api_pb2.REVIEW_OUTCOME_NOT_CONFIRMED
        )
        request = api_pb2.ReviewDecisionRequest(
            version=API_VERSION,
            review_id=review_id,
            outcome=outcome,
            notes=notes,
            urgent=urgent,
        )
        return self.call("/v1/review/decisions", request, api_pb2.ReviewDecisionResponse)

    def reports(
        self, status: api_pb2.ReportStatus = api_pb2.REPORT_STATUS_UNSPECIFIED
    ) -> list[api_pb2.ReportEntry]:
        """``POST /v1/authority/reports`` (the authority): signed reports, by status."""
        request = api_pb2.ListReportsRequest(version=API_VERSION, status=status)
        return list(
            self.call("/v1/authority/reports", request, api_pb2.ListReportsResponse).reports
        )

    def dispose(
        self, report_id: str, forwarded: bool, reason: str = ""
    ) -> api_pb2.DispositionResponse:
        """``POST /v1/authority/dispositions`` (the authority): forwards a report or closes it
        as manifestly unfounded."""
        disposition = (
            api_pb2.DISPOSITION_FORWARDED if forwarded else api_pb2.DISPOSITION_MANIFESTLY_UNFOUNDED
        )
        request = api_pb2.DispositionRequest(
            version=API_VERSION, report_id=report_id, disposition=disposition, reason=reason
        )
        return self.call("/v1/authority/dispositions", request, api_pb2.DispositionResponse)

    def audit_verify(self) -> Any:
        """``POST /v1/audit/verify`` (auditors): the server's check of the whole audit log."""
        return self.call_json("/v1/audit/verify", api_pb2.AuditQuery(version=API_VERSION))

    def audit_entries(self, after_seq: int = 0, limit: int = 0) -> Any:
        """``POST /v1/audit/entries`` (auditors): audit-log entries after ``after_seq``."""
        query = api_pb2.AuditQuery(version=API_VERSION, after_seq=after_seq, limit=limit)
        return self.call_json("/v1/audit/entries", query)

    def audit_opinions(self) -> Any:
        """``POST /v1/audit/opinions`` (auditors): the opinions fed back to source lists."""
        return self.call_json("/v1/audit/opinions", api_pb2.AuditQuery(version=API_VERSION))

    # -- public -------------------------------------------------------------------------------
    def console_challenge(self) -> str:
        """``GET /console/challenge``: a fresh sign-in challenge of the provider's web console
        (answer it with :func:`vouchsafe.sdk.console_signin.sign_in_code`)."""
        return self._checked("GET", "/console/challenge").text.strip()

    def provider(self) -> ProviderInfo:
        """``GET /v1/provider``: the provider's name, key, match threshold and release id."""
        return provider_info_from_json(_json(self._checked("GET", "/v1/provider")))

    def provider_public_key(self) -> bytes:
        """The provider key receipts must verify under (pinned, or fetched once and pinned)."""
        if self._provider_public_key is None:
            self._provider_public_key = self.provider().public_key
        return self._provider_public_key

    def match_threshold(self) -> int:
        """The match threshold t the provider announces; ``not_ready`` if it has none yet."""
        threshold = self.provider().match_threshold
        if threshold is None:
            raise ServerRejected(
                "the server announces no match threshold (no release loaded)",
                server_code=ErrorCode.NOT_READY,
                field="match_threshold",
            )
        return threshold

    def health(self) -> bool:
        """``GET /v1/health``: True if the server process answers."""
        return bool(_json(self._checked("GET", "/v1/health")).get("status") == "ok")

    def ready(self) -> bool:
        """``GET /v1/ready``: True if storage answers and a hash set is loaded."""
        response = self._send("GET", "/v1/ready")
        if response.status_code not in (200, 503):
            raise rejection_from(response)
        return bool(_json(response).get("ready"))

    def transparency(self, from_ms: int | None = None, to_ms: int | None = None) -> Any:
        """``GET /v1/transparency``: the public transparency figures (JSON)."""
        params = {k: v for k, v in (("from_ms", from_ms), ("to_ms", to_ms)) if v is not None}
        return _json(self._checked("GET", "/v1/transparency", params=params))

    def transparency_html(self) -> str:
        """``GET /v1/transparency.html``: the public transparency page."""
        return self._checked("GET", "/v1/transparency.html").text

    def release(self) -> bytes:
        """``GET /v1/releases/current``: the current release (``vouchsafe.v1.Release`` bytes)."""
        return self.get_bytes("/v1/releases/current")

    def release_root(self) -> str:
        """``GET /v1/releases/current/root``: the published root commitment (hex)."""
        return self.get_bytes("/v1/releases/current/root").decode("ascii", "replace").strip()

    def release_key(self) -> str:
        """``GET /v1/releases/current/key``: the release signing key (hex). Pin it out of band
        in production; fetching it from the server it authenticates is trust on first use."""
        return self.get_bytes("/v1/releases/current/key").decode("ascii", "replace").strip()

    def release_summary(self) -> Any:
        """``GET /v1/releases/current/summary``: the release's public summary (JSON)."""
        return _json(self._checked("GET", "/v1/releases/current/summary"))

    def release_delta(self, base_release_id: str) -> bytes:
        """``GET /v1/releases/deltas/{base}``: a ``ReleaseDelta`` from an earlier release of the
        chain to the current one (``not_found`` if the server has none)."""
        return self.get_bytes(f"/v1/releases/deltas/{base_release_id}")


def rejection_from(response: httpx.Response) -> ServerRejected:
    """The :class:`ServerRejected` an error response stands for."""
    error = common_pb2.Error()
    try:
        error.ParseFromString(response.content)
    except DecodeError:
        error.Clear()
    code = error.code or f"http_{response.status_code}"
    message = error.message or f"HTTP {response.status_code}"
    return ServerRejected(
        f"server refused: {message} ({code})",
        server_code=code,
        status=response.status_code,
        field=error.field or None,
    )


def _decode(response: httpx.Response, response_type: type[M]) -> M:
    message = response_type()
    try:
        message.ParseFromString(response.content)
    except DecodeError as exc:
        raise MalformedResponse(
            f"the server's answer is not a {response_type.DESCRIPTOR.name}"
        ) from exc
    return message


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise MalformedResponse("the server's answer is not JSON") from exc
