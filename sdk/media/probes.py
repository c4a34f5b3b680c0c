"""Device-side probing for PSI candidates (``protocol/SPEC.md``, "PSI candidates", P.3-P.5).

Three pieces, each deterministic so that a second implementation reproduces the SPEC's vectors:

* :func:`quantized_margins`: how far each code coefficient lies from the 256 coefficients'
  median, in units of their standard deviation, as integers (``floor(margin * 2**16)``), so
  that sums of margins are exact and orderings never depend on float rounding;
* :func:`flip_sets`: the sets of code positions to flip, in increasing order of
  ``(sum of quantized margins, tuple of margin ranks)`` -- multi-probe LSH (Lv et al., VLDB
  2007), enumerated best first with its "shift" and "expand" successors;
* :func:`pixel_views`: the coefficients of three views of the item the device computes from its
  pixels: zoomed out by 2% about the centre (:func:`zoom_view`, a crop of 2% zooms the picture
  in by as much), with saturated channels pushed past their limits (:func:`unclip_luma`, a
  brightness or contrast edit clips them) and filtered with wider Jarosz windows (decimation
  after a resize sees the picture through different box windows).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.media import pdq

FloatArray = npt.NDArray[np.float64]
MARGIN_SCALE = 1 << 16
# The zoom view undoes a 2% centre crop (the crop_2pct transform of the eval suite).
ZOOM_OUT_FACTOR = 0.98
# The unclip view: how far past 255 (below 0) a saturated channel value is assumed to lie
# (grey levels; fitted on the fit split, SPEC P.6).
UNCLIP_HIGH = 40
UNCLIP_LOW = 10
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


@lru_cache(maxsize=4)
def resample_matrix(factor: float = ZOOM_OUT_FACTOR) -> FloatArray:
    """``S`` (64x64): resamples 64 samples about their centre by ``factor``.

    ``S[u] = linear interpolation of x at (u - 31.5) / factor + 31.5``, clamped to ``[0, 63]``.
    """
    n = pdq.DECIMATED_SIZE
    centre = (n - 1) / 2
    source = np.clip((np.arange(n) - centre) / factor + centre, 0, n - 1)
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, n - 1)
    fraction = source - low
    resample = np.zeros((n, n))
    resample[np.arange(n), low] += 1.0 - fraction
    resample[np.arange(n), high] += fraction
    resample.setflags(write=False)
    return resample


def zoom_view(decimated: FloatArray) -> FloatArray:
    """The 16x16 coefficients of the picture zoomed out by :data:`ZOOM_OUT_FACTOR`:
    ``dct16(S A S^T)`` of the item's 64x64 decimated luminance ``A``."""
    s = resample_matrix()
    a = np.asarray(decimated, dtype=np.float64).reshape(pdq.DECIMATED_SIZE, pdq.DECIMATED_SIZE)
    return pdq.dct16(s @ a @ s.T)


def unclip_luma(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """PDQ's luma of ``pixels`` with every saturated channel value pushed past its limit: a
    channel at 255 counts as ``255 + UNCLIP_HIGH``, one at 0 as ``-UNCLIP_LOW`` (the weights of
    the luma formula apply), undoing on average the clipping of a brightness or contrast edit."""
    weights = np.asarray(pdq.LUMA_WEIGHTS, dtype=np.float32)
    high = ((pixels == 255).astype(np.float32) * weights).sum(axis=2)
    low = ((pixels == 0).astype(np.float32) * weights).sum(axis=2)
    out: npt.NDArray[np.float32] = (
        pdq.luminance(pixels) + np.float32(UNCLIP_HIGH) * high - np.float32(UNCLIP_LOW) * low
    )
    return out


def pixel_views(pixels: npt.NDArray[np.uint8]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The 16x16 coefficients of the views computed from the item's own pixels (P.4):
    ``(zoom view, unclip view, wide view)``."""
    luma = pdq.luminance(pixels)
    zoom = zoom_view(pdq.decimate(luma))
    unclip = pdq.dct16(pdq.decimate(unclip_luma(pixels)))
    wide = pdq.dct16(pdq.decimate(luma, WIDE_WINDOW_SCALE))
    return zoom, unclip, wide


def code_flags(coefficients: FloatArray) -> npt.NDArray[np.bool_]:
    """The 256 PDQ flags (flag ``k`` = bit ``k``) these coefficients threshold to."""
    values = np.asarray(coefficients, dtype=np.float64).reshape(-1)
    out: npt.NDArray[np.bool_] = values > pdq.median_of(values)
    return out
