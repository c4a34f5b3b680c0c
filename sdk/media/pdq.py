"""PDQ, Meta's 256-bit perceptual hash, in numpy, from its published description.

Pipeline (``pdq/README.md`` and ``hashing.pdf`` in facebook/ThreatExchange): luminance
``Y = 0.299 R + 0.587 G + 0.114 B``; two passes of a Jarosz box ("tent") filter along rows and
columns with windows ``ceil(n / 128)``; decimation to 64x64 by sampling at
``floor((i + 0.5) n / 64)``; a 16x16 DCT (basis rows 1..16 of the 64-point DCT-II, the DC row
left out); each coefficient above the median of the 256 becomes a 1 bit; quality is the summed
absolute gradient of the 64x64 image, scaled, capped at 100.

Every stage after luminance is linear, so filter + decimation collapse into two small band
matrices: each of the 64 output rows is a weighted sum of ``2w - 1`` input rows (``w`` the filter
window). :func:`decimation_band` gives those weights; the ONNX graph (``pdq_onnx.py``) computes the
very same formula in-graph, which is why both paths give identical bits.

Bit layout: bit ``k = 16 i + j`` is set when coefficient ``B[i, j]`` exceeds the median; the hash
is the 256-bit big-endian integer with bit ``k`` of weight ``2**k``, which prints as the same
64-digit hex string as the C++ reference (words w[15]..w[0]).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image

from vouchsafe.sdk.errors import InvalidMedia

HASH_BITS = 256
HASH_BYTES = HASH_BITS // 8
DCT_SIZE = 16
DECIMATED_SIZE = 64
# Published PDQ constants: luma weights (ITU-R BT.601), 2 Jarosz passes, quality scaling.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
JAROSZ_PASSES = 2
QUALITY_GRADIENT_DIVISOR = 90
MAX_QUALITY = 100
# PDQ's match rule (pdq/README.md): Hamming distance <= 31 of 256 is a match.
PDQ_MATCH_DISTANCE = 31

FloatArray = npt.NDArray[np.float64]


def luminance(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Per-pixel luma of an ``(H, W, 3)`` uint8 array, in float32 like the C++ reference.

    Computed as three float32 products summed in channel order, ``(R*0.299 + G*0.587) + B*0.114``,
    the operations the ONNX graph runs (Mul, then ReduceSum over 3 channels).
    """
    products = pixels.astype(np.float32) * np.asarray(LUMA_WEIGHTS, dtype=np.float32)
    out: npt.NDArray[np.float32] = (products[..., 0] + products[..., 1]) + products[..., 2]
    return out


def jarosz_window(n: int) -> int:
    """Box-filter window along a dimension of ``n`` pixels: ``ceil(n / (2 * 64))``."""
    return (n + 2 * DECIMATED_SIZE - 1) // (2 * DECIMATED_SIZE)


