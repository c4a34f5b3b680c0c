"""The confirmation hash: a keyed, nonlinear hash of the visual derivative (signal type
``keyed-derivative``).

Computed by the server past threshold on the visual derivative it has just decrypted (and by the
source organisations on their items' derivatives), never on the device: the device neither has
the key nor sends anything but the derivative. Two steps (``protocol/SPEC.md``, "Confirmation"):

1. **Features** (public, unkeyed): the derivative, decoded and box-resampled to 32 x 32 grey,
   gives 672 values in six groups: the mean absolute horizontal and the mean absolute vertical
   grey-level difference between neighbouring pixels (gradient energy) over each cell of a
   4 x 4, an 8 x 8 and a 16 x 16 grid. Each group is centred and scaled to unit norm, so a
   uniform brightness or contrast change of the picture moves none of them. Absolute
   differences are not linear in the pixels, and the block means of the pixels themselves (the
   low frequencies PDQ's bits are the signs of, and that a PDQ forgery moves) are deliberately
   not among them: the family is not PDQ's (the signs of a linear DCT).
2. **Keyed projection**: the feature vector minus a fitted centre (:data:`CENTRE`, the training
   split's mean feature vector) is projected on 256 secret Gaussian directions drawn from
   ``KeyedStream(key, LABEL("ConfirmationProjection"))``; bit i is 1 when projection i is
   positive. Without the key, the bits of an image are unpredictable from its features or its
   PDQ hash; with two keys, one image's bits agree by chance only.

**Listing.** The derivative has 16 grey levels, so a brightness change of a low-contrast
picture moves which structure survives the posterisation. A source therefore lists an item's
hash at :data:`TONE_FACTORS` (brightness 1.15^k, k = -2..2: five 32-byte hashes, concatenated,
:func:`split_listing`), and the server takes the smallest distance to any of them.

Two hashes of the same picture are the same when their Hamming distance is at most
:data:`CONFIRMATION_MATCH_DISTANCE` (fitted on the training split: ``centre.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.keyed_stream import KeyedStream
from vouchsafe.sdk.media.decode import DecodeLimits, decode_image
from vouchsafe.sdk.visual_derivative import DERIVATIVE_MAX_SIDE, MAX_DERIVATIVE_BYTES
from vouchsafe.server.confirmation.key import ConfirmationKey

FloatArray = npt.NDArray[np.float64]

KEYED_DERIVATIVE: Final = "keyed-derivative"
HASH_BITS: Final = 256
HASH_BYTES: Final = HASH_BITS // 8
FEATURE_SIDE: Final = 32
GRADIENT_GRIDS: Final = (4, 8, 16)
FEATURE_COUNT: Final = 2 * sum(n * n for n in GRADIENT_GRIDS)
# Brightness factors a source lists an item's hash at (1.15^k, k = -2..2; 1.0 first).
TONE_FACTORS: Final = (1.0, 1.15**-2, 1.15**-1, 1.15, 1.15**2)
MAX_LISTED_HASHES: Final = 8  # a listing holds 1 to 8 concatenated hashes
CENTRE_FILE: Final = Path(__file__).with_name("centre.json")
_LIMITS: Final = DecodeLimits(
    max_pixels=DERIVATIVE_MAX_SIDE * DERIVATIVE_MAX_SIDE, max_file_bytes=MAX_DERIVATIVE_BYTES
)


def _load_fit() -> tuple[FloatArray, int]:
    document = json.loads(CENTRE_FILE.read_text(encoding="utf-8"))
    centre = np.array(document["centre"], dtype=np.float64)
    if centre.shape != (FEATURE_COUNT,):
        raise ValueError(f"{CENTRE_FILE}: the centre needs {FEATURE_COUNT} values")
    return centre, int(document["match_distance"])


CENTRE, CONFIRMATION_MATCH_DISTANCE = _load_fit()


def _unit(values: FloatArray) -> FloatArray:
    centred = values - values.mean(axis=-1, keepdims=True)
    norm = np.linalg.norm(centred, axis=-1, keepdims=True)
    unit: FloatArray = centred / np.where(norm > 1e-9, norm, 1.0)
    return unit


def _block_means(pixels: FloatArray, n: int) -> FloatArray:
    """Mean of each cell of an n x n grid, flattened (batch-aware)."""
    side = pixels.shape[-1]
    blocks = pixels.reshape(*pixels.shape[:-2], n, side // n, n, side // n)
    values: FloatArray = blocks.mean(axis=(-3, -1))
    return values.reshape(*pixels.shape[:-2], n * n)


def grey_pixels(derivative: bytes) -> FloatArray:
    """The derivative decoded, in grey, box-resampled to 32 x 32 (float 0..255).

    Raises InvalidMedia when the bytes are not a derivative-sized image.
    """
    image = decode_image(derivative, _LIMITS).convert("L")
    square = image.resize((FEATURE_SIDE, FEATURE_SIDE), Image.Resampling.BOX)
    return np.asarray(square, dtype=np.float64)


def features_of_pixels(pixels: FloatArray) -> FloatArray:
    """The 672 unkeyed features of 32 x 32 grey ``pixels`` (step 1); leading axes are a batch."""
    pad = [(0, 0)] * (pixels.ndim - 2)
    across = np.pad(np.abs(np.diff(pixels, axis=-1)), [*pad, (0, 0), (0, 1)])
    down = np.pad(np.abs(np.diff(pixels, axis=-2)), [*pad, (0, 1), (0, 0)])
    groups = [_unit(_block_means(g, n)) for n in GRADIENT_GRIDS for g in (across, down)]
    return np.concatenate(groups, axis=-1)


def derivative_features(derivative: bytes) -> FloatArray:
    """The unkeyed features of an encoded visual derivative. Raises InvalidMedia."""
    return features_of_pixels(grey_pixels(derivative))


def projection_for(key: ConfirmationKey) -> FloatArray:
    """The key's 256 x 672 secret Gaussian projection (Box-Muller over the keyed stream)."""
    count = HASH_BITS * FEATURE_COUNT
    stream = KeyedStream(key.secret, labels.CONFIRMATION_PROJECTION)
    raw = np.frombuffer(stream.random_bytes(16 * count), dtype="<u8").reshape(2, count)
    uniform = ((raw >> np.uint64(11)).astype(np.float64) + 1.0) / float(1 << 53)  # (0, 1]
    gaussian: FloatArray = np.sqrt(-2.0 * np.log(uniform[0])) * np.cos(2.0 * np.pi * uniform[1])
    return gaussian.reshape(HASH_BITS, FEATURE_COUNT)


