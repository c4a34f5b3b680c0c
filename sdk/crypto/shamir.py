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


def lagrange_coefficients(xs: Sequence[int], at: int, modulus: int) -> list[int]:
    """``l_i(at)`` for the Lagrange basis through ``xs`` (distinct mod ``modulus``): the
    polynomial of degree < len(xs) through (x_i, y_i) takes ``sum(l_i(at) y_i)`` at ``at``.

    Raises ValueError on a repeated x-coordinate.
    """
    reduced = [x % modulus for x in xs]
    if len(set(reduced)) != len(reduced):
        raise ValueError("interpolation needs distinct x-coordinates")
    out = []
    for i, xi in enumerate(reduced):
        numerator = denominator = 1
        for j, xj in enumerate(reduced):
            if j != i:
                numerator = numerator * (at - xj) % modulus
                denominator = denominator * (xi - xj) % modulus
        out.append(numerator * pow(denominator, -1, modulus) % modulus)
    return out


def interpolate_at_zero(points: Sequence[tuple[int, int]], modulus: int) -> int:
    """Lagrange interpolation at 0 through ``points`` (distinct, non-zero x).

    Raises ValueError on a repeated or zero x-coordinate.
    """
    xs = [x for x, _ in points]
    if any(x % modulus == 0 for x in xs):
        raise ValueError("interpolation needs distinct non-zero x-coordinates")
    basis = lagrange_coefficients(xs, 0, modulus)
    return sum(b * y for b, (_, y) in zip(basis, points, strict=True)) % modulus
