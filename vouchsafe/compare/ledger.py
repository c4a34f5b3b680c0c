"""The leakage ledger: what each party held at the end of a run, derived from its transcript.

Nothing here is typed in per mode. For every party the ledger takes the fields of every message
the party *received* plus every value it *derived* locally, and measures:

- media items whose bytes it holds in the clear (exact byte equality);
- items whose full perceptual hash appears, byte for byte, in what it holds (lists handed out
  whole, ``HASH_LIST`` and ``BUCKET``, are left out of this one count: an unchanged known item
  has its list entry's very hash, which the list holder did not learn from the item);
- hash-set entries (perceptual hashes) and hash-set candidate keys that appear in the clear;
- bits of candidate prefixes received per item; match results it holds (and how many positive);
- items linkable to another item: a deterministic tag it holds repeats exactly, or a perceptual
  hash it holds is within PDQ distance 31 of another item's (copies of one picture);
- opaque fields (ciphertexts, vouchers, DPF keys, HE ciphertexts) by kind.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from vouchsafe.compare.matching import HashTable
from vouchsafe.compare.modes.base import DeviceItem, KnownEntry
from vouchsafe.compare.transcript import FieldKind, Transcript
from vouchsafe.sdk.media.pdq import PDQ_MATCH_DISTANCE

_MEDIA = {FieldKind.MEDIA_PLAINTEXT, FieldKind.MEDIA_CIPHERTEXT}
_OPAQUE = {
    FieldKind.MEDIA_CIPHERTEXT,
    FieldKind.SEALED_HASH,
    FieldKind.SAFETY_VOUCHER,
    FieldKind.DPF_KEY,
    FieldKind.HE_CIPHERTEXT,
    FieldKind.GROUP_ELEMENTS,
    FieldKind.RESULT_SHARE,
}
_LISTS = {FieldKind.HASH_LIST, FieldKind.BUCKET}
HASH_BYTES = 32


@dataclass(frozen=True)
class PartyLedger:
    """What one party held at the end of the run (counts are of media items unless named)."""

    party: str
    messages_received: int
    bytes_received: int
    media_in_clear: int
    item_hashes_in_clear: int
    hash_set_entries_in_clear: int
    hash_set_keys_in_clear: int
    prefix_bits_per_item: float
    match_results_known: int
    positive_results_known: int
    linkable_items: int
    opaque_fields: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _contains(haystack: bytes, needles: Iterable[bytes]) -> int:
    return sum(1 for n in needles if n and n in haystack)


def derive_ledger(
    wire: Transcript, items: Sequence[DeviceItem], hash_set: Sequence[KnownEntry]
) -> list[PartyLedger]:
    """One :class:`PartyLedger` per party in ``wire``, derived only from the transcript."""
    out: list[PartyLedger] = []
    for party in wire.parties():
        received = [r for r in wire.records if r.receiver == party]
        fields = [(r.item_id, f) for r in received for f in r.fields]
        fields += [
            (d.item_id, _as_field(d.kind, d.value)) for d in wire.derived if d.party == party
        ]
        haystack = b"\x00".join(f.value for _i, f in fields if f.kind not in _MEDIA)
        # Lists handed out whole are not data about an item: a known item sent unchanged has the
        # very hash of its list entry, which the list holder has not learned from the item.
        item_haystack = b"\x00".join(
            f.value for _i, f in fields if f.kind not in _MEDIA and f.kind not in _LISTS
        )
        media_digests = {
            hashlib.sha256(f.value).digest()
            for _i, f in fields
            if f.kind == FieldKind.MEDIA_PLAINTEXT
        }
        media_in_clear = sum(
            1 for it in items if hashlib.sha256(it.media).digest() in media_digests
        )
        prefix_bits = sum(f.bits for _i, f in fields if f.kind == FieldKind.HASH_PREFIX)
        results: dict[str, bool] = {}
        for item_id, f in fields:
            if f.kind == FieldKind.MATCH_RESULT and item_id is not None:
                results[item_id] = results.get(item_id, False) or f.value not in (b"", b"\x00")
        out.append(
            PartyLedger(
                party=party,
                messages_received=len(received),
                bytes_received=sum(r.size for r in received),
                media_in_clear=media_in_clear,
                item_hashes_in_clear=_contains(item_haystack, (it.perceptual_hash for it in items)),
                hash_set_entries_in_clear=_contains(
                    haystack, (e.perceptual_hash for e in hash_set)
                ),
                hash_set_keys_in_clear=_contains(haystack, {k for e in hash_set for k in e.keys}),
                prefix_bits_per_item=prefix_bits / len(items) if items else 0.0,
                match_results_known=len(results),
                positive_results_known=sum(results.values()),
                linkable_items=_linkable(fields),
                opaque_fields=dict(
                    sorted(
                        Counter(
                            str(FieldKind.Name(f.kind)) for _i, f in fields if f.kind in _OPAQUE
                        ).items()
                    )
                ),
            )
        )
    return out


def _linkable(fields: Sequence[tuple[str | None, Any]]) -> int:
    """Items the party can link to another item: a deterministic tag repeats exactly, or a
    perceptual hash it holds is within PDQ distance 31 of another item's."""
    owners: dict[bytes, set[str]] = defaultdict(set)
    hashes: dict[str, bytes] = {}
    for item_id, f in fields:
        if item_id is None:
            continue
        if f.kind == FieldKind.DETERMINISTIC_TAG:
            owners[f.value].add(item_id)
        elif f.kind == FieldKind.PERCEPTUAL_HASH and len(f.value) == HASH_BYTES:
            hashes[item_id] = f.value
    linked: set[str] = set()
    for ids in owners.values():
        if len(ids) > 1:
            linked |= ids
    if len(hashes) > 1:
        order = list(hashes)
        table = HashTable([hashes[i] for i in order])
        for index, item_id in enumerate(order):
            close = table.distances(hashes[item_id]) <= PDQ_MATCH_DISTANCE
            if int(close.sum()) > 1:
                linked.add(item_id)
                linked |= {order[j] for j in close.nonzero()[0].tolist() if j != index}
    return len(linked)


def _as_field(kind: int, value: bytes) -> Any:
    from vouchsafe.compare.transcript import WireField

    return WireField(kind, value)
