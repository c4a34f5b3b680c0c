"""The detectable hash function's detection step (SPEC.md "DetectRealShares"; the Apple PSI
paper, sections 3.2 and 4.3, after Coppersmith and Sudan).

A real share carries r = (g_1(x), ..., g_m(x)) with every g_k of degree t - 2 over GF(q), a
synthetic share m uniform values. Row i of M is (1, x_i, ..., x_i^{t-2}, r_i1, ..., r_im).
A vector c with c^T M = 0 supported on real rows exists exactly when there are >= t real
rows; synthetic rows (at most m of them) are never in the kernel's support except with
probability about m / q. Hence: the real shares are the support of M's left kernel.
"""

from __future__ import annotations

from collections.abc import Sequence

from vouchsafe.sdk.crypto.linear_algebra import left_kernel_support
from vouchsafe.sdk.tpsi.params import DHF_PRIME


def detection_row(x: int, r: Sequence[int], threshold: int) -> list[int]:
    """The row of M for the share with x-coordinate ``x`` and DHF value ``r``."""
    xq = x % DHF_PRIME
    powers = [1] * (threshold - 1)
    for i in range(1, threshold - 1):
        powers[i] = powers[i - 1] * xq % DHF_PRIME
    return powers + list(r)


def detect_real_shares(points: Sequence[tuple[int, Sequence[int]]], threshold: int) -> set[int]:
    """Indices of ``points`` ((x, r) pairs) the kernel test identifies as real.

    Empty whenever fewer than ``threshold`` points are real.
    """
    rows = [detection_row(x, r, threshold) for x, r in points]
    return left_kernel_support(rows, DHF_PRIME)