@lru_cache(maxsize=64)
def decimation_band(n: int, window: int | None = None) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Indices ``(64, 2w-1)`` and weights of the input pixels behind each decimated sample.

    ``window`` overrides the box window ``w`` (default :func:`jarosz_window` of ``n``; the PSI
    candidates' wide view uses a larger one, SPEC "PSI candidates" P.4).

    Output sample ``i`` of a dimension of ``n`` pixels equals
    ``sum_d weight[i, d] * x[index[i, d]]`` after two passes of PDQ's box filter, whose output
    at ``o`` is the mean of
    ``x[max(0, o-w+h) .. min(n-1, o+h-1)]`` with ``h = (w + 2) // 2``. Out-of-range taps get
    weight 0 (and a clamped index).
    """
    w = jarosz_window(n) if window is None else window
    h = (w + 2) // 2
    samples = np.floor((np.arange(DECIMATED_SIZE) + 0.5) * n / DECIMATED_SIZE).astype(np.int64)
    first_offset = -(w - h)  # offsets of one box relative to its centre: first_offset..h-1
    taps = np.arange(2 * first_offset, 2 * (h - 1) + 1)  # (L,) offsets of the two-pass band
    mids = samples[:, None, None] + first_offset + np.arange(w)[None, None, :]  # (64, 1, w)
    positions = samples[:, None, None] + taps[None, :, None]  # (64, L, 1)

    def box(o: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        return np.maximum(0, o - w + h), np.minimum(n - 1, o + h - 1)

    outer_left, outer_right = box(samples)
    outer_size = (outer_right - outer_left + 1).astype(np.float64)[:, None, None]
    mid_left, mid_right = box(mids)
    mid_valid = (mids >= 0) & (mids <= n - 1)
    # out-of-range middle boxes take no part (``covered`` below); size 1 keeps the division finite
    mid_size = np.where(mid_valid, mid_right - mid_left + 1, 1).astype(np.float64)
    covered = mid_valid & (positions >= mid_left) & (positions <= mid_right)
    weight = np.sum(np.where(covered, 1.0 / (outer_size * mid_size), 0.0), axis=2)
    pos = positions[:, :, 0]
    weight = np.where((pos >= 0) & (pos <= n - 1), weight, 0.0)
    index = np.clip(pos, 0, n - 1)
    index.setflags(write=False)
    weight.setflags(write=False)
    return index, weight


@lru_cache(maxsize=1)
def dct_matrix() -> FloatArray:
    """PDQ's 16x64 DCT matrix: ``sqrt(2/64) * cos(pi/128 * (i+1) * (2j+1))``."""
    i = np.arange(1, DCT_SIZE + 1)[:, None]
    j = np.arange(DECIMATED_SIZE)[None, :]
    out: FloatArray = np.sqrt(2.0 / DECIMATED_SIZE) * np.cos(np.pi / 128.0 * i * (2 * j + 1))
    return out


def decimate(luma: npt.NDArray[np.float32], window_scale: float = 1.0) -> FloatArray:
    """The 64x64 Jarosz-filtered, decimated luminance (float64).

    With ``window_scale`` != 1 each dimension of ``n`` pixels is filtered with the window PDQ
    would use for ``max(1, round(n * window_scale))`` pixels (same sample positions).
    """

    def band(n: int) -> tuple[npt.NDArray[np.int64], FloatArray]:
        if window_scale == 1.0:
            return decimation_band(n)
        return decimation_band(n, jarosz_window(max(1, round(n * window_scale))))

    rows_index, rows_weight = band(luma.shape[0])
    cols_index, cols_weight = band(luma.shape[1])
    gathered = luma[rows_index].astype(np.float64)  # (64, L, W)
    by_rows = np.matmul(rows_weight[:, None, :], gathered)[:, 0, :]  # (64, W)
    by_cols: FloatArray = np.sum(by_rows[:, cols_index] * cols_weight[None, :, :], axis=2)
    return by_cols


def quality_of(decimated: FloatArray) -> int:
    """PDQ quality (0..100): summed |gradient| of the 64x64 image, scaled by 100/255, over 90."""
    vertical = np.trunc((decimated[:-1, :] - decimated[1:, :]) * 100.0 / 255.0)
    horizontal = np.trunc((decimated[:, :-1] - decimated[:, 1:]) * 100.0 / 255.0)
    total = int(np.abs(vertical).sum() + np.abs(horizontal).sum())
    return min(MAX_QUALITY, total // QUALITY_GRADIENT_DIVISOR)


# Coefficients this close to 0 are rounding noise of a flat image (real ones are >= ~1e-3);
# snapping them to 0 keeps flat images' bits the same in every backend.
FLAT_EPSILON = 1e-6


def dct16(decimated: FloatArray) -> FloatArray:
    """The 16x16 coefficients ``D A D^T`` that the hash thresholds (noise-level values -> 0)."""
    d = dct_matrix()
    out: FloatArray = d @ decimated @ d.T
    return np.where(np.abs(out) < FLAT_EPSILON, 0.0, out)


def median_of(coefficients: FloatArray) -> float:
    """The lower median (the 128th smallest of 256), as PDQ's Torben median returns."""
    return float(np.sort(coefficients, axis=None)[HASH_BITS // 2 - 1])


def bits_from_coefficients(coefficients: FloatArray) -> bytes:
    """The 32-byte hash: bit ``16 i + j`` set iff ``B[i, j]`` exceeds the median."""
    flags = (coefficients > median_of(coefficients)).reshape(-1)
    return pack_bits(flags)


def pack_bits(flags: npt.NDArray[np.bool_]) -> bytes:
    """Packs 256 flags (flag ``k`` = bit ``k``) into PDQ's big-endian 32-byte layout."""
    return np.packbits(flags[::-1].astype(np.uint8)).tobytes()


def unpack_bits(hash_bytes: bytes) -> npt.NDArray[np.bool_]:
    """Inverse of :func:`pack_bits`: 256 flags, flag ``k`` = bit ``k`` = ``B[k // 16, k % 16]``."""
    if len(hash_bytes) != HASH_BYTES:
        raise InvalidMedia(f"a PDQ hash is {HASH_BYTES} bytes, got {len(hash_bytes)}", field="hash")
    bits = np.unpackbits(np.frombuffer(hash_bytes, dtype=np.uint8)).astype(bool)
    out: npt.NDArray[np.bool_] = bits[::-1].copy()
    return out


def hamming(a: bytes, b: bytes) -> int:
    """Hamming distance between two equal-length hashes."""
    if len(a) != len(b):
        raise ValueError("hashes of different lengths")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


# The 8 dihedral transforms of the image act on the coefficients: mirroring left-right negates
# columns j of odd horizontal frequency j + 1 (even j), mirroring top-bottom likewise for rows,
# flipping about the main diagonal transposes. Names follow upstream's bridge-*.jpg test images
# (flipx = mirrored about the x axis, i.e. top-bottom; rotate90 as upstream rotates).
_SIGN = np.where(np.arange(DCT_SIZE) % 2 == 0, -1.0, 1.0)
DIHEDRAL_NAMES = (
    "original", "rotate90", "rotate180", "rotate270",
    "flipx", "flipy", "flip_plus1", "flip_minus1",
)  # fmt: skip


def dihedral_coefficients(coefficients: FloatArray) -> dict[str, FloatArray]:
    """The coefficients of the 8 rotated/flipped versions of the image, without re-hashing."""
    b = coefficients
    left_right = b * _SIGN[None, :]
    top_bottom = b * _SIGN[:, None]
    both = left_right * _SIGN[:, None]
    return {
        "original": b,
        "rotate90": left_right.T,
        "rotate180": both,
        "rotate270": top_bottom.T,
        "flipx": top_bottom,
        "flipy": left_right,
        "flip_plus1": b.T,
        "flip_minus1": both.T,
    }


@dataclass(frozen=True)
class PdqComputation:
    """Everything the numpy PDQ pipeline produces for one image."""

    hash: bytes
    quality: int
    coefficients: FloatArray


def pdq_from_pixels(pixels: npt.NDArray[np.uint8]) -> PdqComputation:
    """PDQ of an ``(H, W, 3)`` uint8 RGB array."""
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.shape[0] < 1 or pixels.shape[1] < 1:
        raise InvalidMedia(f"expected an (H, W, 3) RGB array, got shape {pixels.shape}")
    decimated = decimate(luminance(pixels))
    coefficients = dct16(decimated)
    return PdqComputation(
        hash=bits_from_coefficients(coefficients),
        quality=quality_of(decimated),
        coefficients=coefficients,
    )


def pdq_from_image(image: Image.Image) -> PdqComputation:
    """PDQ of a Pillow image (converted to RGB first)."""
    return pdq_from_pixels(np.asarray(image.convert("RGB"), dtype=np.uint8))
