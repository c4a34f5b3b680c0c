"""White-box forging against PDQ: PDQ is public and linear up to its median threshold.

From the luminance ``L`` (H x W) to the 16 x 16 coefficients the hash thresholds, PDQ is
``C = P L Q^T`` with ``P = D R`` and ``Q = D S`` (``R``, ``S``: the Jarosz-filter decimation
matrices of ``vouchsafe.sdk.media.pdq.decimation_band``; ``D``: its 16 x 64 DCT). The smallest
luminance
change that moves ``C`` by ``dC`` is ``P^+ dC (Q^+)^T`` (pseudo-inverses). The forger moves each
wrong coefficient to ``margin`` past the current median, adds the same offset to R, G and B,
rounds and clips, and repeats (the median and the clipping shift a little each time).
No query budget is involved: one PDQ computation per iteration.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from vouchsafe.threat_model.attacks.perturb import Pixels, SearchResult

FloatArray = NDArray[np.float64]


def _decimation_matrix(n: int) -> FloatArray:
    from vouchsafe.sdk.media import pdq

    index, weight = pdq.decimation_band(n)
    out = np.zeros((pdq.DECIMATED_SIZE, n))
    for i in range(pdq.DECIMATED_SIZE):
        np.add.at(out[i], index[i], weight[i])
    return out


def forge(
    source: Pixels,
    target: NDArray[np.bool_],
    care: NDArray[np.bool_],
    *,
    allowed_wrong: int,
    margin: float = 1.0,
    iterations: int = 40,
    must: NDArray[np.bool_] | None = None,
) -> SearchResult:
    """Least-norm steps until at most ``allowed_wrong`` bits in ``care`` differ from ``target``.

    Each step fixes the wrong bits of smallest |coefficient - median| first, leaving the
    ``allowed_wrong`` most expensive ones; bits in ``must`` are always fixed (the coarse code,
    when the forgery must also be a PSI collision). ``score`` is the number of wrong bits.
    """
    from vouchsafe.sdk.media import pdq

    height, width = source.shape[:2]
    d = pdq.dct_matrix()
    p = d @ _decimation_matrix(height)
    q = d @ _decimation_matrix(width)
    p_plus = p.T @ np.linalg.inv(p @ p.T)
    q_plus = np.linalg.inv(q @ q.T) @ q
    base = source.astype(np.float64)
    offset = np.zeros((height, width))
    current = source
    wrong_count = int(care.sum())
    done = False
    for step in range(iterations + 1):
        coefficients = pdq.pdq_from_pixels(current).coefficients.reshape(-1)
        median = pdq.median_of(coefficients)
        wrong_mask = ((coefficients > median) != target) & care
        wrong = np.flatnonzero(wrong_mask)
        wrong_count = len(wrong)
        required = np.flatnonzero(wrong_mask & must) if must is not None else wrong[:0]
        done = wrong_count <= allowed_wrong and len(required) == 0
        if done or step == iterations:
            break
        cost = np.abs(coefficients[wrong] - median)
        cheapest = wrong[np.argsort(cost)][: max(0, wrong_count - allowed_wrong)]
        fix = np.union1d(cheapest, required)
        delta = np.zeros(pdq.HASH_BITS)
        delta[fix] = median + np.where(target[fix], margin, -margin) - coefficients[fix]
        offset = offset + p_plus @ delta.reshape(pdq.DCT_SIZE, pdq.DCT_SIZE) @ q_plus
        current = np.clip(np.rint(base + offset[:, :, None]), 0, 255).astype(np.uint8)
    return SearchResult(current, float(wrong_count), bool(done), step, offset)
