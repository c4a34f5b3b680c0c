"""The demo's users: real messenger devices talking to the real server over HTTP.

Each user is a :class:`~vouchsafe.messenger.messenger.Messenger` built exactly as ``vouchsafe
client init`` builds one (own profile folder, identity keys, detection account secret). The
harness remembers what it sent (the ground truth) to check deliveries and to compare with what
the provider learned.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vouchsafe.demo.images import CorpusSplit, sendable_copy
from vouchsafe.demo.result import AccountOutcome, DemoSettings
from vouchsafe.messenger.detection_hook import FlushResult
from vouchsafe.messenger.device import close_device, create_device
from vouchsafe.messenger.messenger import Messenger

NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")
ROLE_HEAVY = "sends known items (more than t)"
ROLE_LIGHT = "sends known items (fewer than t)"
ROLE_ORDINARY = "ordinary photos only"
TEXTS = (
    "are we still on for saturday?",
    "see you at the station at 10",
    "the photos from the trip are coming",
    "thanks, that looks lovely",
)


@dataclass(frozen=True)
class SentMessage:
    """Ground truth for one message: who sent what to whom (digest of the exact bytes)."""

    message_id: bytes
    sender: str
    recipient: str
    kind: str
    digest: bytes
    known: bool = False


@dataclass
class DemoUser:
    """One demo user's device and bookkeeping."""

    name: str
    role: str
    messenger: Messenger
    known_to_send: int
    outcome: AccountOutcome
    sent: list[SentMessage] = field(default_factory=list)


def user_names(count: int) -> list[str]:
    """``count`` distinct readable names."""
    if count <= len(NAMES):
        return list(NAMES[:count])
    return [*NAMES, *(f"user{i}" for i in range(len(NAMES), count))]


def create_users(
    work: Path, settings: DemoSettings, server_url: str, release_key_hex: str
) -> list[DemoUser]:
    """Creates and registers every user; the first sends more than t known items, the second
    fewer than t, the rest none."""
    users = []
    for index, name in enumerate(user_names(settings.users)):
        messenger = create_device(
            work / "devices" / name,
            name,
            server_url,
            release_key_hex,
            settings.threshold,
            settings.synthetic_rate,
        )
        messenger.profile.set_setting("disclosure_shown", True)
        role, known = ROLE_ORDINARY, 0
        if index == 0:
            role, known = ROLE_HEAVY, settings.heavy_known
        elif index == 1:
            role, known = ROLE_LIGHT, settings.light_known
        outcome = AccountOutcome(
            name, account_id=str(messenger.profile.setting("account_id")), role=role
        )
        users.append(DemoUser(name, role, messenger, known, outcome))
    return users


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def exchange(
    users: list[DemoUser],
    split: CorpusSplit,
    settings: DemoSettings,
    secrets_out: Callable[[str, bytes], None],
    tick: Callable[[], object],
) -> None:
    """Every user sends two texts and ``images_per_user`` photos to the next user in the ring.

    ``secrets_out(label, bytes)`` receives every plaintext sent (for the leak search) and
    ``tick()`` is called once per message (progress).
    """
    rng = random.Random(settings.seed)
    ordinary = list(split.ordinary)
    rng.shuffle(ordinary)
    for index, user in enumerate(users):
        to = users[(index + 1) % len(users)].name
        for text in rng.sample(TEXTS, 2):
            body = f"{text} ({user.name} #{rng.randrange(1000)})"
            outcome = user.messenger.send_text(to, body)
            user.sent.append(
                SentMessage(outcome.message_id, user.name, to, "text", _digest(body.encode()))
            )
            user.outcome.texts_sent += 1
            secrets_out(f"text from {user.name}", body.encode())
            tick()
        for photo_index in range(settings.images_per_user):
            known = photo_index < user.known_to_send
            if known:
                source = split.known[photo_index % len(split.known)]
            else:
                source = ordinary.pop() if ordinary else split.ordinary[photo_index]
            data = sendable_copy(source, rng, modify=known)
            outcome = user.messenger.send_media(
                to, data, "image/jpeg", f"IMG_{photo_index:04d}.jpg"
            )
            user.sent.append(
                SentMessage(outcome.message_id, user.name, to, "photo", _digest(data), known=known)
            )
            user.outcome.photos_sent += 1
            user.outcome.known_sent += int(known)
            _count(user, outcome.flush)
            secrets_out(f"photo from {user.name}", data)
            tick()
        flush = user.messenger.flush_vouchers()
        _count(user, flush)
        if flush is not None and flush.pending:
            raise RuntimeError(
                f"{flush.pending} vouchers of {user.name} not uploaded: {flush.last_error}"
            )


def _count(user: DemoUser, flush: FlushResult | None) -> None:
    if flush is None:
        return
    user.outcome.vouchers_uploaded += flush.uploaded
    if flush.rejected:
        raise RuntimeError(
            f"the server refused {flush.rejected} vouchers of {user.name}: {flush.last_error}"
        )


def deliver(users: list[DemoUser]) -> None:
    """Every user reads their inbox; counts messages that arrived byte-for-byte intact."""
    expected = {m.message_id: m for u in users for m in u.sent}
    for user in users:
        for entry in user.messenger.receive():
            user.outcome.messages_received += 1
            sent = expected.get(entry.message_id)
            if sent is None or entry.error is not None or entry.sender != sent.sender:
                continue
            if entry.text is not None:
                got = _digest(entry.text.encode())
            elif entry.media_path is not None:
                got = _digest(entry.media_path.read_bytes())
            else:
                continue
            user.outcome.messages_received_intact += int(got == sent.digest)


def close_all(users: list[DemoUser]) -> None:
    """Closes every device's connection."""
    for user in users:
        close_device(user.messenger)
