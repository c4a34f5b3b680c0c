"""The hazmat primitives agree with their standards and validate what they are given."""

from __future__ import annotations

import pytest

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.aead import open_committing, seal_committing
from vouchsafe.sdk.crypto.constant_time import bytes_eq
from vouchsafe.sdk.crypto.group import GROUP_ORDER, Element, Scalar
from vouchsafe.sdk.crypto.hash_to_group import hash_to_group
from vouchsafe.sdk.crypto.shamir import SHARE_PRIME, evaluate, interpolate_at_zero
from vouchsafe.sdk.errors import (
    DecryptionError,
    InvalidLengthError,
    InvalidPointError,
    InvalidScalarError,
    VouchsafeError,
)


def test_hash_to_group_is_domain_separated() -> None:
    assert hash_to_group(b"x" * 8) != hash_to_group(b"x" * 8, dst=labels.derive_label("Other"))


def test_element_from_bytes_rejects_identity_noncanonical_and_wrong_length() -> None:
    with pytest.raises(InvalidPointError):
        Element.from_bytes(bytes(32), field="q")
    with pytest.raises(InvalidPointError) as excinfo:
        Element.from_bytes(b"\xff" * 32, field="q")
    assert excinfo.value.field == "q"
    assert excinfo.value.code == "invalid_point"
    with pytest.raises(InvalidPointError):  # negative field element: odd s
        Element.from_bytes(b"\x01" + bytes(31))
    with pytest.raises(InvalidLengthError):
        Element.from_bytes(bytes(31))
    g = Element.base_mult(Scalar.from_bytes((1).to_bytes(32, "little")))
    assert Element.from_bytes(g.encoding) == g


def test_element_from_bytes_rejects_bit_255_set_which_libsodium_1_0_18_ignores() -> None:
    g = Element.base_mult(Scalar.from_bytes((1).to_bytes(32, "little")))
    high_bit = g.encoding[:31] + bytes([g.encoding[31] | 0x80])
    with pytest.raises(InvalidPointError):
        Element.from_bytes(high_bit, field="q")


def test_scalar_from_bytes_rejects_unreduced_and_zero() -> None:
    with pytest.raises(InvalidScalarError):
        Scalar.from_bytes(GROUP_ORDER.to_bytes(32, "little"))
    with pytest.raises(InvalidScalarError):
        Scalar.from_bytes(bytes(32))
    assert "redacted" in repr(Scalar.from_bytes((5).to_bytes(32, "little")))


def test_scalar_multiplication_is_consistent() -> None:
    a = Scalar.from_bytes((7).to_bytes(32, "little"))
    b = Scalar.from_bytes((11).to_bytes(32, "little"))
    ab = Scalar.from_bytes((77).to_bytes(32, "little"))
    g = Element.base_mult(a)
    assert g * b == Element.base_mult(ab)
    assert Element.base_mult(a) + Element.base_mult(b) == Element.base_mult(
        Scalar.from_bytes((18).to_bytes(32, "little"))
    )


def test_committing_aead_rejects_the_wrong_key_and_tampering() -> None:
    key, commitment = b"k" * 32, b"c" * 32
    ct = seal_committing(key, commitment, b"secret", b"aad")
    assert open_committing(key, commitment, ct, b"aad") == b"secret"
    with pytest.raises(DecryptionError):
        open_committing(b"j" * 32, commitment, ct, b"aad")
    with pytest.raises(DecryptionError):
        open_committing(key, b"d" * 32, ct, b"aad")
    with pytest.raises(DecryptionError):
        open_committing(key, commitment, ct[:-1] + bytes([ct[-1] ^ 1]), b"aad")
    with pytest.raises(VouchsafeError):
        open_committing(key, commitment, ct[:10], b"aad")


def test_shamir_reconstructs_with_t_points_and_not_with_fewer() -> None:
    coefficients = [123456789, 42, 7]  # t = 3
    points = [(x, evaluate(coefficients, x, SHARE_PRIME)) for x in (5, 9, 1000)]
    assert interpolate_at_zero(points, SHARE_PRIME) == 123456789
    assert interpolate_at_zero(points[:2], SHARE_PRIME) != 123456789


def test_constant_time_compare() -> None:
    assert bytes_eq(b"abc", b"abc")
    assert not bytes_eq(b"abc", b"abd")


def test_missing_libsodium_raises_a_clear_typed_error() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "sys.modules['pysodium'] = None  # as if pysodium / libsodium were absent\n"
        "try:\n"
        "    import vouchsafe.sdk.crypto.group\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc.code, 'libsodium' in str(exc))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["CryptoBackendMissingError", "crypto_backend_missing", "True"]
