"""The messenger's use cases against an in-memory relay: what the server holds is opaque."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from vouchsafe.messenger.detection_hook import DetectionHook
from vouchsafe.messenger.errors import (
    IdentityKeyChanged,
    ServerRejected,
    ServerUnreachable,
    UnknownRecipient,
)
from vouchsafe.messenger.identity import PublicIdentity, generate_identity
from vouchsafe.messenger.messenger import Messenger
from vouchsafe.messenger.profile import Profile
from vouchsafe.messenger.relay import AccountRecord, Notification, RelayedBlob
from vouchsafe.sdk import PreparedVoucher
from vouchsafe.sdk.api import Receipt


class MemoryRelay:
    """An in-memory server for the messenger's logic; the real HTTP server runs in e2e tests."""

    def __init__(self) -> None:
        self.accounts: dict[str, AccountRecord] = {}
        self.mailboxes: dict[str, list[RelayedBlob]] = {}
        self.vouchers: list[bytes] = []
        self.sequence = 0

    def as_user(self, account_id: str) -> UserView:
        return UserView(self, account_id)


class UserView:
    def __init__(self, server: MemoryRelay, account_id: str = "") -> None:
        self.server = server
        self.account_id = account_id

    def register(self, handle: str, identity: PublicIdentity) -> str:
        account_id = f"acct-{handle}"
        self.server.accounts[account_id] = AccountRecord(account_id, handle, identity)
        self.account_id = account_id
        return account_id

    def lookup(self, handle: str) -> AccountRecord:
        for record in self.server.accounts.values():
            if record.handle == handle:
                return record
        raise UnknownRecipient(f"no account named {handle}", field="handle")

    def lookup_account(self, account_id: str) -> AccountRecord:
        return self.server.accounts[account_id]

    def send_message(self, recipient_account_id: str, message_id: bytes, blob: bytes) -> None:
        self.server.sequence += 1
        self.server.mailboxes.setdefault(recipient_account_id, []).append(
            RelayedBlob(message_id, self.account_id, self.server.sequence, blob)
        )

    def fetch_messages(self, after_sequence: int) -> list[RelayedBlob]:
        box = self.server.mailboxes.get(self.account_id, [])
        return [b for b in box if b.sequence > after_sequence]

    def ack_messages(self, message_ids: list[bytes]) -> None:
        box = self.server.mailboxes.get(self.account_id, [])
        self.server.mailboxes[self.account_id] = [b for b in box if b.message_id not in message_ids]

    def upload_voucher(self, voucher_id: bytes, safety_voucher: bytes, release_id: str) -> Receipt:
        self.server.vouchers.append(safety_voucher)
        return Receipt(voucher_id, self.account_id, 1, b"d" * 32, False, b"s" * 64, "provider")

    def file_appeal(self, report_id: str, reason: str) -> str:
        return "appeal-1"

    def notifications(self) -> list[Notification]:
        return []


class HashMaker:
    def __init__(self) -> None:
        self.calls: list[bytes] = []

    def voucher_for_media(self, media: bytes) -> PreparedVoucher:
        self.calls.append(media)
        return PreparedVoucher(hashlib.sha256(media).digest()[:16], b"V" * 40, "r1")


def _user(tmp_path: Path, server: MemoryRelay, name: str) -> tuple[Messenger, HashMaker]:
    profile = Profile.create(tmp_path / name, name, "memory://", generate_identity())
    view = UserView(server)
    maker = HashMaker()
    messenger = Messenger(
        profile, view, DetectionHook(maker, view, tmp_path / name / "q", tmp_path / name / "r")
    )
    messenger.register()
    return messenger, maker


