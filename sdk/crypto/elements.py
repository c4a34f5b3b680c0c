"""HAZMAT: checks on received ristretto255 element encodings (system libsodium via pysodium).

Only what release verification needs: is a 32-byte string the canonical encoding of a group
element, and is it the identity. (The protocol's full group API lives with the protocol core.)
"""

from __future__ import annotations

import pysodium

ELEMENT_SIZE = 32
IDENTITY_ENCODING = bytes(ELEMENT_SIZE)


def is_canonical_element(encoding: bytes) -> bool:
    """True if ``encoding`` is exactly 32 bytes and decodes to a ristretto255 element.

    libsodium rejects non-canonical encodings, so two distinct valid encodings are two distinct
    elements. The identity (all zero bytes) counts as valid here; see :func:`is_identity`.
    """
    if len(encoding) != ELEMENT_SIZE:
        return False
    return bool(pysodium.crypto_core_ristretto255_is_valid_point(encoding))


def is_identity(encoding: bytes) -> bool:
    """True if ``encoding`` is the (unique, canonical) encoding of the identity element."""
    return encoding == IDENTITY_ENCODING


def random_element() -> bytes:
    """A uniformly random valid, non-identity element (for filler slots and tests)."""
    while True:
        element: bytes = pysodium.crypto_core_ristretto255_random()
        if not is_identity(element):
            return element
