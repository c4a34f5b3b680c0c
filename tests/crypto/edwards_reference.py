"""A slow, plain-Python edwards25519 (RFC 8032 section 5.1) used only to BUILD test inputs:
the eight small-order points, points with a small-order component and non-canonical encodings.
"""

from __future__ import annotations

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, -1, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
Point = tuple[int, int]
IDENTITY: Point = (0, 1)


def add(a: Point, b: Point) -> Point:
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + x2 * y1) * pow(1 + t, -1, P) % P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, P) % P
    return x3, y3


def multiply(k: int, point: Point) -> Point:
    result, addend = IDENTITY, point
    while k:
        if k & 1:
            result = add(result, addend)
        addend = add(addend, addend)
        k >>= 1
    return result


def x_for(y: int, sign: int) -> int | None:
    """The x with this parity on the curve at ``y``, or None."""
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P != u:
        x = x * SQRT_M1 % P
        if v * x * x % P != u:
            return None
    if x == 0 and sign:
        return None
    return P - x if (x & 1) != sign else x


def encode(point: Point) -> bytes:
    x, y = point
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def decode(data: bytes) -> Point | None:
    value = int.from_bytes(data, "little")
    y, sign = value & ((1 << 255) - 1), value >> 255
    if y >= P:
        return None
    x = x_for(y, sign)
    return None if x is None else (x, y)


def torsion_points() -> list[Point]:
    """The eight points of order dividing 8: multiples of a point of order 8."""
    y = 2
    while True:
        x = x_for(y, 0)
        if x is not None:
            t = multiply(L, (x, y))  # kills the prime-order part
            if multiply(4, t) != IDENTITY:  # order 8: generates the whole torsion subgroup
                points = [IDENTITY]
                while len(points) < 8:
                    points.append(add(points[-1], t))
                return points
        y += 1
