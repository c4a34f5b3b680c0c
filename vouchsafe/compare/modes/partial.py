"""``partial_hash``: k-anonymity range queries on PSI candidate prefixes.

The device sends, for each PSI candidate of an item, the first ``prefix_bits`` bits of a
domain-separated SHA-256 of the candidate. The provider answers with every hash-set entry in
those buckets (candidate key and full PDQ hash). The device finishes the match: an exact
candidate-key match confirmed by PDQ distance <= 31 to the entry's full hash, and reports
matches to the provider. ``prefix_bits`` is chosen from the hash-set size so that buckets hold
about ``bucket_target`` keys; the bucket sizes actually returned are in the transcript.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence

from vouchsafe.compare.modes.base import (
    DetectionMode,
    DeviceItem,
    KnownEntry,
    MatchBook,
    ModeConfig,
    Verdicts,
)
from vouchsafe.compare.modes.common import deliver_encrypted, match_byte, new_item_ref
from vouchsafe.compare.transcript import (
    DEVICE,
    HASH_SOURCE,
    PROVIDER,
    FieldKind,
    Phase,
    Transcript,
    wire_field,
)
from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.media.pdq import hamming

HASH_BYTES = 32


def bucket_of(key: bytes, prefix_bits: int) -> int:
    """The bucket number of a candidate key: the first ``prefix_bits`` bits of its label hash."""
    if prefix_bits == 0:
        return 0
    digest = hashlib.sha256(labels.COMPARE_PARTIAL_BUCKET + key).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - prefix_bits)


def prefix_bits_for(key_count: int, bucket_target: int) -> int:
    """Prefix length giving buckets of about ``bucket_target`` keys (at least 1 bit)."""
    if key_count <= bucket_target:
        return 1
    return max(1, math.floor(math.log2(key_count / bucket_target)))


def encode_bucket(entries: Sequence[tuple[bytes, bytes]]) -> bytes:
    """(key, perceptual hash) pairs, each key length-prefixed with one byte."""
    return b"".join(bytes([len(k)]) + k + h for k, h in entries)


def decode_bucket(blob: bytes) -> list[tuple[bytes, bytes]]:
    """Inverse of :func:`encode_bucket`; raises ValueError on truncated input."""
    out: list[tuple[bytes, bytes]] = []
    i = 0
    while i < len(blob):
        n = blob[i]
        end = i + 1 + n + HASH_BYTES
        if end > len(blob):
            raise ValueError("truncated bucket")
        out.append((blob[i + 1 : i + 1 + n], blob[i + 1 + n : end]))
        i = end
    return out


class PartialHash(DetectionMode):
    """Prefix range queries; the device finishes the match and reports matches."""

    name = "partial_hash"
    uses_candidates = True
    title = "Partial hash (k-anonymity buckets)"
    summary = (
        "The device sends short prefixes of its PSI candidates; the provider returns the "
        "hash-set entries in those buckets; the device matches and reports matches."
    )

    def __init__(self, bucket_target: int = 32) -> None:
        self.bucket_target = bucket_target

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """The provider receives keys and hashes and files them into buckets."""
        record = wire.send(
            HASH_SOURCE,
            PROVIDER,
            "hash_list",
            [
                wire_field(
                    FieldKind.BUCKET, encode_bucket([(k, e.perceptual_hash) for k in e.keys])
                )
                for e in hash_set
            ],
            phase=Phase.SETUP,
        )
        with wire.cpu(PROVIDER, Phase.SETUP):
            pairs = [p for f in record.fields for p in decode_bucket(f.value)]
            self.prefix_bits = prefix_bits_for(len(pairs), self.bucket_target)
            self._buckets: dict[int, list[tuple[bytes, bytes]]] = defaultdict(list)
            for key, perceptual_hash in pairs:
                self._buckets[bucket_of(key, self.prefix_bits)].append((key, perceptual_hash))
        self._config = config
        self._book = MatchBook(config.threshold)
        self.bucket_sizes: list[int] = []

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """Prefixes up, buckets down, match on the device, report up."""
        deliver_encrypted(item, wire)
        bits = self.prefix_bits
        width = (bits + 7) // 8
        with wire.cpu(DEVICE):
            prefixes = sorted({bucket_of(c, bits) for c in item.candidates})
        ref = new_item_ref()
        query = wire.send(
            DEVICE,
            PROVIDER,
            "prefix_query",
            [wire_field(FieldKind.HASH_PREFIX, p.to_bytes(width, "big"), bits) for p in prefixes],
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(PROVIDER):
            answer_fields = [
                wire_field(
                    FieldKind.BUCKET,
                    encode_bucket(self._buckets.get(int.from_bytes(f.value, "big"), [])),
                )
                for f in query.fields
            ]
        answer = wire.send(
            PROVIDER, DEVICE, "bucket", answer_fields, item_id=item.item_id, item_ref=ref
        )
        with wire.cpu(DEVICE):
            returned = [decode_bucket(f.value) for f in answer.fields]
            self.bucket_sizes.extend(len(b) for b in returned)
            mine = set(item.candidates)
            matched = any(
                key in mine and hamming(h, item.perceptual_hash) <= self._config.match_distance
                for bucket in returned
                for key, h in bucket
            )
        wire.derive(DEVICE, FieldKind.MATCH_RESULT, match_byte(matched), item_id=item.item_id)
        if not matched:
            return
        report = wire.send(
            DEVICE,
            PROVIDER,
            "match_report",
            [
                wire_field(FieldKind.MATCH_RESULT, match_byte(True)),
                wire_field(FieldKind.PERCEPTUAL_HASH, item.perceptual_hash),
            ],
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(PROVIDER):
            if report.fields[0].value == match_byte(True):
                self._book.record(item.account, item.item_id)

    def finish(self, wire: Transcript) -> Verdicts:
        """The matches devices reported."""
        return self._book.verdicts()

    def extras(self) -> dict[str, object]:
        """Prefix length and the sizes of the buckets actually returned."""
        return {"prefix_bits": self.prefix_bits, "bucket_sizes": list(self.bucket_sizes)}
