"""What the pipeline needs from the tPSI-AD protocol and the hash set, as two small interfaces.

``VoucherMatcher`` is the server's side of the protocol (outer step per voucher, threshold
recovery per account); ``vouchsafe.server.pipeline.tpsi_matcher`` implements it with
``vouchsafe.sdk.tpsi``.
``EntryIndex`` answers the confirmation step's question (the nearest hash-set entry within a
distance); ``ListEntryIndex`` is the plain implementation over ``ConfirmationEntry`` values, and
``vouchsafe.server.pipeline.bundle`` adapts the hash-set lifecycle's release bundle. An index
may also hold the provider's confirmation key (``confirmation_hasher``) and, per entry, the
keyed confirmation hashes its sources listed (``vouchsafe.server.confirmation``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.media.pdq import hamming

if TYPE_CHECKING:
    from vouchsafe.server.confirmation.keyed_hash import ConfirmationHasher


@dataclass(frozen=True)
class RecoveredMatch:
    """A real match recovered past threshold: the item id and its associated data bytes."""

    item_id: str
    associated_data: bytes


@dataclass(frozen=True)
class RecoveryProgress:
    """Where one account's threshold recovery stands after ``recover_new``.

    ``items``: every real match recovered so far (not only the new ones; the caller skips
    those it handled). ``abuse_suspected``: the account's shares cannot come from an honest
    client (SPEC.md section 8.3); it is never recomputed, so later calls cost nothing.
    """

    items: tuple[RecoveredMatch, ...]
    abuse_suspected: bool
    abuse_reason: str = ""


@dataclass(frozen=True)
class ConfirmationEntry:
    """One hash-set entry the server can confirm against (never shipped to devices)."""

    entry_id: str
    signal_type: str
    full_hash: bytes
    confirmation_hashes: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class EntryCandidate:
    """An entry within the full-hash distance, with the confirmation hashes listed for it
    (empty when no source gave one under the server's confirmation key)."""

    entry_id: str
    distance: int
    confirmation_hashes: tuple[bytes, ...] = ()


class VoucherMatcher(Protocol):
    """The server's role in tPSI-AD."""

    @property
    def threshold(self) -> int:
        """The match threshold t."""

    @property
    def release_id(self) -> str:
        """Id of the current release (devices are given it; earlier releases of the chain may
        still be accepted within their window, SPEC.md R.7)."""

    def voucher_id(self, safety_voucher: bytes) -> bytes:
        """The protocol's VoucherId of the voucher; raises a VouchsafeError if it is malformed."""

    def outer_step(self, safety_voucher: bytes, account_id: str) -> bytes | None:
        """Decodes and checks one voucher (raising a VouchsafeError on malformed input) and runs
        the outer step for the uploading account: the encoded opened record for a (real or
        synthetic) match, else None (also for a voucher made for another account)."""

    def recover(self, opened: Sequence[bytes]) -> list[RecoveredMatch]:
        """Threshold recovery over one account's opened records, from scratch; empty below t."""

    def new_recovery(self) -> object:
        """An empty per-account recovery state for ``recover_new`` (held by the caller, one per
        account, used by one worker at a time; rebuilt from all records if lost)."""

    def recover_new(self, state: object, opened: Sequence[bytes]) -> RecoveryProgress:
        """Adds the account's opened records that are new since the last call on ``state``
        (only those: work is proportional to them, and bounded per account)."""


def entry_id_for(signal_type: str, full_hash: bytes) -> str:
    """A stable opaque id for a hash-set entry that does not reveal its hash."""
    digest = hashlib.sha256(
        labels.framed(labels.HASH_SET_ENTRY_ID, signal_type.encode(), full_hash)
    )
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Listing:
    """One source's listing of a hash-set entry, as a reviewer sees it."""

    organisation: str
    jurisdiction: str
    list_id: str
    listed_at: int
    labels: tuple[str, ...]


Provenance = tuple[Listing, ...]


class EntryIndex(Protocol):
    """The hash-set entries the server confirms against."""

    @property
    def confirmation_hasher(self) -> ConfirmationHasher | None:
        """The keyed confirmation hash under the provider's key, or None without a key."""

    def within(
        self, signal_type: str, perceptual_hash: bytes, max_distance: int
    ) -> list[EntryCandidate]:
        """Every entry within ``max_distance`` of the full hash, closest first."""

    def provenance(self, signal_type: str, perceptual_hash: bytes, entry_id: str) -> Provenance:
        """Who listed entry ``entry_id`` (found near ``perceptual_hash``): for the reviewer.

        Empty when the index keeps no provenance or the entry is no longer near the hash."""


@dataclass(frozen=True)
class ListEntryIndex:
    """A linear scan over a list of entries (fine for tests and small sets)."""

    entries: Sequence[ConfirmationEntry] = ()
    hasher: ConfirmationHasher | None = None

    @property
    def confirmation_hasher(self) -> ConfirmationHasher | None:
        return self.hasher

    def within(
        self, signal_type: str, perceptual_hash: bytes, max_distance: int
    ) -> list[EntryCandidate]:
        found = []
        for entry in self.entries:
            if entry.signal_type != signal_type or len(entry.full_hash) != len(perceptual_hash):
                continue
            distance = hamming(entry.full_hash, perceptual_hash)
            if distance <= max_distance:
                found.append(EntryCandidate(entry.entry_id, distance, entry.confirmation_hashes))
        return sorted(found, key=lambda c: c.distance)

    def provenance(self, signal_type: str, perceptual_hash: bytes, entry_id: str) -> Provenance:
        return ()
