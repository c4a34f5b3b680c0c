"""``psi_per_item``: plain OPRF-based PSI over ristretto255, no threshold.

Per item, for each PSI candidate c: the device draws a random scalar r and sends
B = r * H(c) (H = hash-to-group with this mode's own domain label); the provider, holding the
OPRF key k, answers E = k * B; the device unblinds U = r^-1 * E = k * H(c) and sends the tag
T = SHA-256(label || U) truncated to 16 bytes; the provider, which computed the tags of every
hash-set key at setup, learns for each item whether any tag is in its set. So the provider learns
every single match at once (no threshold), and because the tags are deterministic it can also
link every repeat of an item (match or not) and test any image it likes against the tags.

Group operations come from ``vouchsafe.sdk.crypto`` (libsodium ristretto255). The one scalar
inverse is
computed with Python's ``pow`` modulo the group order, which is not constant-time: acceptable in
a measurement harness, not in a product.
"""

from __future__ import annotations

import hashlib
import secrets
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
from vouchsafe.compare.modes.multi_party import decode_keys, encode_keys
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
from vouchsafe.sdk.crypto.group import GROUP_ORDER, UNIFORM_LENGTH, Element, Scalar
from vouchsafe.sdk.crypto.hash_to_group import hash_to_group

TAG_BYTES = 16
ELEMENT_BYTES = 32


def _random_scalar() -> Scalar:
    while True:
        scalar = Scalar.from_uniform(secrets.token_bytes(UNIFORM_LENGTH))
        if scalar.value:
            return scalar


def _inverse(scalar: Scalar) -> Scalar:
    return Scalar(pow(scalar.value, -1, GROUP_ORDER).to_bytes(32, "little"))


def _tag(element: Element) -> bytes:
    return hashlib.sha256(labels.COMPARE_PSI_PER_ITEM_TAG + element.encoding).digest()[:TAG_BYTES]


def _split(blob: bytes, width: int) -> list[bytes]:
    return [blob[i : i + width] for i in range(0, len(blob), width)]


class PsiPerItem(DetectionMode):
    """OPRF PSI per item: the provider learns every match, with no threshold."""

    name = "psi_per_item"
    uses_candidates = True
    title = "Per-item PSI (OPRF, no threshold)"
    summary = (
        "The device obtains an OPRF evaluation of each PSI candidate from the provider and sends "
        "back deterministic tags; the provider sees which items match the set, one by one."
    )

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """The provider receives the keys, draws k and tags every key."""
        keys = sorted({k for e in hash_set for k in e.keys})
        record = wire.send(
            HASH_SOURCE,
            PROVIDER,
            "hash_set_keys",
            [wire_field(FieldKind.HASH_LIST, encode_keys(keys))],
            phase=Phase.SETUP,
        )
        with wire.cpu(PROVIDER, Phase.SETUP):
            self._key = _random_scalar()
            self._tags = {
                _tag(hash_to_group(k, labels.COMPARE_PSI_PER_ITEM_HASH_TO_GROUP) * self._key)
                for k in decode_keys(record.fields[0].value)
            }
        self._book = MatchBook(config.threshold)

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """Blind, evaluate, unblind, tag, match."""
        deliver_encrypted(item, wire)
        with wire.cpu(DEVICE):
            candidates = sorted(set(item.candidates))
            blinds = [_random_scalar() for _ in candidates]
            blinded = [
                hash_to_group(c, labels.COMPARE_PSI_PER_ITEM_HASH_TO_GROUP) * r
                for c, r in zip(candidates, blinds, strict=True)
            ]
        ref = new_item_ref()
        query = wire.send(
            DEVICE,
            PROVIDER,
            "oprf_query",
            [wire_field(FieldKind.GROUP_ELEMENTS, b"".join(e.encoding for e in blinded))],
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(PROVIDER):
            received = [
                Element.from_bytes(b, field="blinded")
                for b in _split(query.fields[0].value, ELEMENT_BYTES)
            ]
            evaluated = b"".join((e * self._key).encoding for e in received)
        answer = wire.send(
            PROVIDER,
            DEVICE,
            "oprf_answer",
            [wire_field(FieldKind.GROUP_ELEMENTS, evaluated)],
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(DEVICE):
            tags = [
                _tag(Element.from_bytes(b, field="evaluated") * _inverse(r))
                for b, r in zip(_split(answer.fields[0].value, ELEMENT_BYTES), blinds, strict=True)
            ]
        report = wire.send(
            DEVICE,
            PROVIDER,
            "tags",
            [wire_field(FieldKind.DETERMINISTIC_TAG, t) for t in tags],
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(PROVIDER):
            matched = any(f.value in self._tags for f in report.fields)
        wire.derive(PROVIDER, FieldKind.MATCH_RESULT, match_byte(matched), item_id=item.item_id)
        if matched:
            self._book.record(item.account, item.item_id)

    def finish(self, wire: Transcript) -> Verdicts:
        """Every item whose tags hit the set."""
        return self._book.verdicts()
