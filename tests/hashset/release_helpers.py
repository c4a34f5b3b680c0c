"""Test helpers that make signed releases from arbitrary tables.

The tables here are random ristretto255 elements standing in for a blinded hash set: release
signing and verification do not depend on what the elements encode.
"""

from __future__ import annotations

from reference_server.hashset.release_file import ReleaseDraft, SignedRelease, sign_release
from sdk.crypto import ed25519, elements

CIPHERSUITE = "vouchsafe-tpsi-ristretto255-sha512-v1"
NOW = 1_800_000_000
DAY = 86_400
RELEASE_KEY = ed25519.generate_private_key()
RELEASE_PUB = ed25519.public_key(RELEASE_KEY)


def random_table(slots: int) -> bytes:
    return b"".join(elements.random_element() for _ in range(slots))


def make_release(
    table: bytes,
    *,
    version: int = 1,
    previous: bytes = b"",
    key: bytes = RELEASE_KEY,
    expires_at: int = NOW + 30 * DAY,
    ciphersuite: str = CIPHERSUITE,
) -> SignedRelease:
    draft = ReleaseDraft(
        ciphersuite=ciphersuite,
        version=version,
        previous_release_digest=previous,
        created_at=NOW - DAY,
        expires_at=expires_at,
        server_params=b"params",
        entry_count=len(table) // 32,
        signal_types=("pdq",),
    )
    return sign_release(draft, table, key)
