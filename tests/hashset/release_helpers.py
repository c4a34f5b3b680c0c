"""Test helpers that make signed releases from arbitrary tables.

The tables here are random ristretto255 elements standing in for a blinded hash set; their
protocol parameters are real ``ServerParams`` (from a small ``blind_hash_set``) re-pointed at
the table (size and digest), because a device checks that the parameters commit to the table.
"""

from __future__ import annotations

import dataclasses
import secrets

from vouchsafe.sdk import tpsi
from vouchsafe.sdk.crypto import ed25519, group
from vouchsafe.sdk.tpsi.params import table_digest
from vouchsafe.sdk.tpsi.wire import decode_server_key, encode_server_params
from vouchsafe.server.hashset.release_file import ReleaseDraft, SignedRelease, sign_release

CIPHERSUITE = tpsi.CIPHERSUITE
NOW = 1_800_000_000
DAY = 86_400
RELEASE_KEY = ed25519.generate_private_key()
RELEASE_PUB = ed25519.public_key(RELEASE_KEY)
_BASE_PARAMS = tpsi.blind_hash_set(
    tpsi.generate_server_keys(), [b"benign-helper-key-%d" % i for i in range(4)]
).params


def random_element() -> bytes:
    """A uniformly random non-identity element."""
    return group.from_uniform_bytes(secrets.token_bytes(group.UNIFORM_LENGTH))


def random_table(slots: int) -> bytes:
    return b"".join(random_element() for _ in range(slots))


def params_for(table: bytes, server_key: bytes | None = None) -> bytes:
    """Encoded ServerParams whose table size and digest are this table's (and whose L is
    ``server_key``'s, if given)."""
    params = dataclasses.replace(
        _BASE_PARAMS, table_size=len(table) // 32, table_digest=table_digest(table)
    )
    if server_key is not None:
        key = decode_server_key(server_key)
        params = dataclasses.replace(params, blinding_public=key.blinding_public)
    return encode_server_params(params)


def make_release(
    table: bytes,
    *,
    version: int = 1,
    previous: bytes = b"",
    key: bytes = RELEASE_KEY,
    expires_at: int = NOW + 30 * DAY,
    ciphersuite: str = CIPHERSUITE,
    server_params: bytes | None = None,
) -> SignedRelease:
    draft = ReleaseDraft(
        ciphersuite=ciphersuite,
        version=version,
        previous_release_digest=previous,
        created_at=NOW - DAY,
        expires_at=expires_at,
        server_params=params_for(table) if server_params is None else server_params,
        entry_count=len(table) // 32,
        signal_types=("pdq",),
    )
    return sign_release(draft, table, key)
