"""What a PDQ hash reveals: its DCT sketch.

A PDQ hash is the sign pattern (above / below the median) of the 16x16 lowest non-DC DCT
coefficients of the image's 64x64 luminance. Putting +-1 at those coefficients, weighted by the
1/f fall-off typical of photographs (``1 / (i + j + 2)``), and inverting the DCT gives a 64x64
picture of the image's coarse light-dark layout: what anyone holding the hash in the clear (the
provider in ``hash_upload``) can see of an ordinary photo. :func:`sketch_correlation` measures
how close the sketch is to the photo (Pearson r against its 64x64 luminance).

Bit layout as in ``vouchsafe.sdk.media.pdq``: bit ``k = 16 i + j`` (weight ``2**k`` of the
big-endian
256-bit integer) is coefficient ``(i, j)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SIDE = 64
DCT_SIZE = 16


def dct_basis() -> npt.NDArray[np.float64]:
    """Rows 1..16 of the 64-point DCT-II (PDQ's basis; DC left out)."""
    i = np.arange(1, DCT_SIZE + 1)[:, None]
    n = np.arange(SIDE)[None, :]
    basis: npt.NDArray[np.float64] = np.sqrt(2.0 / SIDE) * np.cos(
        np.pi / (2 * SIDE) * i * (2 * n + 1)
    )
    return basis


def hash_signs(perceptual_hash: bytes) -> npt.NDArray[np.float64]:
    """The hash as a 16x16 matrix of +1 (bit set) and -1."""
    if len(perceptual_hash) != 32:
        raise ValueError("a PDQ hash is 32 bytes")
    value = int.from_bytes(perceptual_hash, "big")
    bits = np.array([(value >> k) & 1 for k in range(DCT_SIZE * DCT_SIZE)], dtype=np.float64)
    return (2.0 * bits - 1.0).reshape(DCT_SIZE, DCT_SIZE)


def dct_sketch(perceptual_hash: bytes) -> npt.NDArray[np.uint8]:
    """The 64x64 greyscale sketch of a PDQ hash (inverse DCT of its sign pattern)."""
    d = dct_basis()
    frequency = np.add.outer(np.arange(DCT_SIZE), np.arange(DCT_SIZE)) + 2.0
    picture = d.T @ (hash_signs(perceptual_hash) / frequency) @ d
    low, high = float(picture.min()), float(picture.max())
    scaled = (picture - low) / (high - low or 1.0) * 255.0
    return np.asarray(np.clip(scaled, 0, 255), dtype=np.uint8)


def sketch_correlation(luminance: npt.NDArray[np.uint8], perceptual_hash: bytes) -> float:
    """Pearson correlation between the sketch and a 64x64 greyscale rendering of the photo."""
    if luminance.shape != (SIDE, SIDE):
        raise ValueError("expected a 64x64 greyscale array")
    sketch = dct_sketch(perceptual_hash).astype(np.float64).ravel()
    return float(np.corrcoef(sketch, luminance.astype(np.float64).ravel())[0, 1])
