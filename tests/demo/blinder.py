"""The blinder the client tests build releases with.

``reference_server.hashset.blinding.default_blinder`` is the hash-set lifecycle's seam to the
protocol core; until it is wired on main this module builds the same thing from ``sdk.tpsi``
(real server key, real ``blind_hash_set``, real encodings), so the tests always run real crypto.
"""

from __future__ import annotations

from collections.abc import Sequence

from reference_server.hashset.blinding import (
    BlindedTable,
    HashSetBlinder,
    ProtocolUnavailable,
    default_blinder,
)
from sdk.crypto.keyed_stream import KeyedStream
from sdk.media.candidates import MAX_CANDIDATES
from sdk.tpsi import CIPHERSUITE, blind_hash_set, generate_server_keys
from sdk.tpsi.wire import decode_server_key, encode_server_key, encode_server_params


class TpsiBlinder:
    """``HashSetBlinder`` over ``sdk.tpsi`` with room for every PSI candidate of the device."""

    @property
    def ciphersuite(self) -> str:
        return CIPHERSUITE

    def generate_server_key(self) -> bytes:
        return encode_server_key(generate_server_keys())

    def blind(
        self, server_key: bytes, psi_keys: Sequence[bytes], build_seed: bytes
    ) -> BlindedTable:
        blinded = blind_hash_set(
            decode_server_key(server_key),
            list(psi_keys),
            max_candidates=MAX_CANDIDATES,
            rng=KeyedStream(build_seed, b"vouchsafe-tests/blind"),
        )
        return BlindedTable(encode_server_params(blinded.params), blinded.table)


def release_blinder() -> HashSetBlinder:
    """The lifecycle's default blinder if it is available, else :class:`TpsiBlinder`."""
    try:
        return default_blinder()
    except ProtocolUnavailable:
        return TpsiBlinder()
