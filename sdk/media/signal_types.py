"""Signal types: the perceptual-hash algorithms a media item can be hashed with.

A :class:`SignalType` has a ``name`` (the glossary's signal type, as it appears on the wire and in
source lists), turns a decoded image into a :class:`HashResult` with ``hash_media`` and compares
two hashes with ``distance``. ``pdq`` is Meta's PDQ (numpy or the ONNX graph, identical bits);
``onnx`` is any embedding model plus a seeded hyperplane projection
(``sdk/media/onnx_embedding.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
from PIL import Image

from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media import pdq, probes

PDQ = "pdq"
ONNX = "onnx"
# The device view PDQ also hashes for PSI candidates: the item resized to half each side
# (bicubic), as SPEC "PSI candidates" P.4 fixes.
HALF_VIEW_SCALE = 0.5
# The device views of a PDQ item, in the order of ``HashResult.view_coefficients`` (P.4).
VIEW_NAMES = (
    "half_view",
    "uncrop_view",
    "unclip_view",
    "wide_view",
    "unresize2_view",
    "unresize43_view",
)
# The un-resize views (P.4): the item upscaled back by these factors (bicubic) and hashed, so a
# copy resized to 1/2 or 3/4 is seen on (about) the original's grid again; the upscaled side is
# capped at UNRESIZE_MAX_SIDE px (device cost), and a view that the cap leaves at the item's own
# size is the item's own hash.
UNRESIZE_FACTORS = (2.0, 4 / 3)
UNRESIZE_MAX_SIDE = 2048


@dataclass(frozen=True)
class HashResult:
    """The perceptual hash of one media item.

    ``bits`` is the full hash (32 bytes for PDQ, in the reference's hex order) and ``quality`` the
    signal type's 0..100 quality score. ``coefficients`` are the real values the bits threshold
    (PDQ's 16x16 DCT, or the projections of an embedding); they stay on the device, where the PSI
    candidates use them to pick which bits to probe, and are never sent. ``view_coefficients``
    are the same for device views of the item, which the PSI candidates probe around as well;
    also never sent. PDQ: :data:`VIEW_NAMES` in that order (the half-size copy,
    :data:`HALF_VIEW_SCALE`, then :func:`vouchsafe.sdk.media.probes.pixel_views`, then the
    un-resize copies :func:`unresize_view` by each of :data:`UNRESIZE_FACTORS`).
    ``unclip_direction`` (PDQ with views) is how the unclip view's coefficients move per grey
    level of its unclip level (:class:`vouchsafe.sdk.media.probes.PixelViews`); the candidates
    rank the unclip root's bits with it (:func:`vouchsafe.sdk.media.probes.swept_margins`).
    """

    bits: bytes
    quality: int
    signal_type: str = PDQ
    coefficients: npt.NDArray[np.float64] | None = field(default=None, compare=False, repr=False)
    view_coefficients: tuple[npt.NDArray[np.float64], ...] = field(
        default=(), compare=False, repr=False
    )
    unclip_direction: npt.NDArray[np.float64] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def hex(self) -> str:
        """The hash as lowercase hex (64 digits for PDQ)."""
        return self.bits.hex()


@runtime_checkable
class SignalType(Protocol):
    """What every perceptual-hash algorithm offers."""

    @property
    def name(self) -> str:
        """The signal type's name as used on the wire and in source lists."""
        ...

    @property
    def match_distance(self) -> int:
        """Largest ``distance`` still counted as the same picture (PDQ: 31)."""
        ...

    def hash_media(self, image: Image.Image) -> HashResult:
        """Hashes a decoded image. Raises InvalidMedia if it cannot be hashed."""
        ...

    def distance(self, a: bytes, b: bytes) -> int:
        """Hamming distance between two hashes of this signal type."""
        ...


Backend = Literal["numpy", "onnx"]


class PdqSignalType:
    """PDQ with a choice of backend; ``numpy`` and ``onnx`` give the same bits."""

    def __init__(self, backend: Backend = "numpy") -> None:
        if backend not in ("numpy", "onnx"):
            raise InvalidMedia(f"unknown PDQ backend {backend!r}", field="backend")
        self.backend: Backend = backend

    @property
    def name(self) -> str:
        return PDQ

    @property
    def match_distance(self) -> int:
        return pdq.PDQ_MATCH_DISTANCE

    def _compute(self, image: Image.Image) -> pdq.PdqComputation:
        return self._compute_pixels(np.asarray(_rgb(image), dtype=np.uint8))

    def _compute_pixels(self, pixels: npt.NDArray[np.uint8]) -> pdq.PdqComputation:
        if self.backend == "onnx":
            from vouchsafe.sdk.media.pdq_onnx import pdq_onnx_from_pixels

            return pdq_onnx_from_pixels(pixels)
        return pdq.pdq_from_pixels(pixels)

    def hash_media(self, image: Image.Image) -> HashResult:
        image = _rgb(image)  # once: the views below resize this, without converting again
        pixels = np.asarray(image, dtype=np.uint8)
        computed = self._compute_pixels(pixels)
        views = probes.pixel_views(pixels)
        return HashResult(
            bits=computed.hash,
            quality=computed.quality,
            signal_type=PDQ,
            coefficients=computed.coefficients,
            view_coefficients=(
                self._compute(half_view(image)).coefficients,
                views.uncrop,
                views.unclip,
                views.wide,
                *(
                    computed.coefficients if up is None else self._compute(up).coefficients
                    for up in (unresize_view(image, f) for f in UNRESIZE_FACTORS)
                ),
            ),
            unclip_direction=views.unclip_direction,
        )

    def distance(self, a: bytes, b: bytes) -> int:
        if len(a) != pdq.HASH_BYTES or len(b) != pdq.HASH_BYTES:
            raise InvalidMedia(f"PDQ hashes are {pdq.HASH_BYTES} bytes", field="hash")
        return pdq.hamming(a, b)


def _rgb(image: Image.Image) -> Image.Image:
    """``image`` in RGB (itself when it already is: ``convert`` would copy every pixel)."""
    return image if image.mode == "RGB" else image.convert("RGB")


def half_view(image: Image.Image) -> Image.Image:
    """The item at :data:`HALF_VIEW_SCALE` of each side (rounded, at least 1 px), bicubic."""
    size = (
        max(1, round(image.width * HALF_VIEW_SCALE)),
        max(1, round(image.height * HALF_VIEW_SCALE)),
    )
    return _rgb(image).resize(size, Image.Resampling.BICUBIC)


def unresize_size(width: int, height: int, factor: float) -> tuple[int, int] | None:
    """The size of the un-resize view of a ``width`` x ``height`` item: each side times
    ``min(factor, UNRESIZE_MAX_SIDE / max(width, height))``, rounded; None when that is not
    larger than the item (the view is then the item itself)."""
    scale = min(factor, UNRESIZE_MAX_SIDE / max(width, height, 1))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size[0] <= width and size[1] <= height:
        return None
    return size


def unresize_view(image: Image.Image, factor: float) -> Image.Image | None:
    """The item upscaled by ``factor`` (bicubic, capped by :func:`unresize_size`), or None when
    the cap leaves it at its own size."""
    size = unresize_size(image.width, image.height, factor)
    if size is None:
        return None
    return _rgb(image).resize(size, Image.Resampling.BICUBIC)


def get_signal_type(name: str, *, backend: Backend = "numpy") -> SignalType:
    """The built-in signal type called ``name`` (``pdq``; ``onnx`` with its bundled model)."""
    if name == PDQ:
        return PdqSignalType(backend)
    if name == ONNX:
        from vouchsafe.sdk.media.onnx_embedding import OnnxEmbeddingSignalType

        signal: SignalType = OnnxEmbeddingSignalType.bundled()
        return signal
    raise InvalidMedia(f"unknown signal type {name!r} (known: pdq, onnx)", field="signal_type")
