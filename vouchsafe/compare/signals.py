"""The device's media computations for the harness, through ``vouchsafe.sdk.media``.

``PdqSignals`` decodes an item, computes its PDQ hash and its PSI candidates
(``vouchsafe.sdk.media.candidates``), and turns a hash-set entry's hash into its PSI keys. The
CPU time is kept twice: the hash alone (what a device matching plaintext hashes spends) and the
hash with its device views and candidates (what a device in a PSI mode spends).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image

from vouchsafe.sdk.media import candidates as psi
from vouchsafe.sdk.media import pdq
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.media.signal_types import PDQ, get_signal_type


@dataclass(frozen=True)
class ItemSignal:
    """What the device computes for one item, and the CPU seconds it took: ``hash_cpu_seconds``
    to decode it and compute the perceptual hash alone, ``cpu_seconds`` to decode it and
    compute the hash with the device views and the PSI candidates."""

    perceptual_hash: bytes
    quality: int
    candidates: tuple[bytes, ...]
    cpu_seconds: float
    hash_cpu_seconds: float


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
        """Decodes and hashes with PDQ alone (no device views: a plaintext matcher needs only
        the hash); raises ``InvalidMedia`` on undecodable input."""
        computed = _pdq_alone(decode_image(media))
        return computed.hash, computed.quality

    def item_signal(self, media: bytes) -> ItemSignal:
        """Decode, PDQ and PSI candidates, as the device does them, with their CPU time (and
        that of decode and PDQ alone)."""
        start = time.process_time()
        image = decode_image(media)
        decoded = time.process_time()
        alone = _pdq_alone(image).hash
        hashed = time.process_time()
        result = self._pdq.hash_media(image)
        candidates = tuple(psi.psi_candidates(result))
        done = time.process_time()
        if alone != result.bits:
            raise AssertionError("PDQ alone and PDQ with views disagree")
        return ItemSignal(
            result.bits,
            result.quality,
            candidates,
            cpu_seconds=(decoded - start) + (done - hashed),
            hash_cpu_seconds=hashed - start,
        )

    def hash_set_keys(self, perceptual_hash: bytes) -> tuple[bytes, ...]:
        """The PSI keys of one hash-set entry."""
        return tuple(psi.hash_set_keys(PDQ, perceptual_hash))


def _pdq_alone(image: Image.Image) -> pdq.PdqComputation:
    """PDQ of a decoded image without the device views the PSI candidates need."""
    return pdq.pdq_from_pixels(np.asarray(image.convert("RGB"), dtype=np.uint8))
