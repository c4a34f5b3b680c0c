"""HAZMAT: the ristretto255 group (RFC 9496) over the system's libsodium, through ``pysodium``.

:class:`Element` and :class:`Scalar` are validated at construction: an ``Element`` is always the
canonical encoding of a non-identity group element, a ``Scalar`` always canonical (< l). The
``*_bytes`` functions are the unchecked fast path used inside the protocol on values that were
validated once; they call libsodium directly.
"""

from __future__ import annotations

import ctypes
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from vouchsafe.sdk.cores import available_cores
from vouchsafe.sdk.crypto.randomness import Randomness
from vouchsafe.sdk.errors import (
    CryptoBackendMissingError,
    InvalidLengthError,
    InvalidPointError,
    InvalidScalarError,
)

ELEMENT_LENGTH: Final = 32
SCALAR_LENGTH: Final = 32
UNIFORM_LENGTH: Final = 64
# The prime order of the ristretto255 group (RFC 9496 section 4.1).
GROUP_ORDER: Final = 2**252 + 27742317777372353535851937790883648493
IDENTITY_ENCODING: Final = bytes(ELEMENT_LENGTH)


def load_libsodium() -> Any:
    """The system libsodium (>= 1.0.18) as loaded by ``pysodium``; CryptoBackendMissingError."""
    try:
        import pysodium
    except (ImportError, ValueError, OSError) as exc:  # pysodium raises ValueError without it
        raise CryptoBackendMissingError(
            "libsodium (>= 1.0.18) could not be loaded through pysodium: install the system "
            "package (apt-get install libsodium23) and `pip install pysodium` "
            f"[{type(exc).__name__}: {exc}]"
        ) from exc
    lib = pysodium.sodium
    if not hasattr(lib, "crypto_core_ristretto255_from_hash"):
        raise CryptoBackendMissingError(
            "the system libsodium has no ristretto255 (needs libsodium >= 1.0.18)"
        )
    return lib


_lib = load_libsodium()
_buf = ctypes.create_string_buffer
# A private handle on the same library whose validity check takes a raw address, so the bulk
# check below passes slot addresses without slicing (pysodium's own functions stay untouched).
_is_valid_point_at = ctypes.CDLL(_lib._name).crypto_core_ristretto255_is_valid_point
_is_valid_point_at.argtypes = [ctypes.c_void_p]
_is_valid_point_at.restype = ctypes.c_int
# Below this many elements per worker thread the bulk check runs in the calling thread.
_BULK_CHUNK: Final = 1 << 15


def scalarmult_bytes(scalar: bytes, element: bytes) -> bytes:
    """``scalar * element``. Raises InvalidPointError if the result is the identity."""
    out = _buf(ELEMENT_LENGTH)
    if _lib.crypto_scalarmult_ristretto255(out, scalar, element) != 0:
        raise InvalidPointError("scalar multiplication gave the identity element")
    return out.raw


def scalarmult_base_bytes(scalar: bytes) -> bytes:
    """``scalar * G``. Raises InvalidPointError if ``scalar`` is zero."""
    out = _buf(ELEMENT_LENGTH)
    if _lib.crypto_scalarmult_ristretto255_base(out, scalar) != 0:
        raise InvalidPointError("scalar multiplication gave the identity element")
    return out.raw


def add_bytes(a: bytes, b: bytes) -> bytes:
    """``a + b`` for valid encodings."""
    out = _buf(ELEMENT_LENGTH)
    if _lib.crypto_core_ristretto255_add(out, a, b) != 0:
        raise InvalidPointError("addition of invalid elements")
    return out.raw


def from_uniform_bytes(uniform: bytes) -> bytes:
    """The RFC 9496 one-way map (section 4.3.4) of 64 uniform bytes to an element encoding."""
    if len(uniform) != UNIFORM_LENGTH:
        raise InvalidLengthError("the one-way map takes 64 bytes", field="uniform")
    out = _buf(ELEMENT_LENGTH)
    _lib.crypto_core_ristretto255_from_hash(out, uniform)
    return out.raw


def is_valid_encoding(data: bytes) -> bool:
    """True iff ``data`` is the canonical encoding of a non-identity element.

    RFC 9496 section 4.3.1 requires bit 255 to be clear; libsodium 1.0.18's
    ``is_valid_point`` ignores that bit, so it is checked here (found by threat-model attack 7).
    """
    return (
        len(data) == ELEMENT_LENGTH
        and data[-1] & 0x80 == 0
        and data != IDENTITY_ENCODING
        and _lib.crypto_core_ristretto255_is_valid_point(data) == 1
    )


def _first_rejected_by_libsodium(address: int, start: int, stop: int) -> int | None:
    # ctypes releases the GIL for the call, so several of these loops run on several cores.
    check = _is_valid_point_at
    first = address + start * ELEMENT_LENGTH
    for at in range(first, address + stop * ELEMENT_LENGTH, ELEMENT_LENGTH):
        if check(at) != 1:
            return start + (at - first) // ELEMENT_LENGTH
    return None


