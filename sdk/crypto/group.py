"""HAZMAT: the ristretto255 group (RFC 9496) over the system's libsodium, through ``pysodium``.

:class:`Element` and :class:`Scalar` are validated at construction: an ``Element`` is always the
canonical encoding of a non-identity group element, a ``Scalar`` always canonical (< l). The
``*_bytes`` functions are the unchecked fast path used inside the protocol on values that were
validated once; they call libsodium directly.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any, Final

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
