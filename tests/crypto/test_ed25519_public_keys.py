"""``is_valid_public_key`` accepts honest Ed25519 keys and refuses every key no private key
stands behind: small order, a small-order component, non-canonical encodings, non-points."""

from __future__ import annotations

from tests.crypto import edwards_reference as ed
from vouchsafe.sdk.crypto import ed25519


def test_generated_keys_are_valid() -> None:
    for _ in range(20):
        assert ed25519.is_valid_public_key(ed25519.public_key(ed25519.generate_private_key()))


def test_the_eight_small_order_points_are_refused_in_every_encoding() -> None:
    torsion = ed.torsion_points()
    assert len({ed.encode(t) for t in torsion}) == 8
    encodings = set()
    for x, y in torsion:
        encodings.add(ed.encode((x, y)))
        if x == 0:  # the sign bit set on x = 0: a non-canonical copy
            encodings.add((y | 1 << 255).to_bytes(32, "little"))
        if y + ed.P < 2**255:  # y + p: a non-canonical copy
            encodings.add((y + ed.P | (x & 1) << 255).to_bytes(32, "little"))
    assert len(encodings) > 8
    for encoding in encodings:
        assert not ed25519.is_valid_public_key(encoding), encoding.hex()


def test_keys_with_a_small_order_component_are_refused() -> None:
    honest = ed.decode(ed25519.public_key(ed25519.generate_private_key()))
    assert honest is not None
    for t in ed.torsion_points()[1:]:
        mixed = ed.encode(ed.add(honest, t))
        assert not ed25519.is_valid_public_key(mixed)


def test_non_canonical_and_off_curve_encodings_are_refused() -> None:
    honest = ed25519.public_key(ed25519.generate_private_key())
    point = ed.decode(honest)
    assert point is not None and ed.encode(point) == honest
    y = 2
    while ed.x_for(y, 0) is not None:
        y += 1
    off_curve = y.to_bytes(32, "little")
    for data in (off_curve, b"\xff" * 32, honest[:31], honest + b"\x00", b""):
        assert not ed25519.is_valid_public_key(data)