def first_invalid_encoding(table: bytes) -> int | None:
    """The index of the first 32-byte slot of ``table`` that is not the canonical encoding of a
    non-identity element (exactly :func:`is_valid_encoding` per slot), or None if all are.

    Bulk and in place: bit 255 and the identity are checked with numpy on the raw bytes, the
    libsodium check runs over slot addresses in the table's own buffer (no per-slot objects),
    split over the available cores. Extra memory: about 2 bytes per slot.
    """
    if len(table) % ELEMENT_LENGTH:
        raise InvalidLengthError("the table is not a whole number of elements", field="table")
    count = len(table) // ELEMENT_LENGTH
    if count == 0:
        return None
    raw = np.frombuffer(table, dtype=np.uint8)
    high_bit = np.flatnonzero(raw[ELEMENT_LENGTH - 1 :: ELEMENT_LENGTH] & 0x80)
    words = np.frombuffer(table, dtype=np.uint64)
    maybe_identity = np.flatnonzero(words[:: ELEMENT_LENGTH // 8] == 0)
    identity = [int(i) for i in maybe_identity if not np.any(words[4 * i : 4 * i + 4])]
    firsts = [int(high_bit[0])] if high_bit.size else []
    firsts += identity[:1]
    stop = min(firsts, default=count)
    holder = ctypes.c_char_p(table)  # points into ``table``'s own buffer (no copy)
    address = ctypes.cast(holder, ctypes.c_void_p).value
    assert address is not None
    workers = min(available_cores(), max(1, stop // _BULK_CHUNK))
    if workers == 1:
        rejected = _first_rejected_by_libsodium(address, 0, stop)
    else:
        bounds = [stop * k // workers for k in range(workers + 1)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = list(
                pool.map(
                    _first_rejected_by_libsodium,
                    [address] * workers,
                    bounds[:-1],
                    bounds[1:],
                )
            )
        rejected = next((i for i in found if i is not None), None)
    del holder
    if rejected is not None:
        return rejected
    return stop if stop < count else None


def scalar_reduce_bytes(uniform: bytes) -> bytes:
    """64 uniform bytes reduced modulo l (little-endian), as a canonical 32-byte scalar."""
    if len(uniform) != UNIFORM_LENGTH:
        raise InvalidLengthError("scalar reduction takes 64 bytes", field="uniform")
    value = int.from_bytes(uniform, "little") % GROUP_ORDER
    return value.to_bytes(SCALAR_LENGTH, "little")


@dataclass(frozen=True, slots=True)
class Element:
    """A non-identity ristretto255 element in canonical encoding."""

    encoding: bytes

    def __post_init__(self) -> None:
        if len(self.encoding) != ELEMENT_LENGTH:
            raise InvalidLengthError(
                f"a ristretto255 element is {ELEMENT_LENGTH} bytes, got {len(self.encoding)}"
            )
        if not is_valid_encoding(self.encoding):
            raise InvalidPointError("not the canonical encoding of a non-identity element")

    @classmethod
    def from_bytes(cls, data: bytes, *, field: str | None = None) -> Element:
        """Validating decoder; errors name ``field``."""
        if len(data) != ELEMENT_LENGTH:
            raise InvalidLengthError(
                f"a ristretto255 element is {ELEMENT_LENGTH} bytes, got {len(data)}", field=field
            )
        if not is_valid_encoding(data):
            raise InvalidPointError(
                "not the canonical encoding of a non-identity ristretto255 element", field=field
            )
        return cls(bytes(data))

    @classmethod
    def from_uniform(cls, uniform: bytes) -> Element:
        """The one-way map of 64 uniform bytes."""
        return cls(from_uniform_bytes(uniform))

    @classmethod
    def base_mult(cls, scalar: Scalar) -> Element:
        """``scalar * G``."""
        return cls(scalarmult_base_bytes(scalar.encoding))

    def __mul__(self, scalar: Scalar) -> Element:
        return Element(scalarmult_bytes(scalar.encoding, self.encoding))

    __rmul__ = __mul__

    def __add__(self, other: Element) -> Element:
        return Element(add_bytes(self.encoding, other.encoding))

    def __bytes__(self) -> bytes:
        return self.encoding


@dataclass(frozen=True, slots=True)
class Scalar:
    """A canonical scalar modulo the group order l (little-endian, 32 bytes)."""

    encoding: bytes

    def __post_init__(self) -> None:
        if len(self.encoding) != SCALAR_LENGTH:
            raise InvalidLengthError(f"a scalar is {SCALAR_LENGTH} bytes")
        if int.from_bytes(self.encoding, "little") >= GROUP_ORDER:
            raise InvalidScalarError("scalar is not reduced modulo the group order")

    @classmethod
    def from_bytes(cls, data: bytes, *, field: str | None = None, nonzero: bool = True) -> Scalar:
        """Validating decoder: 32 bytes, canonical, and (by default) not zero."""
        if len(data) != SCALAR_LENGTH:
            raise InvalidLengthError(
                f"a scalar is {SCALAR_LENGTH} bytes, got {len(data)}", field=field
            )
        value = int.from_bytes(data, "little")
        if value >= GROUP_ORDER:
            raise InvalidScalarError("scalar is not reduced modulo the group order", field=field)
        if nonzero and value == 0:
            raise InvalidScalarError("scalar is zero", field=field)
        return cls(bytes(data))

    @classmethod
    def from_uniform(cls, uniform: bytes) -> Scalar:
        """64 uniform bytes reduced modulo l (statistically uniform)."""
        return cls(scalar_reduce_bytes(uniform))

    @property
    def value(self) -> int:
        """The scalar as an integer in ``[0, l)``."""
        return int.from_bytes(self.encoding, "little")

    def __repr__(self) -> str:
        return "Scalar(<redacted>)"


def random_nonzero_scalar(rng: Randomness) -> Scalar:
    """A uniform non-zero scalar: 64 bytes from ``rng`` reduced mod l, redrawn if zero."""
    while True:
        scalar = Scalar.from_uniform(rng.random_bytes(UNIFORM_LENGTH))
        if scalar.value != 0:
            return scalar
