"""The seam to the protocol core: PSI keys of entries, server keys and ``blind_hash_set``.

Release building needs three things it does not own: the PSI keys a hash-set entry contributes
(``sdk.media.candidates.hash_set_keys``), a server key (``sdk.tpsi.generate_server_keys``) and
the blinding itself (``sdk.tpsi.blind_hash_set``). :class:`HashSetBlinder` names what the build
uses; :func:`default_blinder` returns the protocol core's implementation.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from reference_server.hashset.errors import HashSetError


@dataclass(frozen=True)
class BlindedTable:
    """What a release publishes of a blinded hash set: public params and the slot elements."""

    server_params: bytes  # encoded tPSI-AD ServerParams (public)
    table: bytes  # slot elements, 32 bytes each, concatenated in slot order


@runtime_checkable
class HashSetBlinder(Protocol):
    """Makes and reads server keys and blinds a set of PSI keys into a table."""

    @property
    def ciphersuite(self) -> str:
        """The ciphersuite the table is blinded under."""
        ...

    def generate_server_key(self) -> bytes:
        """A fresh server key, encoded for the private key file (never for a release)."""
        ...

    def blind(
        self, server_key: bytes, psi_keys: Sequence[bytes], build_seed: bytes
    ) -> BlindedTable:
        """The blinded table for pairwise distinct ``psi_keys`` under ``server_key``.

        Everything random in the table (filler slots, cuckoo nonces) is drawn from
        ``KeyedStream(build_seed, ...)`` if the blinder is deterministic.
        """
        ...


@runtime_checkable
class KeyedBlinder(HashSetBlinder, Protocol):
    """A blinder an auditor holding the server key can use to re-derive elements."""

    @property
    def deterministic(self) -> bool:
        """True if ``blind`` gives the same table for the same key, PSI keys and build seed."""
        ...

    def blinded_element(self, server_key: bytes, psi_key: bytes) -> bytes:
        """The element an admitted PSI key contributes to the table under ``server_key``."""
        ...


class ProtocolUnavailable(HashSetError):
    """A part of the protocol core this build needs is not installed yet."""

    code = "protocol_unavailable"


def hash_set_keys(signal_type: str, perceptual_hash: bytes) -> list[bytes]:
    """The PSI keys one hash-set entry contributes (``sdk.media.candidates.hash_set_keys``)."""
    try:
        candidates = importlib.import_module("sdk.media.candidates")
    except ImportError:
        raise ProtocolUnavailable(
            "sdk.media.candidates (PSI keys of hash-set entries) is not available yet"
        ) from None
    return [bytes(k) for k in candidates.hash_set_keys(signal_type, perceptual_hash)]


def default_blinder() -> HashSetBlinder:
    """The protocol core's blinding (``sdk.tpsi``)."""
    raise ProtocolUnavailable("the protocol core (sdk.tpsi.blind_hash_set) is not available yet")