def test_text_and_photo_arrive_intact_and_only_media_is_vouchered(tmp_path: Path) -> None:
    server = MemoryRelay()
    alice, alice_maker = _user(tmp_path, server, "alice")
    bob, _ = _user(tmp_path, server, "bob")
    photo = b"\x89PNG fake photo bytes" * 50
    alice.send_text("bob", "hello bob")
    outcome = alice.send_media("bob", photo, "image/png", "beach.png")
    assert alice_maker.calls == [photo]  # the text never reached the hook
    assert outcome.voucher_id is not None and outcome.flush is not None
    assert outcome.flush.uploaded == 1 and len(server.vouchers) == 1
    for box in server.mailboxes.values():
        for blob in box:
            assert b"hello bob" not in blob.ciphertext and b"fake photo" not in blob.ciphertext
    entries = bob.receive()
    assert [e.sender for e in entries] == ["alice", "alice"]
    assert entries[0].text == "hello bob"
    assert entries[1].media_path is not None and entries[1].media_path.read_bytes() == photo
    assert server.mailboxes["acct-bob"] == []  # acknowledged and deleted
    assert bob.receive() == []
    assert [e.text for e in bob.stored_messages()] == ["hello bob", None]


def test_unknown_recipient_is_a_clear_error(tmp_path: Path) -> None:
    alice, maker = _user(tmp_path, MemoryRelay(), "alice")
    with pytest.raises(UnknownRecipient):
        alice.send_media("nobody", b"x", "image/png", "x.png")
    assert maker.calls == []


def test_both_sides_see_the_same_safety_number(tmp_path: Path) -> None:
    server = MemoryRelay()
    alice, _ = _user(tmp_path, server, "alice")
    bob, _ = _user(tmp_path, server, "bob")
    assert alice.safety_number_with("bob") == bob.safety_number_with("alice")


def test_server_swapping_a_contacts_keys_is_caught(tmp_path: Path) -> None:
    server = MemoryRelay()
    alice, _ = _user(tmp_path, server, "alice")
    _user(tmp_path, server, "bob")
    alice.send_text("bob", "first")
    record = server.accounts["acct-bob"]
    server.accounts["acct-bob"] = AccountRecord(
        record.account_id, "bob", generate_identity().public
    )
    with pytest.raises(IdentityKeyChanged):
        alice.send_text("bob", "second")


def test_message_signed_by_someone_else_than_the_sending_account_is_flagged(
    tmp_path: Path,
) -> None:
    server = MemoryRelay()
    alice, _ = _user(tmp_path, server, "alice")
    bob, _ = _user(tmp_path, server, "bob")
    _user(tmp_path, server, "carol")
    alice.send_text("bob", "hi")
    # The server claims carol sent alice's message.
    blob = server.mailboxes["acct-bob"][0]
    server.mailboxes["acct-bob"][0] = RelayedBlob(
        blob.message_id, "acct-carol", blob.sequence, blob.ciphertext
    )
    [entry] = bob.receive()
    assert entry.error is not None and entry.text is None


def test_voucher_of_a_photo_the_relay_refused_is_discarded(tmp_path: Path) -> None:
    server = MemoryRelay()
    alice, _ = _user(tmp_path, server, "alice")
    _user(tmp_path, server, "bob")

    def refuse(recipient_account_id: str, message_id: bytes, blob: bytes) -> None:
        raise ServerRejected("suspended", server_code="account_suspended")

    alice.relay.send_message = refuse  # type: ignore[method-assign]
    with pytest.raises(ServerRejected):
        alice.send_media("bob", b"photo", "image/png", "p.png")
    assert alice.hook is not None and alice.hook.pending() == 0
    assert server.vouchers == []


def test_voucher_stays_queued_when_the_send_may_have_gone_through(tmp_path: Path) -> None:
    server = MemoryRelay()
    alice, _ = _user(tmp_path, server, "alice")
    _user(tmp_path, server, "bob")

    def time_out(recipient_account_id: str, message_id: bytes, blob: bytes) -> None:
        raise ServerUnreachable("read timeout", maybe_delivered=True)

    alice.relay.send_message = time_out  # type: ignore[method-assign]
    with pytest.raises(ServerUnreachable):
        alice.send_media("bob", b"photo", "image/png", "p.png")
    assert alice.hook is not None and alice.hook.pending() == 1
