"""The detectable hash function's detection rows (SPEC.md "DetectRealShares"; the Apple PSI
paper, sections 3.2 and 4.3, after Coppersmith and Sudan).

A real share carries r = (g_1(x), ..., g_m(x)) with every g_k of degree t - 2 over GF(q), a
synthetic share m pseudorandom values. Row i of M is (1, x_i, ..., x_i^{t-2}, r_i1, ..., r_im).
Real rows span a space of dimension t - 1, so the t-th real row is the first row that depends
on the rows before it; synthetic rows (at most m of them) are independent of everything else
except with probability about m / q. :class:`RealShareDetector` feeds the rows one at a time
into a row space and stops at the first dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vouchsafe.sdk.crypto.linear_algebra import RowSpace
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


@dataclass(frozen=True, slots=True)
class Crossing:
    """The first dependency among the detection rows: ``support`` are the indices (in the
    order added) of the rows with a non-zero coefficient in ``kernel`` (one per kept row, then
    -1 for the dependent row itself)."""

    support: tuple[int, ...]
    kernel: tuple[int, ...]


class RealShareDetector:
    """DetectRealShares fed one share at a time (SPEC.md section 8.3).

    Below threshold every row goes into a row space of width ``t - 1 + s_max``. The first row
    that depends on earlier ones ends that phase: :meth:`add` returns the :class:`Crossing`.
    If its support is ``t`` rows (always so for honest clients) :meth:`accept` fixes the real
    rows' ``t - 1``-dimensional span from them, after which :meth:`is_real` classifies any
    share by one membership test.
    """

    def __init__(self, threshold: int, synthetic_max: int) -> None:
        self.threshold = threshold
        self.width = detection_width(threshold, synthetic_max)
        self._space: RowSpace | None = RowSpace(self.width, DHF_PRIME, self.width)
        self._kept: list[int] = []
        self._count = 0
        self._real: RowSpace | None = None

    @property
    def rows_kept(self) -> int:
        """Rows held below threshold (at most t - 1 + s_max)."""
        return 0 if self._space is None else self._space.rank

    def add(self, x: int, r: Sequence[int]) -> Crossing | None:
        """Adds the next share below threshold; None while its row is independent."""
        if self._space is None:
            raise ValueError("the detector has crossed; use is_real")
        index, self._count = self._count, self._count + 1
        row = detection_row(x, r, self.threshold)
        if self._space.add(row):
            self._kept.append(index)
            return None
        coefficients = self._space.dependency(row)
        support = tuple(k for k, c in zip(self._kept, coefficients, strict=True) if c)
        return Crossing((*support, index), (*coefficients, DHF_PRIME - 1))

    def accept(self, real_rows: Sequence[tuple[int, Sequence[int]]]) -> None:
        """Ends the below-threshold phase: ``real_rows`` ((x, r) of t - 1 real shares) span
        the real rows from now on."""
        self._space = None
        self._real = RowSpace(self.width, DHF_PRIME, self.threshold - 1)
        for x, r in real_rows:
            self._real.add(detection_row(x, r, self.threshold))

    def is_real(self, x: int, r: Sequence[int]) -> bool:
        """Past threshold: whether the share lies on the account's DHF polynomials."""
        if self._real is None:
            raise ValueError("the detector has not crossed yet")
        return self._real.contains(detection_row(x, r, self.threshold))


def detect_real_shares(
    points: Sequence[tuple[int, Sequence[int]]], threshold: int, synthetic_max: int
) -> set[int]:
    """Indices of ``points`` ((x, r) pairs, r of length s_max) detected as real: empty below
    t real shares; otherwise the first dependency's t rows and every row on their span."""
    detector = RealShareDetector(threshold, synthetic_max)
    for x, r in points:
        crossing = detector.add(x, r)
        if crossing is None:
            continue
        if len(crossing.support) != threshold:
            return set()
        detector.accept([points[k] for k in crossing.support[: threshold - 1]])
        return {k for k, (xk, rk) in enumerate(points) if detector.is_real(xk, rk)}
    return set()
