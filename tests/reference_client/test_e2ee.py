"""The messenger's own end-to-end encryption: only the recipient opens, tampering is caught."""

from __future__ import annotations

import pytest

from vouchsafe.messenger.e2ee import (
    MIN_PADDED_BYTES,
    MediaItem,
    Plaintext,
    new_message_id,
    open_message,
    padded_length,
    seal_message,
)
from vouchsafe.messenger.errors import BadSignature, MalformedMessage, MessageUndecryptable
from vouchsafe.messenger.identity import Identity, generate_identity, safety_number
from vouchsafe.protocol import messenger_pb2


def _text(body: str = "meet at noon") -> Plaintext:
    return Plaintext(
        message_id=new_message_id(), sender_name="alice", sent_at=1_700_000_000, text=body
    )


def test_recipient_opens_text_and_sees_verified_sender() -> None:
    alice, bob = generate_identity(), generate_identity()
    sealed = seal_message(alice, bob.public, _text())
    received = open_message(bob, sealed.SerializeToString())
    assert received.plaintext.text == "meet at noon"
    assert received.plaintext.sender_name == "alice"
    assert received.sender == alice.public


def test_media_round_trips_byte_for_byte() -> None:
    alice, bob = generate_identity(), generate_identity()
    data = bytes(range(256)) * 40
    plain = Plaintext(new_message_id(), "alice", 1, media=MediaItem(data, "image/png", "cat.png"))
    received = open_message(bob, seal_message(alice, bob.public, plain).SerializeToString())
    assert received.plaintext.media == MediaItem(data, "image/png", "cat.png")


def test_blob_the_server_relays_contains_no_plaintext_or_private_metadata() -> None:
    alice, bob = generate_identity(), generate_identity()
    plain = Plaintext(
        new_message_id(),
        "alice-the-sender",
        1,
        media=MediaItem(b"PNGDATA-secret" * 10, "image/png", "holiday.png"),
    )
    blob = seal_message(alice, bob.public, plain).SerializeToString()
    for secret in (
        b"PNGDATA-secret",
        b"holiday.png",
        b"alice-the-sender",
        b"image/png",
        alice.public.signing_key,
    ):
        assert secret not in blob


def test_third_party_cannot_open_a_message() -> None:
    alice, bob, eve = generate_identity(), generate_identity(), generate_identity()
    blob = seal_message(alice, bob.public, _text()).SerializeToString()
    with pytest.raises(MessageUndecryptable):
        open_message(eve, blob)
    # Even if the header is re-addressed to Eve's key, the wrapped key is bound to Bob's.
    sealed = messenger_pb2.SealedMessage.FromString(blob)
    sealed.recipient_agreement_key = eve.public.agreement_key
    with pytest.raises(MessageUndecryptable):
        open_message(eve, sealed.SerializeToString())


@pytest.mark.parametrize("field", ["ciphertext", "wrapped_key", "nonce", "ephemeral_key"])
def test_any_flipped_bit_is_rejected(field: str) -> None:
    alice, bob = generate_identity(), generate_identity()
    sealed = seal_message(alice, bob.public, _text())
    value = bytearray(getattr(sealed, field))
    value[len(value) // 2] ^= 1
    setattr(sealed, field, bytes(value))
    with pytest.raises(MessageUndecryptable):
        open_message(bob, sealed.SerializeToString())


def test_impostor_is_seen_under_their_own_signing_key() -> None:
    # Mallory holds Alice's public keys only: she can encrypt to Bob but cannot sign as Alice.
    alice, bob, mallory = generate_identity(), generate_identity(), generate_identity()
    impostor = Identity(signing_seed=mallory.signing_seed, agreement_secret=alice.agreement_secret)
    received = open_message(bob, seal_message(impostor, bob.public, _text()).SerializeToString())
    assert received.sender.signing_key == mallory.public.signing_key != alice.public.signing_key


def test_recipient_cannot_forward_a_signed_message_as_if_sent_to_someone_else() -> None:
    from vouchsafe.messenger import e2ee

    alice, bob, carol = generate_identity(), generate_identity(), generate_identity()
    sealed = seal_message(alice, bob.public, _text())
    # Bob decrypts, keeps Alice's signed content and re-encrypts it, unchanged, to Carol.
    key = e2ee._unwrap_key(bob, sealed.ephemeral_key, sealed.wrapped_key)
    header = e2ee._header(
        bob.public.agreement_key, sealed.ephemeral_key, sealed.wrapped_key, sealed.nonce
    )
    padded = e2ee.ChaCha20Poly1305(key).decrypt(sealed.nonce, sealed.ciphertext, header)
    signed = messenger_pb2.SignedContent.FromString(e2ee._unpad(padded))
    carol_key = carol.public.agreement_key
    new_key = e2ee.secrets.token_bytes(32)
    forwarded = e2ee._encrypt_signed(
        signed, carol_key, new_key, *e2ee._wrap_key(new_key, carol_key)
    )
    with pytest.raises(BadSignature):
        open_message(carol, forwarded.SerializeToString())


def test_garbage_and_wrong_version_get_typed_errors() -> None:
    bob = generate_identity()
    with pytest.raises(MalformedMessage):
        open_message(bob, b"\xff\xff\xff")
    sealed = seal_message(generate_identity(), bob.public, _text())
    sealed.version = 99
    with pytest.raises(MalformedMessage) as raised:
        open_message(bob, sealed.SerializeToString())
    assert raised.value.field == "version"


def test_low_order_ephemeral_key_is_refused() -> None:
    bob = generate_identity()
    sealed = seal_message(generate_identity(), bob.public, _text())
    sealed.ephemeral_key = bytes(32)
    with pytest.raises(MessageUndecryptable):
        open_message(bob, sealed.SerializeToString())


def test_padding_hides_exact_length_within_a_bucket() -> None:
    alice, bob = generate_identity(), generate_identity()
    short = seal_message(alice, bob.public, _text("a")).ciphertext
    longer = seal_message(alice, bob.public, _text("a" * 60)).ciphertext
    assert len(short) == len(longer)
    assert padded_length(1) == MIN_PADDED_BYTES
    for n in (257, 1000, 4097, 100_000, 5_000_000):
        assert n <= padded_length(n) <= n * 1.12


def test_safety_number_is_symmetric_and_changes_with_keys() -> None:
    alice, bob, other = generate_identity(), generate_identity(), generate_identity()
    ab = safety_number("alice", alice.public, "bob", bob.public)
    ba = safety_number("bob", bob.public, "alice", alice.public)
    assert ab == ba
    assert len(ab.replace(" ", "")) == 60 and ab.replace(" ", "").isdigit()
    assert safety_number("alice", alice.public, "bob", other.public) != ab


def test_private_identity_never_prints_its_keys() -> None:
    alice = generate_identity()
    assert alice.signing_seed.hex() not in repr(alice)
    assert "redacted" in repr(alice)
