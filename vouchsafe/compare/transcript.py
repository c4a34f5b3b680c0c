"""The transcript of one detection-mode run: every message that crossed the wire, and CPU time.

Each message is serialised as a ``vouchsafe.v1.DetectionModeMessage`` protobuf; its byte count is
the length of those serialised bytes, and the transcript keeps the *decoded* copy of exactly those
bytes, so that the leakage ledger (:mod:`vouchsafe.compare.ledger`) is derived from what crossed
the wire and from nothing typed in by hand. Values a party computes locally (a decrypted payload,
a match decision) are recorded with :meth:`Transcript.derive`, so the ledger sees them too.
CPU time is measured per party with :func:`time.process_time` around each party's computation.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from vouchsafe.protocol import detection_modes_pb2 as pb

CIPHERSUITE = "vouchsafe-compare-v1"
VERSION = 1

DEVICE = "device"
PROVIDER = "provider"
HASH_SOURCE = "hash_source"

FieldKind = pb.FieldKind


class Phase(StrEnum):
    """When a message crossed: once at setup, per media item, or at the end of the run."""

    SETUP = "setup"
    ITEM = "item"
    FINISH = "finish"


@dataclass(frozen=True)
class WireField:
    """One field of a message: what it is (its ``FieldKind``), its bytes, and for prefixes bits."""

    kind: int
    value: bytes
    bits: int = 0

    @property
    def kind_name(self) -> str:
        """The protobuf enum name of ``kind``, e.g. ``PERCEPTUAL_HASH``."""
        return str(pb.FieldKind.Name(self.kind))


@dataclass(frozen=True)
class Record:
    """One message as it crossed: who sent it to whom, its size on the wire, its decoded fields.

    ``item_id`` is the harness's ground-truth link to the media item the message is about; it is
    *not* on the wire (the wire carries only a random ``item_ref``).
    """

    mode: str
    sender: str
    receiver: str
    step: str
    phase: Phase
    item_id: str | None
    size: int
    fields: tuple[WireField, ...]


@dataclass(frozen=True)
class Derived:
    """A value one party computed locally from what it held (never sent)."""

    party: str
    kind: int
    value: bytes
    item_id: str | None


@dataclass
class Transcript:
    """Everything that crossed the wire in one run of one mode, plus each party's CPU time."""

    mode: str
    records: list[Record] = field(default_factory=list)
    derived: list[Derived] = field(default_factory=list)
    cpu_seconds: dict[tuple[str, Phase], float] = field(default_factory=lambda: defaultdict(float))

    def send(
        self,
        sender: str,
        receiver: str,
        step: str,
        fields: Sequence[WireField],
        *,
        item_id: str | None = None,
        item_ref: bytes = b"",
        phase: Phase = Phase.ITEM,
    ) -> Record:
        """Serialises one message, records what crossed, and returns the record whose decoded
        fields are what the receiver gets (receivers work from these, never from the inputs)."""
        message = pb.DetectionModeMessage(
            ciphersuite=CIPHERSUITE,
            version=VERSION,
            mode=self.mode,
            step=step,
            item_ref=item_ref,
            fields=[pb.Field(kind=f.kind, value=f.value, bits=f.bits) for f in fields],  # type: ignore[arg-type]
        )
        wire = message.SerializeToString()
        decoded = pb.DetectionModeMessage.FromString(wire)
        record = Record(
            mode=self.mode,
            sender=sender,
            receiver=receiver,
            step=step,
            phase=phase,
            item_id=item_id,
            size=len(wire),
            fields=tuple(WireField(f.kind, f.value, f.bits) for f in decoded.fields),
        )
        self.records.append(record)
        return record

    def derive(self, party: str, kind: int, value: bytes, *, item_id: str | None = None) -> None:
        """Records that ``party`` computed ``value`` (of ``kind``) locally."""
        self.derived.append(Derived(party, kind, value, item_id))

    @contextmanager
    def cpu(self, party: str, phase: Phase = Phase.ITEM) -> Iterator[None]:
        """Adds the CPU time spent inside the block to ``party``'s account for ``phase``."""
        start = time.process_time()
        try:
            yield
        finally:
            self.cpu_seconds[(party, phase)] += time.process_time() - start

    def parties(self) -> list[str]:
        """Every party that sent, received or computed something, device and provider first."""
        seen: dict[str, None] = {DEVICE: None, PROVIDER: None}
        for record in self.records:
            seen.setdefault(record.sender, None)
            seen.setdefault(record.receiver, None)
        for value in self.derived:
            seen.setdefault(value.party, None)
        for party, _phase in self.cpu_seconds:
            seen.setdefault(party, None)
        return list(seen)

    def bytes_between(self, sender: str | None, receiver: str | None, phase: Phase) -> int:
        """Total wire bytes of ``phase`` from ``sender`` to ``receiver`` (None matches anyone)."""
        return sum(
            r.size
            for r in self.records
            if r.phase == phase
            and (sender is None or r.sender == sender)
            and (receiver is None or r.receiver == receiver)
        )

    def cpu_of(self, party: str, phase: Phase) -> float:
        """CPU seconds ``party`` spent in ``phase``."""
        return self.cpu_seconds.get((party, phase), 0.0)


def wire_field(kind: int, value: bytes, bits: int = 0) -> WireField:
    """Shorthand for building a :class:`WireField`."""
    return WireField(kind, value, bits)
