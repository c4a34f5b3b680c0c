"""The reference messenger's use cases: register, send text or media, read, verify, appeal.

Sending a media item goes through the integration seam exactly once, before encryption:
``hook.before_send_media(bytes)`` makes and queues the safety voucher (local), then the message is
sealed end to end and relayed, then the voucher queue is flushed (best effort). Text never reaches
the hook. Contacts are pinned on first use; a changed key is refused until the user re-verifies.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from vouchsafe.messenger.detection_hook import DetectionHook, FlushResult
from vouchsafe.messenger.e2ee import (
    MediaItem,
    Plaintext,
    ReceivedMessage,
    new_message_id,
    open_message,
    seal_message,
)
from vouchsafe.messenger.errors import (
    BadSignature,
    ProfileError,
)
from vouchsafe.messenger.identity import safety_number
from vouchsafe.messenger.profile import INBOX_DIR, Contact, Profile, write_private
from vouchsafe.messenger.relay import Notification, Relay
from vouchsafe.sdk.errors import ServerUnreachable, VouchsafeError

INBOX_LOG = "messages.jsonl"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SendOutcome:
    """What happened when a message was sent."""

    message_id: bytes
    recipient: str
    ciphertext_bytes: int
    voucher_id: bytes | None
    flush: FlushResult | None


@dataclass(frozen=True)
class InboxEntry:
    """One delivered message after decryption, or the reason it could not be opened."""

    sender: str
    sent_at: int
    text: str | None
    media_path: Path | None
    media_type: str | None
    error: str | None = None
    message_id: bytes = b""


class Messenger:
    """One user's messenger on one device (a :class:`Profile`) talking to one server."""

    def __init__(self, profile: Profile, relay: Relay, hook: DetectionHook | None) -> None:
        self.profile = profile
        self.relay = relay
        self.hook = hook

    def register(self) -> str:
        """Publishes this user's identity keys under their name; returns the account id."""
        account_id = self.relay.register(self.profile.name, self.profile.identity.public)
        self.profile.set_setting("account_id", account_id)
        return account_id

    def contact(self, name: str) -> Contact:
        """Looks ``name`` up on the server and pins their keys on first use (TOFU)."""
        record = self.relay.lookup(name)
        contact = self.profile.pin_contact(record.handle, record.identity)
        self.profile.set_setting(f"account_id:{record.handle}", record.account_id)
        return contact

    def _account_id_of(self, name: str) -> str:
        account_id = self.profile.setting(f"account_id:{name}")
        if not isinstance(account_id, str):
            raise ProfileError(f"{name} is not a contact yet", field="name")
        return account_id

    def send_text(self, to: str, text: str) -> SendOutcome:
        """Sends a text message; text is never scanned."""
        contact = self.contact(to)
        plaintext = Plaintext(new_message_id(), self.profile.name, int(time.time()), text=text)
        return self._send(contact, plaintext, voucher_id=None)

    def send_media(self, to: str, data: bytes, media_type: str, file_name: str) -> SendOutcome:
        """Sends a media item; the detection hook vouchers exactly these bytes first."""
        contact = self.contact(to)  # fail on an unknown recipient before any work
        voucher_id = None
        if self.hook is not None:
            voucher_id = self.hook.before_send_media(data).voucher_id
        item = MediaItem(data=data, media_type=media_type, file_name=file_name)
        plaintext = Plaintext(new_message_id(), self.profile.name, int(time.time()), media=item)
        try:
            return self._send(contact, plaintext, voucher_id=voucher_id)
        except VouchsafeError as exc:
            # A refused item was not sent, so it gets no voucher; after an ambiguous failure
            # (a timeout once the request was out) the voucher stays queued, erring towards
            # detection rather than towards a sent item without a voucher.
            ambiguous = isinstance(exc, ServerUnreachable) and exc.maybe_delivered
            if self.hook is not None and voucher_id is not None and not ambiguous:
                self.hook.discard(voucher_id)
            raise

    def _send(
        self, contact: Contact, plaintext: Plaintext, voucher_id: bytes | None
    ) -> SendOutcome:
        blob = seal_message(self.profile.identity, contact.identity, plaintext).SerializeToString()
        self.relay.send_message(self._account_id_of(contact.name), plaintext.message_id, blob)
        flush = self.hook.flush() if self.hook is not None else None
        return SendOutcome(plaintext.message_id, contact.name, len(blob), voucher_id, flush)

    def flush_vouchers(self) -> FlushResult | None:
        """Uploads queued vouchers if the server is reachable (never raises for the network)."""
        return self.hook.flush() if self.hook is not None else None

    def receive(self) -> list[InboxEntry]:
        """Fetches, opens and stores new messages, then deletes them from the server."""
        after = int(self.profile.setting("inbox_after_sequence") or 0)
        blobs = self.relay.fetch_messages(after)
        entries: list[InboxEntry] = []
        for blob in blobs:
            try:
                received = open_message(self.profile.identity, blob.ciphertext)
                sender = self._verified_sender(blob.sender_account_id, received)
                entries.append(self._store(sender, received))
            except VouchsafeError as exc:
                entries.append(InboxEntry("?", 0, None, None, None, error=str(exc)))
            after = max(after, blob.sequence)
        self.profile.set_setting("inbox_after_sequence", after)
        if blobs:
            self.relay.ack_messages([b.message_id for b in blobs])
        return entries

    def _verified_sender(self, account_id: str, received: ReceivedMessage) -> str:
        record = self.relay.lookup_account(account_id)
        if record.identity != received.sender:
            raise BadSignature("message was signed by keys other than its sender account's")
        self.profile.pin_contact(record.handle, record.identity)
        self.profile.set_setting(f"account_id:{record.handle}", record.account_id)
        return record.handle

    def _store(self, sender: str, received: ReceivedMessage) -> InboxEntry:
        plain = received.plaintext
        folder = self.profile.folder / INBOX_DIR
        media_path = None
        media_type = None
        if plain.media is not None:
            safe = _SAFE_NAME.sub("_", plain.media.file_name)[-80:] or "media"
            media_path = folder / f"{plain.message_id.hex()[:12]}-{safe}"
            write_private(media_path, plain.media.data)
            media_type = plain.media.media_type
        entry = InboxEntry(
            sender, plain.sent_at, plain.text, media_path, media_type, message_id=plain.message_id
        )
        log = folder / INBOX_LOG
        line = json.dumps(
            {
                "sender": sender,
                "sent_at": plain.sent_at,
                "text": plain.text,
                "media_path": str(media_path) if media_path else None,
                "media_type": media_type,
            }
        )
        previous = log.read_bytes() if log.exists() else b""
        write_private(log, previous + line.encode() + b"\n")
        return entry

    def stored_messages(self) -> list[InboxEntry]:
        """Every message received so far on this device, oldest first."""
        log = self.profile.folder / INBOX_DIR / INBOX_LOG
        if not log.exists():
            return []
        entries = []
        for line in log.read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            path = Path(raw["media_path"]) if raw["media_path"] else None
            entries.append(
                InboxEntry(raw["sender"], raw["sent_at"], raw["text"], path, raw["media_type"])
            )
        return entries

    def safety_number_with(self, name: str) -> str:
        """The safety number for this user and ``name`` (looked up and pinned if new)."""
        contact = self.contact(name)
        return safety_number(
            self.profile.name, self.profile.identity.public, contact.name, contact.identity
        )

    def appeal(self, report_id: str, reason: str) -> str:
        """Appeals the action recorded with ``report_id``; returns the appeal id."""
        return self.relay.file_appeal(report_id, reason)

    def notifications(self) -> list[Notification]:
        """Notices from the provider about this account."""
        return self.relay.notifications()
