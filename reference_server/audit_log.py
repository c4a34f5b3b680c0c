"""The audit log: append-only, every entry hash-chained to the one before, with signed checkpoints.

``entry_hash = SHA-256(framed(LABEL("AuditEntry"), prev_hash, seq, at_ms, kind, payload))`` where
``payload`` is canonical JSON and the first entry's ``prev_hash`` is 32 zero bytes. Every
``checkpoint_every`` entries (and whenever ``checkpoint`` is called: the server does on a timer
and at shutdown) the provider key signs ``(seq, entry_hash, at_ms, previous_seq)``,
``previous_seq`` being the seq of the checkpoint before (0 for the first).

What verification catches: an edited entry (its hash), a deleted entry (a gap in seq), a tail
rewritten consistently (a checkpoint no longer matches the chain), a log re-signed with another
key (checkpoints are checked against the pinned provider key), a deleted checkpoint (the next
one signed another ``previous_seq``). What it cannot catch alone: edits or deletions after the
last checkpoint (the "unsigned tail", reported as such), and the last checkpoint deleted
together with the entries after the one before; a checkpoint kept outside (transparency
publishes the latest; ``known`` checkpoints) catches the latter. Payloads never carry keys,
voucher bytes, derivatives or anything that would reveal a below-threshold count.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from vouchsafe.sdk.crypto import labels
from vouchsafe.server.keys import (
    ProviderKey,
    ProviderSignatureError,
    verify_provider_signature,
)
from vouchsafe.server.storage import Repos, Storage
from vouchsafe.server.storage.records import AuditEntry, Checkpoint

GENESIS_HASH = bytes(32)
DEFAULT_CHECKPOINT_EVERY = 64

Payload = dict[str, str | int | bool | list[str] | None]


def canonical_payload(payload: Payload) -> str:
    """Canonical JSON: sorted keys, no whitespace, ASCII only."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(prev_hash: bytes, seq: int, at_ms: int, kind: str, payload: str) -> bytes:
    """The hash that chains an entry (see the module docstring)."""
    fields = (
        prev_hash,
        struct.pack(">Q", seq),
        struct.pack(">q", at_ms),
        kind.encode("utf-8"),
        payload.encode("utf-8"),
    )
    return hashlib.sha256(labels.framed(labels.AUDIT_ENTRY, *fields)).digest()


def utc_day(ms: int) -> str:
    """The UTC calendar day of an instant, ``YYYY-MM-DD`` (the transparency tallies' period)."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


SECOND_CHECK_UNAVAILABLE = "review_queued:second_check:unavailable"
"""The tally key of queued reviews whose keyed second check could not run."""


def counted_keys(kind: str, payload: Payload) -> tuple[str, ...]:
    """What an entry adds to the per-day tallies: its kind; for a review decision also
    ``review_decided:<review kind>:<outcome>``, and for a queued review whose second check
    could not run also ``review_queued:second_check:unavailable`` (the figures split them so)."""
    if kind == "review_decided":
        return (kind, f"{kind}:{payload.get('kind')}:{payload.get('outcome')}")
    if kind == "review_queued" and payload.get("second_check") == "unavailable":
        return (kind, SECOND_CHECK_UNAVAILABLE)
    return (kind,)


def checkpoint_bytes(seq: int, head_hash: bytes, at_ms: int, previous_seq: int) -> bytes:
    """What a checkpoint signature covers (``previous_seq``: the checkpoint before, or 0)."""
    return struct.pack(">Q", seq) + head_hash + struct.pack(">q", at_ms) + struct.pack(
        ">Q", previous_seq
    )


def published_checkpoint(tx: Repos, cp: Checkpoint) -> dict[str, str | int]:
    """A checkpoint as published (transparency): everything needed to check its signature."""
    previous = tx.audit.checkpoint_before(cp.seq)
    return {
        "seq": cp.seq,
        "entry_hash": cp.entry_hash.hex(),
        "at_ms": cp.at_ms,
        "previous_seq": 0 if previous is None else previous.seq,
        "provider_key_id": cp.key_id,
        "signature": cp.signature.hex(),
    }


class AuditLog:
    """Appends entries inside the caller's transaction: a step and its entry commit together."""

    def __init__(self, key: ProviderKey, checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY) -> None:
        self.key = key
        self.checkpoint_every = checkpoint_every

    def append(self, tx: Repos, kind: str, payload: Payload, at_ms: int) -> AuditEntry:
        """Adds one entry chained to the current head; checkpoints every ``checkpoint_every``.

        The head row stays locked until ``tx`` ends, so appenders in any number of processes
        extend one chain in commit order; the entry's per-day tallies are counted with it."""
        head = tx.audit.head()
        seq, prev = head.seq + 1, head.entry_hash
        text = canonical_payload(payload)
        entry = AuditEntry(seq, at_ms, kind, text, prev, entry_hash(prev, seq, at_ms, kind, text))
        tx.audit.append(entry, counted_keys(kind, payload), utc_day(at_ms))
        if self.checkpoint_every and seq % self.checkpoint_every == 0:
            self._sign(tx, entry, at_ms)
        return entry

    def checkpoint(self, tx: Repos, at_ms: int) -> Checkpoint | None:
        """Signs the current head unless it is already checkpointed; None for an empty log."""
        tx.audit.head()  # locked: checkpoints from several workers never collide
        head = tx.audit.last()
        if head is None:
            return None
        latest = tx.audit.last_checkpoint()
        if latest is not None and latest.seq == head.seq:
            return latest
        return self._sign(tx, head, at_ms)

    def _sign(self, tx: Repos, head: AuditEntry, at_ms: int) -> Checkpoint:
        previous = tx.audit.last_checkpoint()
        previous_seq = 0 if previous is None else previous.seq
        signature = self.key.sign(
            labels.AUDIT_CHECKPOINT,
            checkpoint_bytes(head.seq, head.entry_hash, at_ms, previous_seq),
        )
        cp = Checkpoint(
            head.seq, head.entry_hash, at_ms, self.key.key_id, self.key.public_key, signature
        )
        tx.audit.add_checkpoint(cp)
        return cp


