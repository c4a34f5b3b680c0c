"""What the messenger needs from the provider's server, as a typed interface.

:class:`ServerRelay` implements it over the SDK's one API client
(:class:`vouchsafe.sdk.api.ApiClient`), translating protobuf answers into the messenger's own
types; tests may use an in-memory implementation to exercise the messenger's logic alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from vouchsafe.messenger.errors import UnknownRecipient
from vouchsafe.messenger.identity import PublicIdentity
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api import ApiClient, Receipt
from vouchsafe.sdk.errors import ErrorCode, ServerRejected

# Messages fetched per request; a shorter page means the mailbox is drained.
FETCH_PAGE = 100


@dataclass(frozen=True)
class AccountRecord:
    """A registered account as the server publishes it."""

    account_id: str
    handle: str
    identity: PublicIdentity
    suspended: bool = False


@dataclass(frozen=True)
class RelayedBlob:
    """One stored message as the server holds it: who to whom, and an opaque ciphertext."""

    message_id: bytes
    sender_account_id: str
    sequence: int
    ciphertext: bytes


@dataclass(frozen=True)
class Notification:
    """A notice from the provider to the user (account action, appeal outcome)."""

    kind: str
    text: str
    report_id: str
    appeal_id: str


class Relay(Protocol):
    """The server operations the messenger uses; each raises a MessengerError on failure."""

    def register(self, handle: str, identity: PublicIdentity) -> str:
        """Registers (idempotently) and returns the account id."""
        ...

    def lookup(self, handle: str) -> AccountRecord:
        """The account registered under ``handle``; raises UnknownRecipient if none."""
        ...

    def lookup_account(self, account_id: str) -> AccountRecord:
        """The account with ``account_id``; raises UnknownRecipient if none."""
        ...

    def send_message(self, recipient_account_id: str, message_id: bytes, blob: bytes) -> None:
        """Stores ``blob`` in the recipient's mailbox."""
        ...

    def fetch_messages(self, after_sequence: int) -> list[RelayedBlob]:
        """The caller's mailbox, oldest first."""
        ...

    def ack_messages(self, message_ids: list[bytes]) -> None:
        """Deletes delivered messages from the caller's mailbox."""
        ...

    def upload_voucher(self, voucher_id: bytes, safety_voucher: bytes, release_id: str) -> Receipt:
        """Uploads one safety voucher (idempotent by id); returns the verified receipt."""
        ...

    def file_appeal(self, report_id: str, reason: str) -> str:
        """Appeals the action recorded with ``report_id``; returns the appeal id."""
        ...

    def notifications(self) -> list[Notification]:
        """The caller's notifications that are due."""
        ...


class ServerRelay:
    """:class:`Relay` over the provider API; every failure is an SDK or messenger error."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def close(self) -> None:
        """Releases the network connection."""
        self.api.close()

    def register(self, handle: str, identity: PublicIdentity) -> str:
        """Registers (idempotently) and returns the account id."""
        return self.api.register(handle, identity.agreement_key).account_id

    def _lookup(self, name: str, *, handle: str = "", account_id: str = "") -> AccountRecord:
        try:
            info = self.api.lookup(handle=handle, account_id=account_id)
        except ServerRejected as exc:
            if exc.server_code == ErrorCode.NOT_FOUND:
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
        """The account registered under ``handle``; raises UnknownRecipient if none."""
        return self._lookup(handle, handle=handle)

    def lookup_account(self, account_id: str) -> AccountRecord:
        """The account with ``account_id``; raises UnknownRecipient if none."""
        return self._lookup(account_id, account_id=account_id)

    def send_message(self, recipient_account_id: str, message_id: bytes, blob: bytes) -> None:
        """Stores ``blob`` in the recipient's mailbox."""
        self.api.send_message(recipient_account_id, message_id, blob)

    def fetch_messages(self, after_sequence: int) -> list[RelayedBlob]:
        """The caller's mailbox after ``after_sequence``, oldest first (all pages)."""
        blobs: list[RelayedBlob] = []
        while True:
            page = [
                RelayedBlob(
                    bytes(m.message_id), m.sender_account_id, m.sequence, bytes(m.ciphertext)
                )
                for m in self.api.fetch_messages(after_sequence, FETCH_PAGE)
            ]
            blobs.extend(page)
            if len(page) < FETCH_PAGE:
                return blobs
            after_sequence = max(b.sequence for b in page)

    def ack_messages(self, message_ids: list[bytes]) -> None:
        """Deletes delivered messages from the caller's mailbox."""
        self.api.ack_messages(message_ids)

    def upload_voucher(self, voucher_id: bytes, safety_voucher: bytes, release_id: str) -> Receipt:
        """Uploads one safety voucher; returns the provider's verified receipt."""
        return self.api.upload_voucher(voucher_id, safety_voucher, release_id)

    def file_appeal(self, report_id: str, reason: str) -> str:
        """Appeals the action recorded with ``report_id``; returns the appeal id."""
        return self.api.file_appeal(report_id, reason).appeal_id

    def notifications(self) -> list[Notification]:
        """The caller's notifications that are due."""
        return [
            Notification(n.kind, n.text, n.report_id, n.appeal_id) for n in self.api.notifications()
        ]
