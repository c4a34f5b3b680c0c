"""What the messenger needs from the provider's server, as a typed interface.

:class:`vouchsafe.messenger.api.ApiClient` implements it over the reference server's HTTP API;
tests may use an in-memory implementation to exercise the messenger's logic alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from vouchsafe.messenger.identity import PublicIdentity


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

    def upload_voucher(self, voucher_id: bytes, safety_voucher: bytes, release_id: str) -> None:
        """Uploads one safety voucher (idempotent by id)."""
        ...

    def file_appeal(self, report_id: str, reason: str) -> str:
        """Appeals the action recorded with ``report_id``; returns the appeal id."""
        ...

    def notifications(self) -> list[Notification]:
        """The caller's notifications that are due."""
        ...
