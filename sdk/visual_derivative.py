"""The visual derivative: the small, low-resolution, grey rendering of a media item.

It travels only inside a safety voucher's associated data, so the provider can see it only for
an account's real matches past the match threshold, and a human reviewer looks at it instead of
the original (after Apple's 2021 design, where reviewers see a "visual derivative", never the
photo). 64 pixels on the longest side and 16 grey levels are enough to tell whether a match is the
listed picture, and too little to make the derivative a usable copy of the photo.
"""

from __future__ import annotations

import io

from PIL import Image

VISUAL_DERIVATIVE_TYPE = "image/png"
# Longest side, in pixels, and number of grey levels of the derivative.
DERIVATIVE_MAX_SIDE = 64
DERIVATIVE_GREY_LEVELS = 16
# Hard bound on the encoded size: a 64x64 8-bit grey PNG is at most ~4.2 KiB, and the whole
# associated data must fit the protocol's default 8 KiB padded length.
MAX_DERIVATIVE_BYTES = 5 * 1024


def visual_derivative(image: Image.Image) -> bytes:
    """A PNG of ``image`` in grey, at most 64 px on the longest side, 16 grey levels.

    Guarantees: deterministic for the same pixels; carries none of the original's metadata;
    never larger than :data:`MAX_DERIVATIVE_BYTES`.
    """
    grey = image.convert("L")
    grey.thumbnail((DERIVATIVE_MAX_SIDE, DERIVATIVE_MAX_SIDE), Image.Resampling.BOX)
    step = 256 // DERIVATIVE_GREY_LEVELS
    levels = grey.point(lambda value: (value // step) * step + step // 2)
    # A fresh image carries no metadata of the original (EXIF, GPS, ICC profile, comments).
    posterised = Image.frombytes("L", levels.size, levels.tobytes())
    out = io.BytesIO()
    posterised.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    if len(data) > MAX_DERIVATIVE_BYTES:  # cannot happen for 64x64 grey; kept as a bound
        raise ValueError("visual derivative exceeds its size bound")
    return data
