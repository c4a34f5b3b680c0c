"""Device-side probing for PSI candidates (``protocol/SPEC.md``, "PSI candidates", P.3-P.5).

Three pieces, each deterministic so that a second implementation reproduces the SPEC's vectors:

* :func:`quantized_margins`: how far each code coefficient lies from the 256 coefficients'
  median, in units of their standard deviation, as integers (``floor(margin * 2**16)``), so
  that sums of margins are exact and orderings never depend on float rounding;
* :func:`flip_sets`: the sets of code positions to flip, in increasing order of
  ``(sum of quantized margins, tuple of margin ranks)`` -- multi-probe LSH (Lv et al., VLDB
  2007), enumerated best first with its "shift" and "expand" successors;
* :func:`zoom_view`: the coefficients of the picture zoomed out by 2% about its centre, computed
  from the 16x16 coefficients alone (a crop of 2% zooms the picture in by as much).
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
def zoom_operator(factor: float = ZOOM_OUT_FACTOR) -> FloatArray:
    """``Z = D S D^T`` (16x16): ``S`` resamples 64 samples about the centre by ``factor``.

    ``S[u] = linear interpolation of x at (u - 31.5) / factor + 31.5``, clamped to ``[0, 63]``;
    ``D`` is PDQ's 16x64 DCT matrix. The zoomed picture's coefficients are ``Z B Z^T``.
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
    d = pdq.dct_matrix()
    out: FloatArray = d @ resample @ d.T
    out.setflags(write=False)
    return out


def zoom_view(coefficients: FloatArray) -> FloatArray:
    """The 16x16 coefficients of the picture zoomed out by :data:`ZOOM_OUT_FACTOR`."""
    z = zoom_operator()
    b = np.asarray(coefficients, dtype=np.float64).reshape(pdq.DCT_SIZE, pdq.DCT_SIZE)
    out: FloatArray = z @ b @ z.T
    return out


def code_flags(coefficients: FloatArray) -> npt.NDArray[np.bool_]:
    """The 256 PDQ flags (flag ``k`` = bit ``k``) these coefficients threshold to."""
    values = np.asarray(coefficients, dtype=np.float64).reshape(-1)
    out: npt.NDArray[np.bool_] = values > pdq.median_of(values)
    return out
