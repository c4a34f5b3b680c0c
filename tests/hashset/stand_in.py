"""Test doubles for the two dependencies owned elsewhere (protocol core and hashing).

``StandInBlinder`` does NOT blind anything: it fills one random ristretto255 element per PSI key
so that the release format, build, bundle, audit and diff can be tested on their own. The real
blinding is the protocol core's ``blind_hash_set``; tests that need it use that.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from reference_server.hashset.blinding import BlindedTable
from sdk.crypto import elements

CIPHERSUITE = "vouchsafe-tpsi-ristretto255-sha512-v1"


class StandInBlinder:
    """Random elements, one per key, keyed by a random 'server key' (test double only)."""

    @property
    def ciphersuite(self) -> str:
        return CIPHERSUITE

    def generate_server_key(self) -> bytes:
        return b"stand-in-server-key:" + secrets.token_bytes(32)

    def blind(self, server_key: bytes, psi_keys: Sequence[bytes]) -> BlindedTable:
        table = b"".join(elements.random_element() for _ in psi_keys)
        table += b"".join(elements.random_element() for _ in range(len(psi_keys) // 4 + 1))
        return BlindedTable(server_params=b"stand-in-params", table=table)


def stand_in_keys(signal_type: str, perceptual_hash: bytes) -> list[bytes]:
    """One PSI key per entry (the real derivation is sdk.media.candidates.hash_set_keys)."""
    return [hashlib.sha256(b"stand-in/" + signal_type.encode() + perceptual_hash).digest()]
