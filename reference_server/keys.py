"""The provider's Ed25519 signing key: signs voucher receipts, reports and audit checkpoints.

Every signature is over ``framed(label, data)`` with a distinct label per purpose
(``sdk/crypto/labels.py``), so a signature made for one purpose never verifies for another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vouchsafe.sdk.api.provider_signatures import verify_provider_signature
from vouchsafe.sdk.api.signing import key_id_for
from vouchsafe.sdk.crypto import ed25519
from vouchsafe.sdk.errors import ProviderSignatureError, VouchsafeError
from vouchsafe.server.storage.engine import sqlite_file

__all__ = [
    "ProviderKey",
    "ProviderSignatureError",
    "generate_provider_key",
    "load_or_create_provider_key",
    "provider_key_beside",
    "verify_provider_signature",
]
SEED_SIZE = 32


@dataclass(frozen=True)
class ProviderKey:
    """The provider's signing key; prints as ``<redacted>``."""

    private_key: Ed25519PrivateKey = field(repr=False)

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    @property
    def key_id(self) -> str:
        return key_id_for(self.public_key)

    def sign(self, label: bytes, data: bytes) -> bytes:
        """Ed25519 signature over ``framed(label, data)``."""
        return ed25519.sign(self.private_key, label, data)

    def __repr__(self) -> str:
        return f"ProviderKey(key_id={self.key_id}, private_key=<redacted>)"


def generate_provider_key() -> ProviderKey:
    """A fresh key from the OS generator."""
    return ProviderKey(Ed25519PrivateKey.generate())


def load_or_create_provider_key(path: Path) -> ProviderKey:
    """Reads the 32-byte seed at ``path`` or, if absent, creates it (mode 0600)."""
    if path.exists():
        seed = path.read_bytes()
        if len(seed) != SEED_SIZE:
            raise VouchsafeError(f"provider key file {path} is not a {SEED_SIZE}-byte seed")
        return ProviderKey(Ed25519PrivateKey.from_private_bytes(seed))
    key = generate_provider_key()
    seed = key.private_key.private_bytes_raw()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(seed)
    return key


def provider_key_beside(db_url: str) -> Path | None:
    """The seed file the server keeps beside a SQLite database file (``DB.provider-key``),
    used when no provider key is given; None for any other database."""
    path = sqlite_file(db_url)
    return None if path is None else Path(f"{path}.provider-key")
