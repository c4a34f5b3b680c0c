"""HAZMAT: Shamir secret sharing and polynomial arithmetic over prime fields.

The shares of the associated-data key live in GF(p) with p = 2^255 - 19: x-coordinates are
pseudorandom 255-bit values, so two distinct items collide with probability about n^2 / 2^256.
The functions take the modulus explicitly so the detectable hash (GF(2^64 - 59)) reuses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

SHARE_PRIME: Final = 2**255 - 19
SHARE_ELEMENT_LENGTH: Final = 32


def evaluate(coefficients: Sequence[int], x: int, modulus: int) -> int:
    """``sum(c_i * x^i) mod modulus`` by Horner's rule (coefficients low degree first)."""
    acc = 0
    for c in reversed(coefficients):
        acc = (acc * x + c) % modulus
    return acc


def interpolate_at_zero(points: Sequence[tuple[int, int]], modulus: int) -> int:
    """Lagrange interpolation at 0 through ``points`` (distinct, non-zero x).

    Raises ValueError on a repeated or zero x-coordinate.
    """
    xs = [x % modulus for x, _ in points]
    if len(set(xs)) != len(xs) or 0 in xs:
        raise ValueError("interpolation needs distinct non-zero x-coordinates")
    numerator_all = 1
    for x in xs:
        numerator_all = numerator_all * (-x) % modulus
    total = 0
    for i, (xi, yi) in enumerate(points):
        denominator = 1
        for j, xj in enumerate(xs):
            if j != i:
                denominator = denominator * (xi - xj) % modulus
        # l_i(0) = prod_{j != i} (-x_j) / (x_i - x_j) = numerator_all / (-x_i) / denominator
        basis = numerator_all * pow(-xi * denominator % modulus, -1, modulus) % modulus
        total = (total + yi * basis) % modulus
    return total
