"""HAZMAT: linear algebra over a prime field, for the detectable hash's kernel test."""

from __future__ import annotations

from collections.abc import Sequence


def left_kernel_support(rows: Sequence[Sequence[int]], modulus: int) -> set[int]:
    """Indices ``i`` such that some vector ``c`` with ``c^T M = 0`` has ``c_i != 0``.

    ``rows`` is the n x k matrix M (one row per point). Computed by reducing ``M^T`` (k x n) to
    row echelon form: every free column carries a kernel basis vector, and a pivot column is
    in the support iff its pivot row has a non-zero entry in some free column.
    """
    n = len(rows)
    if n == 0:
        return set()
    k = len(rows[0])
    a = [[rows[i][j] % modulus for i in range(n)] for j in range(k)]  # M^T
    pivots: list[int] = []
    r = 0
    for col in range(n):
        if r == k:
            break
        pivot = next((i for i in range(r, k) if a[i][col]), None)
        if pivot is None:
            continue
        a[r], a[pivot] = a[pivot], a[r]
        inv = pow(a[r][col], -1, modulus)
        row_r = [v * inv % modulus for v in a[r]]
        a[r] = row_r
        for i in range(k):
            if i != r and a[i][col]:
                factor = a[i][col]
                row_i = a[i]
                a[i] = [(vi - factor * vr) % modulus for vi, vr in zip(row_i, row_r, strict=True)]
        pivots.append(col)
        r += 1
    pivot_set = set(pivots)
    free = [c for c in range(n) if c not in pivot_set]
    support = set(free)
    for row_index, col in enumerate(pivots):
        if any(a[row_index][f] for f in free):
            support.add(col)
    return support
