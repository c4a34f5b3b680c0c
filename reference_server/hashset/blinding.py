"""The seam to the protocol core: PSI keys of entries, server keys and ``blind_hash_set``.

Release building needs three things it does not own: the PSI keys a hash-set entry contributes
(``vouchsafe.sdk.media.candidates.hash_set_keys``), a server key
(``vouchsafe.sdk.tpsi.generate_server_keys``) and
the blinding itself (``vouchsafe.sdk.tpsi.blind_hash_set``). :class:`HashSetBlinder` names what the
build
uses; :func:`default_blinder` returns the protocol core's implementation (:class:`TpsiBlinder`);
tests substitute stand-ins.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from vouchsafe.sdk import tpsi
from vouchsafe.sdk.cores import available_cores
from vouchsafe.sdk.crypto import group, labels
from vouchsafe.sdk.crypto.hash_to_group import hash_to_group_bytes
from vouchsafe.sdk.crypto.keyed_stream import KeyedStream
from vouchsafe.sdk.media import candidates
from vouchsafe.sdk.tpsi import server_setup, wire


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
class ProgressBlinder(HashSetBlinder, Protocol):
    """A blinder that can report progress (the build shows a bar for it)."""

    def blind_with_progress(
        self,
        server_key: bytes,
        psi_keys: Sequence[bytes],
        build_seed: bytes,
        progress: Callable[[int], None],
    ) -> BlindedTable:
        """``blind``, calling ``progress`` with a number of slots just processed (about twice
        the slot count in all)."""
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


class SchemeKeys:
    """The PSI keys hash-set entries contribute under one candidate scheme
    (``vouchsafe.sdk.media.candidates.hash_set_keys``): callable per entry, and :meth:`batch`
    for many entries of one signal type at once (what the release build uses)."""

    def __init__(self, scheme: candidates.CandidateScheme = candidates.DEFAULT_SCHEME) -> None:
        self.scheme = scheme

    def __call__(self, signal_type: str, perceptual_hash: bytes) -> list[bytes]:
        """The PSI keys of one entry."""
        return candidates.hash_set_keys(signal_type, perceptual_hash, self.scheme)

    def batch(self, signal_type: str, perceptual_hashes: Sequence[bytes]) -> list[list[bytes]]:
        """The PSI keys of each entry, in order (same keys as one call per entry)."""
        return candidates.hash_set_keys_batch(signal_type, perceptual_hashes, self.scheme)


hash_set_keys = SchemeKeys()
"""The PSI keys one hash-set entry contributes under the default candidate scheme."""


def keys_for_scheme(scheme: candidates.CandidateScheme) -> SchemeKeys:
    """The key function of a release built for ``scheme``."""
    return SchemeKeys(scheme)


class TpsiBlinder:
    """The protocol core's ``blind_hash_set``, with table randomness from the build seed.

    Deterministic: the same server key, PSI keys and build seed give the same table, so an
    auditor holding the key and the seed can re-build it byte for byte. ``scheme`` (the
    default candidate scheme unless given) sets ``max_candidates`` to its budget and is the
    scheme the release names. ``workers`` processes blind the slots (default: one per available
    core; 1 blinds in this process); the table does not depend on the number of workers.
    """

    def __init__(
        self,
        workers: int | None = None,
        scheme: candidates.CandidateScheme = candidates.DEFAULT_SCHEME,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError("workers must be at least 1")
        self._workers = workers or available_cores()
        self.scheme = scheme

    @property
    def workers(self) -> int:
        """How many processes blind the slots."""
        return self._workers

    @property
    def candidate_scheme(self) -> str:
        """The name of the PSI-candidate scheme this blinder builds for."""
        return self.scheme.name

    @property
    def ciphersuite(self) -> str:
        """The tPSI-AD ciphersuite."""
        return tpsi.CIPHERSUITE

    @property
    def deterministic(self) -> bool:
        """Always True: all randomness comes from the build seed."""
        return True

    def generate_server_key(self) -> bytes:
        """A fresh server key in the protocol core's key-file encoding."""
        return wire.encode_server_key(tpsi.generate_server_keys())

    def blind(
        self, server_key: bytes, psi_keys: Sequence[bytes], build_seed: bytes
    ) -> BlindedTable:
        """``blind_hash_set`` with ``rng = KeyedStream(build_seed, LABEL("BuildRandomness"))``."""
        return self._blind(server_key, psi_keys, build_seed, None)

    def blind_with_progress(
        self,
        server_key: bytes,
        psi_keys: Sequence[bytes],
        build_seed: bytes,
        progress: Callable[[int], None],
    ) -> BlindedTable:
        """``blind`` with progress reports from ``blind_hash_set``."""
        return self._blind(server_key, psi_keys, build_seed, progress)

    def _blind(
        self,
        server_key: bytes,
        psi_keys: Sequence[bytes],
        build_seed: bytes,
        progress: Callable[[int], None] | None,
    ) -> BlindedTable:
        """``blind_hash_set`` with ``rng = KeyedStream(build_seed, LABEL("BuildRandomness"))``.

        ``max_candidates`` is the scheme's budget, so a voucher has room for every candidate of
        an item.
        """
        key = wire.decode_server_key(server_key)
        rng = KeyedStream(build_seed, labels.BUILD_RANDOMNESS)
        workers = 1 if len(psi_keys) < server_setup.BLIND_BATCH_SLOTS else self._workers
        with worker_pool(workers) as pool:
            blinded = tpsi.blind_hash_set(
                key,
                psi_keys,
                max_candidates=self.scheme.max_candidates,
                rng=rng,
                progress=progress,
                executor=pool,
            )
        return BlindedTable(
            server_params=wire.encode_server_params(blinded.params), table=blinded.table
        )

    def blinded_element(self, server_key: bytes, psi_key: bytes) -> bytes:
        """``alpha * H(psi_key)``: the element an admitted PSI key puts in its slot."""
        alpha = wire.decode_server_key(server_key).alpha.encoding
        return group.scalarmult_bytes(alpha, hash_to_group_bytes(psi_key))


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """``workers`` forked worker processes for the build's batched steps, or None (work in this
    process) for one worker. Fork: workers inherit the loaded modules, so starting them costs
    milliseconds; they get no secret they are not sent."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def default_blinder(
    workers: int | None = None,
    scheme: candidates.CandidateScheme = candidates.DEFAULT_SCHEME,
) -> KeyedBlinder:
    """The protocol core's blinding (``vouchsafe.sdk.tpsi``), deterministic under the build seed,
    on ``workers`` processes (default: one per available core), for the PSI-candidate ``scheme``."""
    return TpsiBlinder(workers, scheme)
