"""End-to-end encryption of one message to one recipient (the messenger's own, not tPSI-AD).

``seal_message`` turns a plaintext into a :class:`~vouchsafe.protocol.messenger_pb2.SealedMessage`
the server
relays as an opaque blob; ``open_message`` reverses it on the recipient's device. Per message:

1. a fresh 32-byte content key ``K`` is drawn;
2. ``K`` is wrapped to the recipient's X25519 key with HPKE (RFC 9180, base mode, single shot:
   DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305,
   ``info = LABEL("MessengerKeyWrap")``) from ``cryptography``: ``enc`` travels as
   ``ephemeral_key`` and the 48-byte ciphertext as ``wrapped_key``;
3. the sender signs ``framed(LABEL("MessengerSignature"), sender keys, recipient key, enc,
   content)`` with Ed25519, binding the signature to this recipient (a signed message cannot be
   re-sent to someone else);
4. the signed content (text or media, file name, media type, timestamp, sender name, message id —
   everything that must stay private) is padded to a size bucket (Padmé) and AEAD-encrypted under
   ``K`` with every header field as associated data.

Forward-secrecy limits, stated plainly: the recipient's X25519 identity key is long-term, so anyone
who later steals it (device seizure, malware) can open every message ever sent to that user that
they recorded; there is no post-compromise security either. The sender's ephemeral key is discarded,
so a stolen *sender* key opens nothing the sender sent. A vendor with Signal's Double Ratchet (X3DH
or PQXDH to start, then a symmetric and DH ratchet) replaces exactly steps 1-2: the ratchet yields
the per-message key instead of the ephemeral wrap. Steps 3-4, and the detection hook, which runs on
the plaintext *before* this module is called, stay where they are.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from google.protobuf.message import DecodeError

from vouchsafe.messenger.errors import BadSignature, MalformedMessage, MessageUndecryptable
from vouchsafe.messenger.identity import KEY_BYTES, Identity, PublicIdentity
from vouchsafe.protocol import messenger_pb2
from vouchsafe.sdk.crypto.labels import (
    MESSENGER_HEADER,
    MESSENGER_KEY_WRAP,
    MESSENGER_SIGNATURE,
    framed,
)

VERSION = 2
CIPHERSUITE = "vouchsafe-messenger-hpke-x25519-sha256-chacha20poly1305-ed25519-v2"
_KEY_WRAP = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
NONCE_BYTES = 12
MESSAGE_ID_BYTES = 16
SIGNATURE_BYTES = 64
WRAPPED_KEY_BYTES = KEY_BYTES + 16
# Upper bound on one message's plaintext; larger media must be rejected before sealing.
MAX_PLAINTEXT_BYTES = 16 * 1024 * 1024
MIN_PADDED_BYTES = 256
_LENGTH_PREFIX = 4


@dataclass(frozen=True)
class MediaItem:
    """A media item as the sender chose it."""

    data: bytes
    media_type: str
    file_name: str


@dataclass(frozen=True)
class Plaintext:
    """One message's private content; exactly one of ``text`` and ``media`` is set."""

    message_id: bytes
    sender_name: str
    sent_at: int
    text: str | None = None
    media: MediaItem | None = None

    def __post_init__(self) -> None:
        if (self.text is None) == (self.media is None):
            raise MalformedMessage("a message carries either text or media", field="body")
        if len(self.message_id) != MESSAGE_ID_BYTES:
            raise MalformedMessage("message id must be 16 bytes", field="message_id")


@dataclass(frozen=True)
class ReceivedMessage:
    """An opened message and the verified identity keys of its sender."""

    plaintext: Plaintext
    sender: PublicIdentity


def new_message_id() -> bytes:
    """A random 16-byte message id."""
    return secrets.token_bytes(MESSAGE_ID_BYTES)


def padded_length(length: int) -> int:
    """Padmé bucket size for ``length`` bytes (Nikitin et al., PETS 2019): <= 12% overhead,
    leaking O(log log n) bits of the size; at least :data:`MIN_PADDED_BYTES`."""
    if length <= MIN_PADDED_BYTES:
        return MIN_PADDED_BYTES
    exponent = length.bit_length() - 1
    low_bits = exponent - exponent.bit_length()
    mask = (1 << low_bits) - 1
    return (length + mask) & ~mask


