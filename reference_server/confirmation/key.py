"""The confirmation key: the provider's secret that keys the confirmation hash.

It is 32 bytes from :mod:`secrets`, kept in the release's private server bundle
(``server/confirmation_key``, mode 0600) and given to the organisations that contribute source
lists, which hash their items under it; never to devices, never in a public release. Its public
**key id** (``PRF(key, LABEL("ConfirmationKeyId"))``, first 16 bytes) names it in source-list
headers, so a list hashed under another key is recognised and its confirmation hashes ignored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from vouchsafe.sdk.crypto import kdf, labels

CONFIRMATION_KEY_SIZE = 32
KEY_ID_SIZE = 16


class ConfirmationKeyInvalid(ValueError):
    """A confirmation key file or value is not a 32-byte key."""


@dataclass(frozen=True)
class ConfirmationKey:
    """A confirmation key (prints as ``<redacted>``)."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) != CONFIRMATION_KEY_SIZE:
            raise ConfirmationKeyInvalid(f"a confirmation key has {CONFIRMATION_KEY_SIZE} bytes")

    def __repr__(self) -> str:
        return "ConfirmationKey(<redacted>)"

    @property
    def key_id(self) -> str:
        """The public name of this key (32 hex digits); reveals nothing about the key."""
        return kdf.prf(self.secret, labels.CONFIRMATION_KEY_ID, b"")[:KEY_ID_SIZE].hex()


def generate_confirmation_key() -> ConfirmationKey:
    """A fresh key from the operating system's generator."""
    return ConfirmationKey(secrets.token_bytes(CONFIRMATION_KEY_SIZE))


def write_confirmation_key(path: Path, key: ConfirmationKey) -> None:
    """Writes the key as hex to a file created readable by its owner only."""
    from vouchsafe.server.hashset.bundle import write_private

    write_private(path, key.secret.hex().encode("ascii") + b"\n")


def read_confirmation_key(path: Path) -> ConfirmationKey:
    """Reads a key file written by :func:`write_confirmation_key`; raises ConfirmationKeyInvalid."""
    try:
        value = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        raise ConfirmationKeyInvalid(f"{path} is not a readable hex confirmation key") from None
    return ConfirmationKey(value)