def bits_of_features(
    features: FloatArray, projection: FloatArray, centre: FloatArray = CENTRE
) -> bytes:
    """Step 2: the 32-byte hash of ``features`` under ``projection``."""
    return np.packbits(projection @ (features - centre) > 0).tobytes()


def hamming(a: bytes, b: bytes) -> int:
    """Bits that differ between two confirmation hashes (both must be 32 bytes)."""
    if len(a) != HASH_BYTES or len(b) != HASH_BYTES:
        raise ValueError(f"confirmation hashes have {HASH_BYTES} bytes")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


@dataclass(frozen=True)
class ConfirmationHasher:
    """Computes confirmation hashes under one key (the projection is derived once)."""

    key: ConfirmationKey = field(repr=False)
    projection: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "projection", projection_for(self.key))

    @property
    def key_id(self) -> str:
        """The key's public id (source-list headers carry it)."""
        return self.key.key_id

    def hash_derivative(self, derivative: bytes) -> bytes:
        """The confirmation hash of an encoded visual derivative. Raises InvalidMedia."""
        return bits_of_features(derivative_features(derivative), self.projection)

    def hash_image(self, image: Image.Image) -> bytes:
        """The confirmation hash of a decoded image, through its visual derivative."""
        from vouchsafe.sdk.visual_derivative import visual_derivative

        return self.hash_derivative(visual_derivative(image))

    def listing(self, image: Image.Image) -> bytes:
        """What a source organisation lists for an item: the hashes of its tone variants
        (:data:`TONE_FACTORS`), concatenated (:func:`split_listing` reads them)."""
        return b"".join(self.hash_image(variant) for variant in tone_variants(image))


def same_picture(a: bytes, b: bytes, max_distance: int = CONFIRMATION_MATCH_DISTANCE) -> bool:
    """Whether two confirmation hashes are within the match distance."""
    return hamming(a, b) <= max_distance


def tone_variants(image: Image.Image) -> list[Image.Image]:
    """``image`` at each brightness factor of :data:`TONE_FACTORS` (the first is ``image``)."""
    from PIL import ImageEnhance

    rgb = image.convert("RGB")
    return [rgb if f == 1.0 else ImageEnhance.Brightness(rgb).enhance(f) for f in TONE_FACTORS]


def split_listing(listing: bytes) -> tuple[bytes, ...]:
    """The hashes of a listing (1 to :data:`MAX_LISTED_HASHES` concatenated 32-byte hashes).

    Raises ValueError for any other length.
    """
    count, rest = divmod(len(listing), HASH_BYTES)
    if rest or not 1 <= count <= MAX_LISTED_HASHES:
        raise ValueError(
            f"a confirmation listing is 1 to {MAX_LISTED_HASHES} hashes of {HASH_BYTES} bytes"
        )
    return tuple(listing[i : i + HASH_BYTES] for i in range(0, len(listing), HASH_BYTES))


def listing_distance(seen: bytes, listed: tuple[bytes, ...]) -> int:
    """The smallest distance from ``seen`` to any listed hash (``listed`` must not be empty)."""
    return min(hamming(seen, h) for h in listed)