def _pad(data: bytes) -> bytes:
    body = len(data).to_bytes(_LENGTH_PREFIX, "big") + data
    return body + bytes(padded_length(len(body)) - len(body))


def _unpad(padded: bytes) -> bytes:
    if len(padded) < _LENGTH_PREFIX:
        raise MalformedMessage("padded content too short", field="ciphertext")
    length = int.from_bytes(padded[:_LENGTH_PREFIX], "big")
    if length > len(padded) - _LENGTH_PREFIX:
        raise MalformedMessage("padded content length out of range", field="ciphertext")
    return padded[_LENGTH_PREFIX : _LENGTH_PREFIX + length]


def _wrap_key(message_key: bytes, recipient_key: bytes) -> tuple[bytes, bytes]:
    """HPKE-seals ``message_key`` to ``recipient_key``: (enc, wrapped key)."""
    try:
        public = X25519PublicKey.from_public_bytes(recipient_key)
        sealed = _KEY_WRAP.encrypt(message_key, public, info=MESSENGER_KEY_WRAP)
    except ValueError as exc:  # a low-order recipient key gives an all-zero shared secret
        raise MalformedMessage("invalid recipient agreement key", field="agreement_key") from exc
    return sealed[:KEY_BYTES], sealed[KEY_BYTES:]


def _unwrap_key(recipient: Identity, ephemeral_key: bytes, wrapped_key: bytes) -> bytes:
    try:
        return _KEY_WRAP.decrypt(
            ephemeral_key + wrapped_key, recipient.agreement_key, info=MESSENGER_KEY_WRAP
        )
    except (InvalidTag, ValueError) as exc:  # ValueError: a low-order ``enc``
        raise MessageUndecryptable("message cannot be opened") from exc


def _header(recipient_key: bytes, ephemeral_key: bytes, wrapped_key: bytes, nonce: bytes) -> bytes:
    return framed(
        MESSENGER_HEADER,
        VERSION.to_bytes(4, "big"),
        CIPHERSUITE.encode("ascii"),
        recipient_key,
        ephemeral_key,
        wrapped_key,
        nonce,
    )


def _signing_transcript(
    sender: PublicIdentity, recipient_key: bytes, ephemeral_key: bytes, content: bytes
) -> bytes:
    return framed(
        MESSENGER_SIGNATURE,
        sender.signing_key,
        sender.agreement_key,
        recipient_key,
        ephemeral_key,
        content,
    )


def _content_proto(plaintext: Plaintext) -> messenger_pb2.MessageContent:
    content = messenger_pb2.MessageContent(
        message_id=plaintext.message_id,
        sender_name=plaintext.sender_name,
        sent_at=plaintext.sent_at,
    )
    if plaintext.text is not None:
        content.text = plaintext.text
    elif plaintext.media is not None:
        content.media.data = plaintext.media.data
        content.media.media_type = plaintext.media.media_type
        content.media.file_name = plaintext.media.file_name
    return content


def seal_message(
    sender: Identity, recipient: PublicIdentity, plaintext: Plaintext
) -> messenger_pb2.SealedMessage:
    """Encrypts and signs ``plaintext`` for ``recipient``; only that recipient can open it.

    Raises :class:`MalformedMessage` if the content exceeds :data:`MAX_PLAINTEXT_BYTES`.
    """
    content = _content_proto(plaintext).SerializeToString()
    if len(content) > MAX_PLAINTEXT_BYTES:
        raise MalformedMessage("message too large to send", field="content")
    recipient_key = recipient.agreement_key
    message_key = secrets.token_bytes(KEY_BYTES)
    ephemeral_key, wrapped_key = _wrap_key(message_key, recipient_key)
    signature = sender.signing_key.sign(
        _signing_transcript(sender.public, recipient_key, ephemeral_key, content)
    )
    signed = messenger_pb2.SignedContent(
        content=content, sender=sender.public.to_proto(), signature=signature
    )
    return _encrypt_signed(signed, recipient_key, message_key, ephemeral_key, wrapped_key)


