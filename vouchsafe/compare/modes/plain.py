"""The control arms and the plaintext-hash modes: ``none``, ``server_plaintext``,
``local_match`` and ``hash_upload``.

In every mode the provider (or whoever matches) compares perceptual hashes at PDQ Hamming
distance <= ``match_distance`` (31 of 256, PDQ's published match distance) against the hash list
it received at setup; nothing here is typed in: each party works from the bytes it received.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vouchsafe.compare.matching import HashTable
from vouchsafe.compare.modes.base import (
    DetectionMode,
    DeviceItem,
    KnownEntry,
    MatchBook,
    ModeConfig,
    Verdicts,
    pack_hashes,
)
from vouchsafe.compare.modes.common import (
    deliver_encrypted,
    deliver_plaintext,
    match_byte,
    new_item_ref,
)
from vouchsafe.compare.transcript import (
    DEVICE,
    HASH_SOURCE,
    PROVIDER,
    FieldKind,
    Phase,
    Transcript,
    wire_field,
)

HASH_BYTES = 32
HashMedia = Callable[[bytes], tuple[bytes, int]]


def split_hash_list(blob: bytes, width: int = HASH_BYTES) -> list[bytes]:
    """Splits a received plaintext hash list back into hashes."""
    return [blob[i : i + width] for i in range(0, len(blob), width)]


def send_hash_list(
    wire: Transcript, sender: str, receiver: str, hash_set: Sequence[KnownEntry]
) -> list[bytes]:
    """Sends the plaintext hash list at setup; returns the hashes as the receiver parsed them."""
    record = wire.send(
        sender,
        receiver,
        "hash_list",
        [wire_field(FieldKind.HASH_LIST, pack_hashes([e.perceptual_hash for e in hash_set]))],
        phase=Phase.SETUP,
    )
    return split_hash_list(record.fields[0].value)


class NoDetection(DetectionMode):
    """Control arm: end-to-end encryption and no detection at all."""

    name = "none"
    title = "No detection (E2EE)"
    summary = "Media travels end-to-end encrypted; nobody matches anything."

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """Nothing to set up."""

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """The item is relayed as E2EE ciphertext."""
        deliver_encrypted(item, wire)

    def finish(self, wire: Transcript) -> Verdicts:
        """The provider can act on nothing."""
        return Verdicts(frozenset(), frozenset())


class ServerPlaintext(DetectionMode):
    """Control arm: no E2EE; the provider receives the media and hashes it itself."""

    name = "server_plaintext"
    title = "Server-side scanning (no E2EE)"
    summary = "The provider receives media in the clear, hashes it with PDQ and matches at <= 31."

    def __init__(self, hash_media: HashMedia) -> None:
        self._hash_media = hash_media

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """The hash source gives the provider its plaintext hash list."""
        hashes = send_hash_list(wire, HASH_SOURCE, PROVIDER, hash_set)
        with wire.cpu(PROVIDER, Phase.SETUP):
            self._table = HashTable(hashes)
        self._config = config
        self._book = MatchBook(config.threshold)

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """The provider decodes and hashes the media it received, then matches."""
        media = deliver_plaintext(item, wire)
        with wire.cpu(PROVIDER):
            perceptual_hash, _quality = self._hash_media(media)
            hit = self._table.nearest_within(perceptual_hash, self._config.match_distance)
        wire.derive(PROVIDER, FieldKind.PERCEPTUAL_HASH, perceptual_hash, item_id=item.item_id)
        wire.derive(
            PROVIDER, FieldKind.MATCH_RESULT, match_byte(hit is not None), item_id=item.item_id
        )
        if hit is not None:
            self._book.record(item.account, item.item_id)

    def finish(self, wire: Transcript) -> Verdicts:
        """Every match the provider found."""
        return self._book.verdicts()


class LocalMatch(DetectionMode):
    """The plaintext hash list is shipped to the device, which matches and reports matches."""

    name = "local_match"
    title = "On-device matching against a shipped list"
    summary = (
        "The provider ships the plaintext hash list to every device; the device matches each "
        "item at <= 31 and reports matches (with the item's hash) to the provider."
    )

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """Hash source -> provider -> every device: the plaintext list."""
        hashes = send_hash_list(wire, HASH_SOURCE, PROVIDER, hash_set)
        on_device = send_hash_list(wire, PROVIDER, DEVICE, [KnownEntry(h, ()) for h in hashes])
        with wire.cpu(DEVICE, Phase.SETUP):
            self._table = HashTable(on_device)
        self._config = config
        self._book = MatchBook(config.threshold)

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """The device matches locally; only a match produces a report."""
        deliver_encrypted(item, wire)
        with wire.cpu(DEVICE):
            hit = self._table.nearest_within(item.perceptual_hash, self._config.match_distance)
        wire.derive(
            DEVICE, FieldKind.MATCH_RESULT, match_byte(hit is not None), item_id=item.item_id
        )
        if hit is None:
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
            item_ref=new_item_ref(),
        )
        with wire.cpu(PROVIDER):
            if report.fields[0].value == match_byte(True):
                self._book.record(item.account, item.item_id)

    def finish(self, wire: Transcript) -> Verdicts:
        """The matches devices reported."""
        return self._book.verdicts()


class HashUpload(DetectionMode):
    """The device uploads each item's PDQ hash; the provider matches (the HMA way)."""

    name = "hash_upload"
    title = "Hash upload, server-side matching"
    summary = "The device sends each item's full PDQ hash; the provider matches it at <= 31."

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """The hash source gives the provider its plaintext hash list."""
        hashes = send_hash_list(wire, HASH_SOURCE, PROVIDER, hash_set)
        with wire.cpu(PROVIDER, Phase.SETUP):
            self._table = HashTable(hashes)
        self._config = config
        self._book = MatchBook(config.threshold)

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """Device -> provider: the hash; the provider matches."""
        deliver_encrypted(item, wire)
        record = wire.send(
            DEVICE,
            PROVIDER,
            "hash_query",
            [wire_field(FieldKind.PERCEPTUAL_HASH, item.perceptual_hash)],
            item_id=item.item_id,
            item_ref=new_item_ref(),
        )
        with wire.cpu(PROVIDER):
            hit = self._table.nearest_within(record.fields[0].value, self._config.match_distance)
        wire.derive(
            PROVIDER, FieldKind.MATCH_RESULT, match_byte(hit is not None), item_id=item.item_id
        )
        if hit is not None:
            self._book.record(item.account, item.item_id)

    def finish(self, wire: Transcript) -> Verdicts:
        """Every match the provider found."""
        return self._book.verdicts()
