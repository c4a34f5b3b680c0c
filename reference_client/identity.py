"""Identity keys of a messenger user and the safety number two users compare.

A user holds an Ed25519 key pair (signs messages and API requests) and an X25519 key pair
(message keys are wrapped to it with HPKE), both from ``cryptography`` (OpenSSL). The public
halves are published to the server and pinned by contacts on first use; the safety number lets
two people check, out of band, that the keys they pinned are each other's, so that a server
substituting keys is caught.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from vouchsafe.messenger.errors import MalformedMessage
from vouchsafe.protocol import messenger_pb2
from vouchsafe.sdk.crypto.labels import SAFETY_NUMBER, framed

KEY_BYTES = 32
# Iterations of the fingerprint hash; Signal's safety numbers use 5200 to make grinding a
# key whose fingerprint collides with a victim's costlier (libsignal, NumericFingerprintGenerator).
SAFETY_NUMBER_ITERATIONS = 5200
SAFETY_NUMBER_DIGITS_PER_PARTY = 30


@dataclass(frozen=True)
class PublicIdentity:
    """A user's public identity keys; lengths are checked on construction."""

    signing_key: bytes
    agreement_key: bytes

    def __post_init__(self) -> None:
        if len(self.signing_key) != KEY_BYTES:
            raise MalformedMessage("signing key must be 32 bytes", field="signing_key")
        if len(self.agreement_key) != KEY_BYTES:
            raise MalformedMessage("agreement key must be 32 bytes", field="agreement_key")

    def to_proto(self) -> messenger_pb2.IdentityKeys:
        """The protobuf form published to the server."""
        return messenger_pb2.IdentityKeys(
            signing_key=self.signing_key, agreement_key=self.agreement_key
        )

    @classmethod
    def from_proto(cls, message: messenger_pb2.IdentityKeys) -> PublicIdentity:
        """Parses and length-checks the protobuf form."""
        return cls(
            signing_key=bytes(message.signing_key), agreement_key=bytes(message.agreement_key)
        )


@dataclass(frozen=True, repr=False)
class Identity:
    """A user's private identity keys. Never printed: ``repr`` shows ``<redacted>``."""

    signing_seed: bytes
    agreement_secret: bytes

    def __post_init__(self) -> None:
        if len(self.signing_seed) != KEY_BYTES or len(self.agreement_secret) != KEY_BYTES:
            raise MalformedMessage("identity secrets must be 32 bytes each", field="identity")

    def __repr__(self) -> str:
        return "Identity(<redacted>)"

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        """The Ed25519 signing key."""
        return Ed25519PrivateKey.from_private_bytes(self.signing_seed)

    @property
    def agreement_key(self) -> X25519PrivateKey:
        """The X25519 private key."""
        return X25519PrivateKey.from_private_bytes(self.agreement_secret)

    @property
    def public(self) -> PublicIdentity:
        """The public halves."""
        return PublicIdentity(
            signing_key=self.signing_key.public_key().public_bytes_raw(),
            agreement_key=self.agreement_key.public_key().public_bytes_raw(),
        )


def generate_identity() -> Identity:
    """Fresh identity keys from the OS randomness (through OpenSSL)."""
    return Identity(
        signing_seed=Ed25519PrivateKey.generate().private_bytes_raw(),
        agreement_secret=X25519PrivateKey.generate().private_bytes_raw(),
    )


def _party_digits(name: str, identity: PublicIdentity) -> str:
    material = (name.encode("utf-8"), identity.signing_key, identity.agreement_key)
    digest = hashlib.sha512(framed(SAFETY_NUMBER, *material)).digest()
    for _ in range(SAFETY_NUMBER_ITERATIONS - 1):
        digest = hashlib.sha512(framed(SAFETY_NUMBER, digest, *material)).digest()
    chunks = [digest[i : i + 5] for i in range(0, SAFETY_NUMBER_DIGITS_PER_PARTY // 5 * 5, 5)]
    return "".join(f"{int.from_bytes(c, 'big') % 100_000:05d}" for c in chunks)


def safety_number(
    my_name: str, mine: PublicIdentity, their_name: str, theirs: PublicIdentity
) -> str:
    """The 60-digit number both users see for their pair, in 12 groups of 5.

    It is the same on both sides (the two halves are ordered), and changes when either user's
    identity keys change. Comparing it in person or over another channel detects key substitution.
    """
    halves = sorted([_party_digits(my_name, mine), _party_digits(their_name, theirs)])
    digits = "".join(halves)
    return " ".join(digits[i : i + 5] for i in range(0, len(digits), 5))
