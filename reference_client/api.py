"""The reference server's HTTP API, as the messenger uses it (implements :class:`Relay`).

Bodies are protobuf (``protocol/api.proto``); every request except registration is wrapped in a
``SignedRequest`` signed with the user's Ed25519 identity key (``protocol/request_signing.py``).
Network failures become :class:`ServerUnreachable`; an ``Error`` body becomes
:class:`ServerRejected` carrying the server's code, or :class:`UnknownRecipient` for a lookup
of a name nobody registered.
"""

from __future__ import annotations

from typing import TypeVar

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.message import DecodeError, Message

from vouchsafe.messenger.errors import ServerRejected, ServerUnreachable, UnknownRecipient
from vouchsafe.messenger.identity import Identity, PublicIdentity
from vouchsafe.messenger.relay import AccountRecord, Notification, RelayedBlob
from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.protocol.request_signing import sign_request

API_VERSION = 1
CONTENT_TYPE = "application/x-protobuf"
DEFAULT_TIMEOUT_S = 5.0
_M = TypeVar("_M", bound=Message)


class ApiClient:
    """One user's connection to the server at ``base_url``."""

    def __init__(
        self,
        base_url: str,
        identity: Identity,
        account_id: str | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.account_id = account_id
        self._identity = identity
        self._key = Ed25519PrivateKey.from_private_bytes(identity.signing_seed)
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def close(self) -> None:
        """Closes the connection pool."""
        self._http.close()

    def _post(self, path: str, body: bytes) -> httpx.Response:
        try:
            return self._http.post(path, content=body, headers={"content-type": CONTENT_TYPE})
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"the server at {self.base_url} is unreachable ({type(exc).__name__})",
                field="server_url",
                maybe_delivered=not isinstance(exc, httpx.ConnectError),
            ) from exc

    def _call(self, path: str, request: Message, reply: _M, *, signed: bool = True) -> _M:
        body = request.SerializeToString()
        if signed:
            body = sign_request(self._key, "POST", path, body).SerializeToString()
        response = self._post(path, body)
        if response.status_code >= 400:
            raise _error_from(response)
        try:
            reply.ParseFromString(response.content)
        except DecodeError as exc:
            raise ServerRejected(
                f"{path} answered with a body that does not parse", server_code="bad_response"
            ) from exc
        return reply

    def register(self, handle: str, identity: PublicIdentity) -> str:
        """Registers (idempotently) and returns the account id."""
        request = api_pb2.RegisterAccountRequest(
            version=API_VERSION,
            signing_public_key=identity.signing_key,
            encryption_public_key=identity.agreement_key,
            handle=handle,
        )
        reply = self._call("/v1/accounts", request, api_pb2.RegisterAccountResponse(), signed=False)
        self.account_id = reply.account_id
        return reply.account_id

    def _lookup(self, request: api_pb2.LookupAccountRequest, name: str) -> AccountRecord:
        try:
            info = self._call("/v1/accounts/lookup", request, api_pb2.AccountInfo())
        except ServerRejected as exc:
            if exc.server_code in {"not_found", "unknown_account", "account_not_found"}:
                raise UnknownRecipient(
                    f"no user named {name!r} on this server", field="to"
                ) from exc
            raise
        return AccountRecord(
            account_id=info.account_id,
            handle=info.handle,
            identity=PublicIdentity(
                bytes(info.signing_public_key), bytes(info.encryption_public_key)
            ),
            suspended=info.status == api_pb2.ACCOUNT_STATUS_SUSPENDED,
        )

    def lookup(self, handle: str) -> AccountRecord:
        """The account registered under ``handle``."""
        return self._lookup(
            api_pb2.LookupAccountRequest(version=API_VERSION, handle=handle), handle
        )

    def lookup_account(self, account_id: str) -> AccountRecord:
        """The account with ``account_id``."""
        request = api_pb2.LookupAccountRequest(version=API_VERSION, account_id=account_id)
        return self._lookup(request, account_id)

    def send_message(self, recipient_account_id: str, message_id: bytes, blob: bytes) -> None:
        """Stores ``blob`` in the recipient's mailbox."""
        request = api_pb2.SendMessageRequest(
            version=API_VERSION,
            recipient_account_id=recipient_account_id,
            message_id=message_id,
            ciphertext=blob,
        )
        self._call("/v1/messages/send", request, api_pb2.SendMessageResponse())

    def fetch_messages(self, after_sequence: int) -> list[RelayedBlob]:
        """The caller's mailbox after ``after_sequence``, oldest first (all pages)."""
        blobs: list[RelayedBlob] = []
        while True:
            request = api_pb2.FetchMessagesRequest(
                version=API_VERSION, after_sequence=after_sequence, limit=100
            )
            reply = self._call("/v1/messages/fetch", request, api_pb2.FetchMessagesResponse())
            page = [
                RelayedBlob(
                    bytes(m.message_id), m.sender_account_id, m.sequence, bytes(m.ciphertext)
                )
                for m in reply.messages
            ]
            blobs.extend(page)
            if len(page) < 100:
                return blobs
            after_sequence = max(b.sequence for b in page)

    def ack_messages(self, message_ids: list[bytes]) -> None:
        """Deletes delivered messages from the caller's mailbox."""
        request = api_pb2.AckMessagesRequest(version=API_VERSION, message_ids=message_ids)
        self._call("/v1/messages/ack", request, api_pb2.AckMessagesResponse())

    def upload_voucher(self, voucher_id: bytes, safety_voucher: bytes, release_id: str) -> None:
        """Uploads one safety voucher; the server's receipt is the acknowledgement."""
        request = api_pb2.UploadVoucherRequest(
            version=API_VERSION,
            account_id=self.account_id or "",
            voucher_id=voucher_id,
            safety_voucher=safety_voucher,
            release_id=release_id,
        )
        self._call("/v1/vouchers", request, api_pb2.VoucherReceipt())

    def file_appeal(self, report_id: str, reason: str) -> str:
        """Appeals the action recorded with ``report_id``; returns the appeal id."""
        request = api_pb2.FileAppealRequest(version=API_VERSION, report_id=report_id, reason=reason)
        return self._call("/v1/appeals", request, api_pb2.Appeal()).appeal_id

    def notifications(self) -> list[Notification]:
        """The caller's notifications that are due."""
        reply = self._call(
            "/v1/notifications",
            api_pb2.ListNotificationsRequest(version=API_VERSION),
            api_pb2.ListNotificationsResponse(),
        )
        return [Notification(n.kind, n.text, n.report_id, n.appeal_id) for n in reply.notifications]

    def match_threshold(self) -> int:
        """The match threshold t the provider announces (``GET /v1/provider``)."""
        import json

        try:
            value = json.loads(self.get_bytes("/v1/provider")).get("match_threshold")
        except ValueError as exc:
            raise ServerRejected("/v1/provider is not JSON", server_code="bad_response") from exc
        if not isinstance(value, int):
            raise ServerRejected(
                "the server announces no match threshold",
                server_code="no_release",
                field="match_threshold",
            )
        return value

    def call(self, path: str, request: Message, reply: _M) -> _M:
        """A signed POST of ``request`` to ``path``, parsing the answer into ``reply``
        (for staff tools and tests that reuse this client's signing and error mapping)."""
        return self._call(path, request, reply)

    def get_bytes(self, path: str) -> bytes:
        """An unauthenticated GET (releases); raises like every other call."""
        try:
            response = self._http.get(path)
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"the server at {self.base_url} is unreachable", field="server_url"
            ) from exc
        if response.status_code >= 400:
            raise _error_from(response)
        return response.content


def _error_from(response: httpx.Response) -> ServerRejected:
    error = common_pb2.Error()
    try:
        error.ParseFromString(response.content)
    except DecodeError:
        error.code = f"http_{response.status_code}"
        error.message = response.text[:200]
    code = error.code or f"http_{response.status_code}"
    message = error.message or f"HTTP {response.status_code}"
    return ServerRejected(
        f"server refused: {message} ({code})", server_code=code, field=error.field or None
    )
