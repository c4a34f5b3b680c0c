"""The detectable hash function's detection rows (SPEC.md "DetectRealShares"; the Apple PSI
paper, sections 3.2 and 4.3, after Coppersmith and Sudan).

A real share carries r = (g_1(x), ..., g_m(x)) with every g_k of degree t - 2 over GF(q), a
synthetic share m pseudorandom values. Row i of M is (1, x_i, ..., x_i^{t-2}, r_i1, ..., r_im).
Real rows span a space of dimension t - 1, so the t-th real row is the first row that depends
on the rows before it; synthetic rows (at most m of them) are independent of everything else
except with probability about m / q. ``vouchsafe.sdk.tpsi.recovery`` feeds the rows one at a
time into a row space and stops at the first dependency.
"""

from __future__ import annotations

from collections.abc import Sequence

from vouchsafe.sdk.tpsi.params import DHF_PRIME


def detection_width(threshold: int, synthetic_max: int) -> int:
    """Number of columns of M: t - 1 Vandermonde columns and s_max DHF values."""
    return threshold - 1 + synthetic_max


def detection_row(x: int, r: Sequence[int], threshold: int) -> list[int]:
    """The row of M for the share with x-coordinate ``x`` and DHF value ``r``."""
    xq = x % DHF_PRIME
    powers = [1] * (threshold - 1)
    for i in range(1, threshold - 1):
        powers[i] = powers[i - 1] * xq % DHF_PRIME
    return powers + list(r)
