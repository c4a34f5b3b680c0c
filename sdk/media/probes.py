"""Device-side probing for PSI candidates (``protocol/SPEC.md``, "PSI candidates", P.3-P.5).

Three pieces, each deterministic so that a second implementation reproduces the SPEC's vectors:

* :func:`quantized_margins`: how far each code coefficient lies from the 256 coefficients'
  median, in units of their standard deviation, as integers (``floor(margin * 2**16)``), so
  that sums of margins are exact and orderings never depend on float rounding;
* :func:`flip_sets`: the sets of code positions to flip, in increasing order of
  ``(sum of quantized margins, tuple of margin ranks)`` -- multi-probe LSH (Lv et al., VLDB
  2007), enumerated best first with its "shift" and "expand" successors;
* :func:`pixel_views`: the coefficients of three views of the item the device computes from its
  pixels: padded by 2% with its own edge pixels (:func:`uncrop_pixels`, so a copy cropped by 2%
  is decimated on the original's grid again), with saturated channels pushed past their limits
  (:func:`unclip_luma`, a brightness or contrast edit clips them) and filtered with wider
  Jarosz windows (decimation after a resize sees the picture through different box windows),
  and the unclip view's *direction* (how its coefficients move per grey level of the unclip
  level), with which :func:`swept_margins` ranks the unclip root's positions by how far they
  stay from the median over a range of levels (how far past 255 the clipped values lay differs
  from picture to picture).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.media import pdq

FloatArray = npt.NDArray[np.float64]
MARGIN_SCALE = 1 << 16
# The uncrop view undoes a 2% centre crop (the crop_2pct transform of the eval suite).
UNCROP_FACTOR = 0.98
# The unclip view: how far past 255 (below 0) a saturated channel value is assumed to lie
# (grey levels; fitted on the fit split, SPEC P.6).
UNCLIP_HIGH = 40
UNCLIP_LOW = 10
# The unclip root's margins (v5): the smallest signed margin of each code position over the
# unclip view at these levels past 255 (the view's code stays the one at UNCLIP_HIGH), plus
# 1/UNCLIP_TIEBREAK of its margin at UNCLIP_HIGH (fitted on the fit split, SPEC P.6).
UNCLIP_SWEEP = (20, 30, 40, 50, 60)
UNCLIP_TIEBREAK = 20
# The wide view: Jarosz windows of a picture 4/3 the size (fitted on the fit split, SPEC P.6).
WIDE_WINDOW_SCALE = 4 / 3


def quantized_margins(coefficients: FloatArray, positions: npt.NDArray[np.int64]) -> list[int]:
    """``floor(|c_k - median| / std * 2**16)`` for each code position ``k`` (PDQ median).

    ``std`` is the population standard deviation of all 256 coefficients (1 if they are all
    equal), ``median`` PDQ's lower median.
    """
    values = np.asarray(coefficients, dtype=np.float64).reshape(-1)
    centre = pdq.median_of(values)
    spread = float(np.std(values)) or 1.0
    margins = np.abs(values[positions] - centre) / spread
    return [int(m) for m in np.floor(margins * MARGIN_SCALE)]


def flip_sets(margins: list[int]) -> Iterator[tuple[int, ...]]:
    """Every set of positions (indices into ``margins``), cheapest first, the empty set first.

    Positions are ranked by ``(margin, index)``; a set is the sorted tuple of its ranks and
    costs the sum of its margins. Sets come in increasing ``(cost, rank tuple)`` order: the
    best-first search pops the smallest key, then pushes its *expand* (append the next rank)
    and *shift* (replace its last rank by the next) successors, each of which has a key at
    least its parent's, and every set has exactly one parent.
    """
    ranked = sorted(range(len(margins)), key=lambda k: (margins[k], k))
    weights = [margins[k] for k in ranked]
    yield ()
    if not ranked:
        return
    heap: list[tuple[int, tuple[int, ...]]] = [(weights[0], (0,))]
    while heap:
        cost, ranks = heapq.heappop(heap)
        yield tuple(sorted(ranked[r] for r in ranks))
        last = ranks[-1]
        if last + 1 < len(weights):
            heapq.heappush(heap, (cost + weights[last + 1], (*ranks, last + 1)))
            shifted = cost - weights[last] + weights[last + 1]
            heapq.heappush(heap, (shifted, (*ranks[:-1], last + 1)))


def uncrop_pixels(pixels: npt.NDArray[Any], factor: float = UNCROP_FACTOR) -> npt.NDArray[Any]:
    """``pixels`` (``H x W`` or ``H x W x C``) padded by edge replication to
    ``max(H, round(H / factor))`` x ``max(W, round(W / factor))``, centred (the smaller half of
    each margin on the top/left). Padding commutes with PDQ's per-pixel luma."""
    height, width = pixels.shape[:2]
    new_height = max(height, round(height / factor))
    new_width = max(width, round(width / factor))
    top, left = (new_height - height) // 2, (new_width - width) // 2
    pad = [(top, new_height - height - top), (left, new_width - width - left)]
    pad += [(0, 0)] * (pixels.ndim - 2)
    out: npt.NDArray[Any] = np.pad(pixels, pad, mode="edge")
    return out


