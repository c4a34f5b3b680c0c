"""The device's media computations for the harness, through ``vouchsafe.sdk.media``.

``PdqSignals`` decodes an item, computes its PDQ hash and its PSI candidates
(``vouchsafe.sdk.media.candidates``), and turns a hash-set entry's hash into its PSI keys.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from vouchsafe.sdk.media import candidates as psi
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.media.signal_types import PDQ, get_signal_type


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
    """PDQ through ``vouchsafe.sdk.media``; see the module docstring."""

    name = "pdq"

    def __init__(self) -> None:
        self._pdq = get_signal_type(PDQ)
        self.candidate_scheme = psi.CANDIDATE_SCHEME

    def hash_media(self, media: bytes) -> tuple[bytes, int]:
        """Decodes and hashes; raises ``InvalidMedia`` on undecodable input."""
        result = self._pdq.hash_media(decode_image(media))
        return result.bits, result.quality

    def item_signal(self, media: bytes) -> ItemSignal:
        """Decode, PDQ and PSI candidates, as the device does them, with their CPU time."""
        start = time.process_time()
        result = self._pdq.hash_media(decode_image(media))
        candidates = tuple(psi.psi_candidates(result))
        return ItemSignal(result.bits, result.quality, candidates, time.process_time() - start)

    def hash_set_keys(self, perceptual_hash: bytes) -> tuple[bytes, ...]:
        """The PSI keys of one hash-set entry."""
        return tuple(psi.hash_set_keys(PDQ, perceptual_hash))
