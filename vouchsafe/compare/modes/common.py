"""Pieces several modes share: E2EE delivery of the media item and opaque item references."""

from __future__ import annotations

import secrets

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from vouchsafe.compare.modes.base import DeviceItem, MatchBook
from vouchsafe.compare.transcript import DEVICE, PROVIDER, FieldKind, Transcript, wire_field

DELIVER_STEP = "deliver"


def new_item_ref() -> bytes:
    """A fresh random reference for one item (links request and answer, nothing else)."""
    return secrets.token_bytes(16)


def deliver_encrypted(item: DeviceItem, wire: Transcript) -> None:
    """The device relays the item end-to-end encrypted via the provider (only the recipient holds
    the key). Counted as delivery, not as detection traffic."""
    with wire.cpu(DEVICE):
        key = ChaCha20Poly1305.generate_key()
        nonce = secrets.token_bytes(12)
        ciphertext = nonce + ChaCha20Poly1305(key).encrypt(nonce, item.media, None)
    wire.send(
        DEVICE,
        PROVIDER,
        DELIVER_STEP,
        [wire_field(FieldKind.MEDIA_CIPHERTEXT, ciphertext)],
        item_id=item.item_id,
    )


def deliver_plaintext(item: DeviceItem, wire: Transcript) -> bytes:
    """The device sends the item to the provider in the clear (TLS to the provider only); returns
    the bytes the provider received."""
    record = wire.send(
        DEVICE,
        PROVIDER,
        DELIVER_STEP,
        [wire_field(FieldKind.MEDIA_PLAINTEXT, item.media)],
        item_id=item.item_id,
    )
    return record.fields[0].value


def match_byte(matched: bool) -> bytes:
    """A one-byte match result."""
    return b"\x01" if matched else b"\x00"


def send_match_bit(
    wire: Transcript,
    sender: str,
    item: DeviceItem,
    ref: bytes,
    matched: bool,
    book: MatchBook,
) -> None:
    """``sender`` sends the provider a one-byte match result for ``item``; the provider records
    a match from the bytes it received (never from ``matched`` directly)."""
    answer = wire.send(
        sender,
        PROVIDER,
        "match_bit",
        [wire_field(FieldKind.MATCH_RESULT, match_byte(matched))],
        item_id=item.item_id,
        item_ref=ref,
    )
    with wire.cpu(PROVIDER):
        if answer.fields[0].value == match_byte(True):
            book.record(item.account, item.item_id)
