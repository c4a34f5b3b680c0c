"""Staff sign-in to the provider's web console: a server challenge signed with the staff key.

The console never takes a password. Its sign-in page shows a challenge (random, short-lived,
authenticated by the server); the staff member signs it with the Ed25519 key the operator's
staff file lists (``vouchsafe staff login``) and pastes the resulting **sign-in code**:

    code = base64url( challenge_len (1 byte) || challenge || public_key (32) || signature (64) )

The signature is over ``framed(LABEL("ConsoleSignIn"), challenge)``, a label no other signature
of the project uses, so a sign-in code can never be replayed as an API request and
an API request signature never signs anyone in.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vouchsafe.sdk.crypto import ed25519, labels
from vouchsafe.sdk.crypto.ed25519 import PUBLIC_KEY_SIZE, SIGNATURE_SIZE
from vouchsafe.sdk.errors import ErrorCode, VouchsafeError

MAX_CHALLENGE_BYTES = 128


class InvalidSignInCode(VouchsafeError):
    """The sign-in code is malformed or its signature does not verify (no detail given)."""

    code = ErrorCode.INVALID_SIGNATURE


@dataclass(frozen=True)
class SignInCode:
    """A decoded, signature-checked sign-in code: which key signed which challenge."""

    challenge: bytes
    public_key: bytes


def _b64decode(text: str) -> bytes:
    text = text.strip()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidSignInCode("the sign-in code is not base64url text") from None


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_in_code(challenge: str, key: Ed25519PrivateKey) -> str:
    """The sign-in code answering the console's ``challenge`` (base64url text) with ``key``."""
    raw = _b64decode(challenge)
    if not 0 < len(raw) <= MAX_CHALLENGE_BYTES:
        raise InvalidSignInCode("the challenge has the wrong length")
    public_key = key.public_key().public_bytes_raw()
    signature = ed25519.sign(key, labels.CONSOLE_SIGN_IN, raw)
    return _b64encode(bytes([len(raw)]) + raw + public_key + signature)


def verify_sign_in_code(code: str) -> SignInCode:
    """Decodes ``code`` and verifies its signature; raises :class:`InvalidSignInCode`.

    This proves only that the holder of ``public_key`` signed ``challenge``: the console still
    checks that the challenge is its own and fresh, and that the key belongs to staff.
    """
    raw = _b64decode(code)
    if not raw or len(raw) != 1 + raw[0] + PUBLIC_KEY_SIZE + SIGNATURE_SIZE or raw[0] == 0:
        raise InvalidSignInCode("the sign-in code has the wrong length")
    n = raw[0]
    challenge, public_key, signature = raw[1 : 1 + n], raw[1 + n : 33 + n], raw[33 + n :]
    if not ed25519.verify(public_key, signature, labels.CONSOLE_SIGN_IN, challenge):
        raise InvalidSignInCode("the sign-in code does not verify")
    return SignInCode(challenge, public_key)


def encode_challenge(raw: bytes) -> str:
    """The text form of a challenge, as the sign-in page shows it."""
    return _b64encode(raw)
