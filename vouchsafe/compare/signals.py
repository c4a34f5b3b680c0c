"""The device's media computations for the harness, through ``sdk.media``.

``PdqSignals`` decodes an item, computes its PDQ hash and its PSI candidates
(``sdk.media.candidates``), and turns a hash-set entry's hash into its PSI keys. When the
candidate module is not available it falls back, visibly (``candidate_scheme``), to the full PDQ
hash as the only exact-match key, the weak baseline the hashing issue measures.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import Any, Protocol

EXACT_PDQ_SCHEME = "exact-pdq (full 256-bit hash as the only PSI key)"


@dataclass(frozen=True)
class ItemSignal:
    """What the device computes for one item, and the CPU seconds it took."""

    perceptual_hash: bytes
    quality: int
    candidates: tuple[bytes, ...]
    cpu_seconds: float


class Signals(Protocol):
    """The signal computations the modes and the harness need."""

    name: str
    candidate_scheme: str

    def hash_media(self, media: bytes) -> tuple[bytes, int]:
        """Decodes encoded media and returns (perceptual hash, quality)."""
        ...

    def item_signal(self, media: bytes) -> ItemSignal:
        """Hash and PSI candidates of one item, timed."""
        ...

    def hash_set_keys(self, perceptual_hash: bytes) -> tuple[bytes, ...]:
        """The PSI keys a hash-set entry contributes."""
        ...


class PdqSignals:
    """PDQ through ``sdk.media``; see the module docstring."""

    name = "pdq"

    def __init__(self) -> None:
        # sdk.media lands from the hashing branch; imported by name so this module type-checks
        # before it does.
        decode: Any = importlib.import_module("sdk.media.decode")
        signal_types: Any = importlib.import_module("sdk.media.signal_types")
        self._decode = decode.decode_image
        self._pdq = signal_types.get_signal_type("pdq")
        self._candidates: Any = None
        try:
            self._candidates = importlib.import_module("sdk.media.candidates")
        except ImportError:
            self._candidates = None
        self.candidate_scheme = (
            str(getattr(self._candidates, "CANDIDATE_SCHEME", "sdk.media.candidates"))
            if self._candidates is not None
            else EXACT_PDQ_SCHEME
        )

    def hash_media(self, media: bytes) -> tuple[bytes, int]:
        """Decodes and hashes; raises ``InvalidMedia`` on undecodable input."""
        result = self._pdq.hash_media(self._decode(media))
        return bytes(result.bits), int(result.quality)

    def item_signal(self, media: bytes) -> ItemSignal:
        """Decode, PDQ and PSI candidates, as the device does them, with their CPU time."""
        start = time.process_time()
        result = self._pdq.hash_media(self._decode(media))
        if self._candidates is None:
            candidates: tuple[bytes, ...] = (result.bits,)
        else:
            candidates = tuple(bytes(c) for c in self._candidates.psi_candidates(result))
        return ItemSignal(
            bytes(result.bits), int(result.quality), candidates, time.process_time() - start
        )

    def hash_set_keys(self, perceptual_hash: bytes) -> tuple[bytes, ...]:
        """The PSI keys of one hash-set entry."""
        if self._candidates is None:
            return (perceptual_hash,)
        return tuple(
            bytes(k) for k in self._candidates.hash_set_keys(self._pdq.name, perceptual_hash)
        )