@dataclass(frozen=True)
class KnownCheckpoint:
    """A checkpoint someone kept outside the database (e.g. from a transparency report)."""

    seq: int
    entry_hash: bytes


@dataclass(frozen=True)
class AuditVerification:
    """Outcome of checking the whole log; ``first_broken_seq`` is 0 when everything holds.

    ``signed_through`` is the seq of the last checkpoint (0: none); the entries after it are the
    unsigned tail, which nothing in the database protects yet. ``pinned`` says whether the
    checkpoints were checked against a given provider key rather than the key each one names.
    """

    entries: int
    checkpoints: int
    first_broken_seq: int
    reason: str
    signed_through: int = 0
    pinned: bool = False

    @property
    def ok(self) -> bool:
        return self.first_broken_seq == 0 and not self.reason

    @property
    def unsigned_entries(self) -> int:
        """How many entries follow the last checkpoint (only meaningful when ``ok``)."""
        return self.entries - self.signed_through


def verify_audit_log(
    storage: Storage,
    pinned_public_key: bytes | None = None,
    known: tuple[KnownCheckpoint, ...] = (),
) -> AuditVerification:
    """Recomputes every link and checks every checkpoint signature (one transaction).

    With ``pinned_public_key`` the checkpoints must be signed by that key; otherwise by the key
    each checkpoint names (which proves internal consistency, not who signed). Every ``known``
    checkpoint must still be in the log.
    """
    with storage.read() as tx:
        return verify_audit_entries(tx, pinned_public_key, known)


def verify_audit_entries(
    tx: Repos,
    pinned_public_key: bytes | None = None,
    known: tuple[KnownCheckpoint, ...] = (),
) -> AuditVerification:
    """``verify_audit_log`` inside the caller's transaction."""
    batch = 2000
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    hashes: dict[int, bytes] = {}
    checkpoints = tx.audit.checkpoints()
    wanted = {cp.seq for cp in checkpoints} | {k.seq for k in known}
    after = 0
    while chunk := tx.audit.entries(after_seq=after, limit=batch):
        for entry in chunk:
            count += 1
            if entry.seq != expected_seq:
                return AuditVerification(count, 0, expected_seq, f"entry {expected_seq} is missing")
            if entry.prev_hash != prev:
                return AuditVerification(
                    count, 0, entry.seq, "prev_hash does not match the entry before"
                )
            recomputed = entry_hash(prev, entry.seq, entry.at_ms, entry.kind, entry.payload)
            if recomputed != entry.entry_hash:
                return AuditVerification(
                    count, 0, entry.seq, "entry content does not match its hash"
                )
            if entry.seq in wanted:
                hashes[entry.seq] = entry.entry_hash
            prev, expected_seq = entry.entry_hash, entry.seq + 1
        after = chunk[-1].seq
    pinned = pinned_public_key is not None
    previous_seq = 0
    for cp in checkpoints:
        if hashes.get(cp.seq) != cp.entry_hash:
            return AuditVerification(
                count, len(checkpoints), cp.seq, f"checkpoint at {cp.seq} does not match the chain"
            )
        key = pinned_public_key if pinned_public_key is not None else cp.public_key
        try:
            verify_provider_signature(
                key,
                labels.AUDIT_CHECKPOINT,
                checkpoint_bytes(cp.seq, cp.entry_hash, cp.at_ms, previous_seq),
                cp.signature,
            )
        except ProviderSignatureError:
            return AuditVerification(
                count,
                len(checkpoints),
                cp.seq,
                f"checkpoint at {cp.seq} has a bad signature: signed by another key, edited, or "
                f"the checkpoint it follows is not the one at {previous_seq} (one was deleted)",
            )
        previous_seq = cp.seq
    for k in sorted(known, key=lambda k: k.seq):
        if hashes.get(k.seq) != k.entry_hash:
            return AuditVerification(
                count,
                len(checkpoints),
                k.seq,
                f"the known checkpoint at {k.seq} is not in the log (truncated or rewritten)",
            )
    return AuditVerification(count, len(checkpoints), 0, "", previous_seq, pinned)