def _encrypt_signed(
    signed: messenger_pb2.SignedContent,
    recipient_key: bytes,
    message_key: bytes,
    ephemeral_key: bytes,
    wrapped_key: bytes,
) -> messenger_pb2.SealedMessage:
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = _header(recipient_key, ephemeral_key, wrapped_key, nonce)
    ciphertext = ChaCha20Poly1305(message_key).encrypt(
        nonce, _pad(signed.SerializeToString()), header
    )
    return messenger_pb2.SealedMessage(
        version=VERSION,
        ciphersuite=CIPHERSUITE,
        recipient_agreement_key=recipient_key,
        ephemeral_key=ephemeral_key,
        wrapped_key=wrapped_key,
        nonce=nonce,
        ciphertext=ciphertext,
    )


def parse_sealed_message(blob: bytes) -> messenger_pb2.SealedMessage:
    """Parses a relayed blob, rejecting unknown versions/suites and wrong field lengths."""
    sealed = messenger_pb2.SealedMessage()
    try:
        sealed.ParseFromString(blob)
    except DecodeError as exc:
        raise MalformedMessage("sealed message does not parse", field="sealed_message") from exc
    if sealed.version != VERSION:
        raise MalformedMessage(f"unsupported version {sealed.version}", field="version")
    if sealed.ciphersuite != CIPHERSUITE:
        raise MalformedMessage("unsupported ciphersuite", field="ciphersuite")
    for name, size in (
        ("recipient_agreement_key", KEY_BYTES),
        ("ephemeral_key", KEY_BYTES),
        ("wrapped_key", WRAPPED_KEY_BYTES),
        ("nonce", NONCE_BYTES),
    ):
        if len(getattr(sealed, name)) != size:
            raise MalformedMessage(f"{name} must be {size} bytes", field=name)
    return sealed


def _plaintext_from(content: messenger_pb2.MessageContent) -> Plaintext:
    body = content.WhichOneof("body")
    if body == "text":
        return Plaintext(
            bytes(content.message_id), content.sender_name, content.sent_at, text=content.text
        )
    if body == "media":
        media = MediaItem(
            bytes(content.media.data), content.media.media_type, content.media.file_name
        )
        return Plaintext(
            bytes(content.message_id), content.sender_name, content.sent_at, media=media
        )
    raise MalformedMessage("message has no body", field="body")


def open_message(recipient: Identity, blob: bytes) -> ReceivedMessage:
    """Decrypts and verifies a sealed message addressed to ``recipient``.

    Raises :class:`MalformedMessage` (does not parse), :class:`MessageUndecryptable` (not for
    this key, or tampered) or :class:`BadSignature` (sender signature invalid).
    """
    sealed = parse_sealed_message(blob)
    own_key = recipient.public.agreement_key
    if not secrets.compare_digest(bytes(sealed.recipient_agreement_key), own_key):
        raise MessageUndecryptable("message is not addressed to this identity")
    ephemeral_key = bytes(sealed.ephemeral_key)
    message_key = _unwrap_key(recipient, ephemeral_key, bytes(sealed.wrapped_key))
    header = _header(own_key, ephemeral_key, bytes(sealed.wrapped_key), bytes(sealed.nonce))
    try:
        padded = ChaCha20Poly1305(message_key).decrypt(
            bytes(sealed.nonce), bytes(sealed.ciphertext), header
        )
    except InvalidTag as exc:
        raise MessageUndecryptable("message cannot be opened") from exc
    signed = messenger_pb2.SignedContent()
    content = messenger_pb2.MessageContent()
    try:
        signed.ParseFromString(_unpad(padded))
        sender = PublicIdentity.from_proto(signed.sender)
        content.ParseFromString(signed.content)
    except DecodeError as exc:
        raise MalformedMessage("message content does not parse", field="content") from exc
    if len(signed.signature) != SIGNATURE_BYTES:
        raise BadSignature("sender signature has the wrong length", field="signature")
    transcript = _signing_transcript(sender, own_key, ephemeral_key, bytes(signed.content))
    try:
        Ed25519PublicKey.from_public_bytes(sender.signing_key).verify(
            bytes(signed.signature), transcript
        )
    except (InvalidSignature, ValueError) as exc:
        raise BadSignature("sender signature does not verify") from exc
    return ReceivedMessage(plaintext=_plaintext_from(content), sender=sender)
