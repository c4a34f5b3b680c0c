"""Test doubles for the two dependencies owned elsewhere (protocol core and hashing).

``StandInBlinder`` is NOT the protocol's blinding: it maps each PSI key to a pseudo-random
ristretto255 element derived from a random "server key" with SHA-512, and adds filler slots, so
that the release format, build, bundle, audit and diff can be tested on their own. The real
blinding is the protocol core's ``blind_hash_set``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pysodium

from tests.hashset.release_helpers import params_for, random_element
from vouchsafe.sdk.tpsi import CIPHERSUITE, generate_server_keys
from vouchsafe.sdk.tpsi.wire import encode_server_key
from vouchsafe.server.hashset.blinding import BlindedTable


def _element(*parts: bytes) -> bytes:
    digest = hashlib.sha512(b"stand-in-blinder/" + b"/".join(parts)).digest()
    element: bytes = pysodium.crypto_core_ristretto255_from_hash(digest)
    return element


class StandInBlinder:
    """Test double. ``deterministic=False`` draws filler slots at random, as a real table would."""

    def __init__(self, deterministic: bool = True, extra_keys: Sequence[bytes] = ()) -> None:
        self._deterministic = deterministic
        self._extra = list(extra_keys)  # keys slipped in by a dishonest provider (attack tests)

    @property
    def ciphersuite(self) -> str:
        return CIPHERSUITE

    @property
    def deterministic(self) -> bool:
        return self._deterministic

    def generate_server_key(self) -> bytes:
        return encode_server_key(generate_server_keys())

    def blinded_element(self, server_key: bytes, psi_key: bytes) -> bytes:
        return _element(server_key, psi_key)

    def blind(
        self, server_key: bytes, psi_keys: Sequence[bytes], build_seed: bytes
    ) -> BlindedTable:
        real = [self.blinded_element(server_key, k) for k in [*psi_keys, *self._extra]]
        filler_count = len(psi_keys) // 4 + 1 - len(self._extra)
        if self._deterministic:
            filler = [
                _element(build_seed, b"filler", i.to_bytes(4, "big")) for i in range(filler_count)
            ]
        else:
            filler = [random_element() for _ in range(filler_count)]
        table = b"".join(real + filler)
        return BlindedTable(server_params=params_for(table, server_key), table=table)


def stand_in_keys(signal_type: str, perceptual_hash: bytes) -> list[bytes]:
    """One PSI key per entry (the real derivation is
    vouchsafe.sdk.media.candidates.hash_set_keys)."""
    return [hashlib.sha256(b"stand-in/" + signal_type.encode() + perceptual_hash).digest()]
