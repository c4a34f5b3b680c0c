"""HAZMAT: linear algebra over a prime field below 2^64, for the detectable hash's kernel test.

The arithmetic is FLINT's (``python-flint``'s ``nmod_mat``, moduli < 2^64), a server-side
dependency (the ``server`` extra): it is imported when a :class:`RowSpace` is first made, never
by ``import vouchsafe.sdk``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from vouchsafe.sdk.errors import CryptoBackendMissingError

if TYPE_CHECKING:
    from flint import nmod_mat

_MAX_MODULUS = 1 << 64
_HALF = 1 << 63


def _signed(values: list[int], modulus: int) -> list[int]:
    """Residues in [0, modulus) as signed 64-bit values (same residue): FLINT converts machine
    integers twice as fast as larger Python integers."""
    return [v - modulus if v >= _HALF else v for v in values]


def _flint() -> Any:
    try:
        import flint
    except ImportError:  # pragma: no cover - the server extra installs it
        raise CryptoBackendMissingError(
            "threshold recovery needs python-flint: pip install 'vouchsafe[server]'"
        ) from None
    return flint


class RowSpace:
    """The span of the rows added so far, grown one row at a time.

    :meth:`add` costs three vector-matrix products of size ``capacity x width`` whatever was
    added before, so feeding rows as they arrive never redoes earlier work. The kept rows are
    reduced against the rows before them (row j is zero at the pivots of rows < j and 1 at its
    own), so the pivot block ``P`` is unit upper triangular; ``P^-1`` is kept alongside and
    extended by one row and column per added row. A new row ``v`` reduces to
    ``v - (v[pivots] P^-1) E``. At most ``capacity`` independent rows are kept; a row found
    dependent is not kept. :meth:`dependency` expresses a dependent row in the kept rows, once,
    by one null-space computation.
    """

    def __init__(self, width: int, modulus: int, capacity: int) -> None:
        if not 2 <= modulus < _MAX_MODULUS or width < 1 or capacity < 1:
            raise ValueError("RowSpace needs width >= 1, capacity >= 1, 2 <= modulus < 2^64")
        self._flint = _flint()
        self.width = width
        self.modulus = modulus
        self.capacity = capacity
        self._echelon: nmod_mat = self._flint.nmod_mat(capacity, width, modulus)
        self._pivot_inverse: nmod_mat = self._flint.nmod_mat(capacity, capacity, modulus)
        self._zero_row: nmod_mat = self._flint.nmod_mat(1, width, modulus)
        self._pivots: list[int] = []
        self._rows: list[list[int]] = []  # the echelon rows, mirrored for cheap column reads
        self._kept: list[list[int]] = []

    @property
    def rank(self) -> int:
        """Number of independent rows kept."""
        return len(self._pivots)

    @property
    def kept_rows(self) -> Sequence[Sequence[int]]:
        """The independent rows, as given, in the order they were added."""
        return self._kept

    def _residual(self, row: Sequence[int]) -> nmod_mat:
        if len(row) != self.width:
            raise ValueError(f"rows have {self.width} entries")
        flint, q = self._flint, self.modulus
        reduced = [int(e) % q for e in row]
        v = flint.nmod_mat(1, self.width, _signed(reduced, q), q)
        if not self._pivots:
            return cast("nmod_mat", v)
        lead = [reduced[p] for p in self._pivots]
        b = flint.nmod_mat(
            1, self.capacity, _signed(lead, q) + [0] * (self.capacity - len(lead)), q
        )
        return cast("nmod_mat", v - (b * self._pivot_inverse) * self._echelon)

    def contains(self, row: Sequence[int]) -> bool:
        """Whether ``row`` is in the span of the kept rows (nothing is added)."""
        return bool(self._residual(row) == self._zero_row)

    def add(self, row: Sequence[int]) -> bool:
        """Adds ``row`` if it is independent of the kept rows (True); False if it is in their
        span. Raises OverflowError when an independent row would exceed ``capacity``."""
        residual = self._residual(row)
        entries = [int(e) for e in residual.entries()]
        pivot = next((j for j, e in enumerate(entries) if e), None)
        if pivot is None:
            return False
        if self.rank == self.capacity:
            raise OverflowError("the row space is at capacity")
        flint, q = self._flint, self.modulus
        inverse = pow(entries[pivot], -1, q)
        r = self.rank
        if r:
            column = [self._rows[i][pivot] for i in range(r)]
            if any(column):
                c = flint.nmod_mat(
                    self.capacity, 1, _signed(column, q) + [0] * (self.capacity - r), q
                )
                u = self._pivot_inverse * c
                for i in range(r):
                    value = int(u[i, 0])
                    if value:
                        self._pivot_inverse[i, r] = q - value
        self._pivot_inverse[r, r] = 1
        normalised = [e * inverse % q for e in entries]
        for j, e in enumerate(normalised):
            if e:
                self._echelon[r, j] = e
        self._rows.append(normalised)
        self._pivots.append(pivot)
        self._kept.append([int(e) % q for e in row])
        return True
    def dependency(self, row: Sequence[int]) -> list[int]:
        """Coefficients ``c`` (one per kept row, in order) with ``sum c_i kept_i = row``.

        Raises ValueError if ``row`` is not in the span.
        """
        if not self.contains(row):
            raise ValueError("the row is not in the span of the kept rows")
        flint, q = self._flint, self.modulus
        columns = [*self._kept, [int(e) % q for e in row]]
        n = len(columns)
        transposed = flint.nmod_mat(
            self.width, n, [columns[i][j] for j in range(self.width) for i in range(n)], q
        )
        basis, nullity = transposed.nullspace()
        if nullity != 1:  # pragma: no cover - the kept rows are independent
            raise ValueError("the kept rows are not independent")
        vector = [int(basis[i, 0]) for i in range(n)]
        scale = pow(q - vector[-1], -1, q)  # normalise so that the row's own coefficient is -1
        return [v * scale % q for v in vector[:-1]]
