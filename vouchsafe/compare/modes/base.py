"""The one interface every detection mode implements.

A detection mode is one expert-process option made runnable. The harness drives it in three
steps, and each step's messages go through the :class:`~vouchsafe.compare.transcript.Transcript`:

1. ``setup(hash_set, config, wire)``: what the parties exchange once (hash lists, blinded sets,
   keys, attestations);
2. ``send_item(item, wire)``: what the device sends for one media item, what each party computes,
   and what comes back;
3. ``finish(wire)``: what the provider can act on at the end: the items it knows to be matches
   and the accounts it flags (at least ``threshold`` matches it knows of).

Every party's computation runs inside ``wire.cpu(party)`` so its CPU time is measured.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from vouchsafe.compare.transcript import Transcript


@dataclass(frozen=True)
class DeviceItem:
    """One media item as the sending device has it (media bytes and what the device computed)."""

    item_id: str
    account: str
    media: bytes
    perceptual_hash: bytes
    quality: int
    candidates: tuple[bytes, ...]


@dataclass(frozen=True)
class KnownEntry:
    """One hash-set entry: its full perceptual hash and its PSI candidate keys.

    ``tone_derivatives`` are the visual derivatives of the item's tone variants
    (``vouchsafe.server.confirmation.keyed_hash.tone_variants``), which only the hash source
    holds (it has the item): a mode with the provider's keyed confirmation check has the hash
    source list their keyed hashes. Empty for filler entries (no picture behind them).
    """

    perceptual_hash: bytes
    keys: tuple[bytes, ...]
    tone_derivatives: tuple[bytes, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class ModeConfig:
    """The scenario's settings every mode receives."""

    threshold: int
    synthetic_rate: float
    match_distance: int = 31
    seed: int = 0


@dataclass(frozen=True)
class Verdicts:
    """What the provider can act on at the end of the run.

    ``matched_items`` are the items the provider knows to be matches (after any confirmation the
    mode performs); ``flagged_accounts`` those with at least ``threshold`` of them.
    """

    matched_items: frozenset[str]
    flagged_accounts: frozenset[str]


@dataclass(frozen=True)
class NotAvailable:
    """A mode that cannot run here (e.g. an optional library is not installed), and why."""

    name: str
    reason: str


class DetectionMode(ABC):
    """One expert-process option as a runnable mode; see the module docstring for the steps."""

    name: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str]
    # Whether the device computes PSI candidates (and so its device views) for every item:
    # its hashing cost is then the hash with views and candidates, else the hash alone.
    uses_candidates: ClassVar[bool] = False

    @abstractmethod
    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """One-off exchange before any item is sent."""

    @abstractmethod
    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """The device sends one media item; every party does its part."""

    @abstractmethod
    def finish(self, wire: Transcript) -> Verdicts:
        """What the provider can act on at the end of the run."""

    def extras(self) -> dict[str, object]:
        """Mode-specific measurements for the report (bucket sizes, set sizes, ...)."""
        return {}


@dataclass
class MatchBook:
    """The provider's per-account tally of known matches, shared by the simpler modes."""

    threshold: int
    matches: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def record(self, account: str, item_id: str) -> None:
        """Notes that the provider knows ``item_id`` (of ``account``) is a match."""
        self.matches[account].add(item_id)

    def verdicts(self) -> Verdicts:
        """Matched items, and accounts with at least ``threshold`` of them."""
        items = frozenset(i for ids in self.matches.values() for i in ids)
        flagged = frozenset(a for a, ids in self.matches.items() if len(ids) >= self.threshold)
        return Verdicts(items, flagged)


def pack_hashes(hashes: Sequence[bytes]) -> bytes:
    """Concatenates fixed-length hashes (a plaintext hash list on the wire)."""
    return b"".join(hashes)