def _weighted_channels(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """``(m_R * w_R + m_G * w_G) + m_B * w_B`` in float32, like :func:`pdq.luminance`."""
    m = mask.astype(np.float32)
    r, g, b = (np.float32(w) for w in pdq.LUMA_WEIGHTS)
    out: npt.NDArray[np.float32] = (m[..., 0] * r + m[..., 1] * g) + m[..., 2] * b
    return out


def unclip_luma(
    pixels: npt.NDArray[np.uint8], luma: npt.NDArray[np.float32] | None = None
) -> npt.NDArray[np.float32]:
    """PDQ's luma of ``pixels`` with every saturated channel value pushed past its limit: a
    channel at 255 counts as ``255 + UNCLIP_HIGH``, one at 0 as ``-UNCLIP_LOW`` (the weights of
    the luma formula apply), undoing on average the clipping of a brightness or contrast edit.
    ``luma``: the item's :func:`pdq.luminance`, when already computed."""
    base = pdq.luminance(pixels) if luma is None else luma
    high = _weighted_channels(pixels == 255)
    low = _weighted_channels(pixels == 0)
    out: npt.NDArray[np.float32] = (
        base + np.float32(UNCLIP_HIGH) * high - np.float32(UNCLIP_LOW) * low
    )
    return out


class PixelViews(NamedTuple):
    """The 16x16 coefficients of the views computed from the item's own pixels (P.4)."""

    uncrop: FloatArray
    unclip: FloatArray
    wide: FloatArray
    # dct16(decimate(hi)), hi the luma-weighted channels at 255: the unclip view's coefficients
    # at level UNCLIP_HIGH + a are ``unclip + a * unclip_direction`` (both steps are linear)
    unclip_direction: FloatArray


def pixel_views(pixels: npt.NDArray[np.uint8]) -> PixelViews:
    """The uncrop, unclip and wide views' coefficients and the unclip direction (P.4)."""
    luma = pdq.luminance(pixels)
    uncrop = pdq.dct16(pdq.decimate(uncrop_pixels(luma)))
    unclip = pdq.dct16(pdq.decimate(unclip_luma(pixels, luma)))
    wide = pdq.dct16(pdq.decimate(luma, WIDE_WINDOW_SCALE))
    saturated = pixels == 255
    if saturated.any():
        direction = pdq.dct16(pdq.decimate(_weighted_channels(saturated)))
    else:  # the same zeros, without decimating an empty mask
        direction = np.zeros((pdq.DCT_SIZE, pdq.DCT_SIZE), dtype=np.float64)
    return PixelViews(uncrop, unclip, wide, direction)


def swept_margins(
    centre: FloatArray, direction: FloatArray, positions: npt.NDArray[np.int64]
) -> list[int]:
    """The unclip root's quantized margins (P.3 scale, SPEC P.4): for each code position, the
    smallest margin ``s_p (C_a[p] - median(C_a)) / std(C_a)`` over the levels ``a`` of
    :data:`UNCLIP_SWEEP`, floored at 0, plus ``1 / UNCLIP_TIEBREAK`` of its P.3 margin in
    ``centre``; ``C_a = centre + (a - UNCLIP_HIGH) * direction``, ``s_p`` = +1 where the
    centre's code bit is set, -1 where not. A bit whose coefficient crosses the median within
    the range of levels gets (about) the smallest margins, so it is flipped first."""
    base = np.asarray(centre, dtype=np.float64).reshape(-1)
    step = np.asarray(direction, dtype=np.float64).reshape(-1)
    centre_median = pdq.median_of(base)
    centre_spread = float(np.std(base)) or 1.0
    sign = np.where(base[positions] > centre_median, 1.0, -1.0)
    worst = np.full(positions.size, np.inf)
    for level in UNCLIP_SWEEP:
        values = base + float(level - UNCLIP_HIGH) * step
        spread = float(np.std(values)) or 1.0
        worst = np.minimum(worst, sign * (values[positions] - pdq.median_of(values)) / spread)
    own = np.abs(base[positions] - centre_median) / centre_spread
    margins = np.maximum(worst, 0.0) + own / UNCLIP_TIEBREAK
    return [int(m) for m in np.floor(margins * MARGIN_SCALE)]


def code_flags(coefficients: FloatArray) -> npt.NDArray[np.bool_]:
    """The 256 PDQ flags (flag ``k`` = bit ``k``) these coefficients threshold to."""
    values = np.asarray(coefficients, dtype=np.float64).reshape(-1)
    out: npt.NDArray[np.bool_] = values > pdq.median_of(values)
    return out
