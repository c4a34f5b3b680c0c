"""Pieces several modes share: E2EE delivery of the media item and opaque item references."""

from __future__ import annotations

import secrets

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from vouchsafe.compare.modes.base import DeviceItem
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
