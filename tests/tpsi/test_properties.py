"""Hypothesis properties: share recovery at t and t - 1, DHF detection, encode/decode."""

from __future__ import annotations

import contextlib
import dataclasses
import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.crypto.shamir import SHARE_PRIME, evaluate, interpolate_at_zero
from vouchsafe.sdk.errors import VouchsafeError
from vouchsafe.sdk.tpsi import recover_associated_data, wire
from vouchsafe.sdk.tpsi.dhf import detect_real_shares
from vouchsafe.sdk.tpsi.messages import OpenedVoucher, SafetyVoucher, VoucherHalf
from vouchsafe.sdk.tpsi.params import DHF_PRIME, ServerParams, adct_length

field_p = st.integers(min_value=0, max_value=SHARE_PRIME - 1)
field_q = st.integers(min_value=0, max_value=DHF_PRIME - 1)


@st.composite
def polynomial_and_points(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    t = draw(st.integers(min_value=2, max_value=8))
    coefficients = draw(st.lists(field_p, min_size=t, max_size=t))
    xs = draw(st.lists(st.integers(1, SHARE_PRIME - 1), min_size=t, max_size=t, unique=True))
    return coefficients, xs


@given(polynomial_and_points())
def test_t_shares_recover_the_secret(case: tuple[list[int], list[int]]) -> None:
    coefficients, xs = case
    points = [(x, evaluate(coefficients, x, SHARE_PRIME)) for x in xs]
    assert interpolate_at_zero(points, SHARE_PRIME) == coefficients[0]


def _interpolating_coefficients(points: list[tuple[int, int]], modulus: int) -> list[int]:
    """Coefficients (low degree first) of the polynomial of degree < len(points) through them."""
    result = [0] * len(points)
    for i, (xi, yi) in enumerate(points):
        basis = [1]
        denominator = 1
        for j, (xj, _) in enumerate(points):
            if j != i:
                basis = [
                    ((basis[k - 1] if k else 0) - xj * (basis[k] if k < len(basis) else 0))
                    % modulus
                    for k in range(len(basis) + 1)
                ]
                denominator = denominator * (xi - xj) % modulus
        scale = yi * pow(denominator, -1, modulus) % modulus
        for k, c in enumerate(basis):
            result[k] = (result[k] + scale * c) % modulus
    return result


@given(polynomial_and_points(), field_p)
def test_t_minus_1_shares_are_consistent_with_every_secret(
    case: tuple[list[int], list[int]], other_secret: int
) -> None:
    """For any candidate secret s' a polynomial of degree t - 1 with f(0) = s' passes through
    the t - 1 shares: below threshold the shares carry no information about the secret."""
    coefficients, xs = case
    shares = [(x, evaluate(coefficients, x, SHARE_PRIME)) for x in xs[:-1]]
    other = _interpolating_coefficients([(0, other_secret), *shares], SHARE_PRIME)
    assert len(other) == len(coefficients)
    assert evaluate(other, 0, SHARE_PRIME) == other_secret
    assert all(evaluate(other, x, SHARE_PRIME) == y for x, y in shares)
    assert (
        interpolate_at_zero([*shares, (xs[-1], evaluate(other, xs[-1], SHARE_PRIME))], SHARE_PRIME)
        == other_secret
    )


@st.composite
def dhf_instance(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, list[int]]], set[int]]:
    t = draw(st.integers(min_value=2, max_value=6))
    m = draw(st.integers(min_value=1, max_value=6))
    n_real = draw(st.integers(min_value=0, max_value=t + 4))
    n_syn = draw(st.integers(min_value=0, max_value=m))
    polys = [draw(st.lists(field_q, min_size=t - 1, max_size=t - 1)) for _ in range(m)]
    xs = draw(
        st.lists(
            st.integers(1, DHF_PRIME - 1),
            min_size=n_real + n_syn,
            max_size=n_real + n_syn,
            unique=True,
        )
    )
    points: list[tuple[int, list[int]]] = []
    for x in xs[:n_real]:
        points.append((x, [evaluate(g, x, DHF_PRIME) for g in polys]))
    # synthetic values are uniformly random (the spec's assumption), not adversarially chosen:
    # a value that happens to lie on the real polynomials (probability ~ 1/q) is a real share
    noise = SeededRandomness(draw(st.binary(min_size=8, max_size=8)))
    for x in xs[n_real:]:
        r = [int.from_bytes(noise.random_bytes(16), "big") % DHF_PRIME for _ in range(m)]
        points.append((x, r))
    order = draw(st.permutations(range(len(points))))
    shuffled = [points[i] for i in order]
    real = {pos for pos, i in enumerate(order) if i < n_real}
    return t, m, shuffled, real


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(dhf_instance())
def test_dhf_detects_exactly_the_real_shares_from_t_on(
    case: tuple[int, int, list[tuple[int, list[int]]], set[int]],
) -> None:
    t, m, points, real = case
    detected = detect_real_shares(points, t, m)
    if len(real) >= t:
        assert detected == real
    else:
        assert detected == set()


@st.composite
def vouchers(draw: st.DrawFn) -> SafetyVoucher:
    halves = draw(
        st.lists(
            st.tuples(st.binary(min_size=32, max_size=32), st.binary(min_size=80, max_size=80)),
            min_size=1,
            max_size=4,
        )
    )
    return SafetyVoucher(
        params_digest=draw(st.binary(min_size=32, max_size=32)),
        halves=tuple(VoucherHalf(q=q, ct=ct) for q, ct in halves),
        rct=draw(st.binary(max_size=64)),
    )


@given(vouchers(), st.data())
def test_voucher_decoding_accepts_valid_and_rejects_mutations_with_typed_errors(
    voucher: SafetyVoucher, data: st.DataObject
) -> None:
    encoded = wire.encode_safety_voucher(voucher)
    try:
        assert wire.decode_safety_voucher(encoded) == voucher
    except VouchsafeError as exc:  # random q is usually not a valid point
        assert exc.code in {"invalid_point"}
    position = data.draw(st.integers(0, len(encoded) - 1))
    mutated = bytearray(encoded)
    mutated[position] ^= data.draw(st.integers(1, 255))
    for candidate in (bytes(mutated), encoded[:position], encoded + encoded[: position + 1]):
        with contextlib.suppress(VouchsafeError):
            wire.decode_safety_voucher(candidate)


@functools.cache
def _small_params() -> ServerParams:
    from tests.tpsi.conftest import make_setup

    return make_setup(n=16).blinded.params


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 40), st.integers(1, 2**255), st.binary(min_size=32, max_size=32))
def test_packed_dhf_evaluation_equals_horner(t: int, x: int, secret: bytes) -> None:
    from vouchsafe.sdk.tpsi.account import account_from_secret, real_dhf_value

    params = _small_params()
    account = account_from_secret(params, secret, threshold=t)
    expected = tuple(evaluate(g, x % DHF_PRIME, DHF_PRIME) for g in account.dhf_coefficients)
    assert real_dhf_value(account, x) == expected


@st.composite
def opened_vouchers(draw: st.DrawFn) -> list[OpenedVoucher]:
    params = _small_params()
    ADCT = adct_length(params.padded_associated_data_length)
    t = draw(st.integers(2, 4))
    count = draw(st.integers(0, 8))
    # with t = 2 (constant DHF polynomials) equal dhf values look real: this reaches
    # interpolation and decryption of (undecryptable) associated data
    shared = draw(st.booleans())
    shared_r = tuple(range(params.synthetic_max))
    if shared:
        t = 2
    out = []
    for _ in range(count):
        out.append(
            OpenedVoucher(
                voucher_id=draw(st.binary(min_size=32, max_size=32)),
                params_digest=params.params_digest,
                threshold=t,
                item_tag=draw(st.integers(0, 2**255 - 20)).to_bytes(32, "big"),
                share_y=draw(st.integers(0, 2**255 - 20)).to_bytes(32, "big"),
                dhf_value=shared_r
                if shared
                else tuple(
                    draw(
                        st.lists(
                            st.integers(0, 2**64 - 1),
                            min_size=params.synthetic_max,
                            max_size=params.synthetic_max,
                        )
                    )
                ),
                adct=draw(st.binary(min_size=ADCT, max_size=ADCT)),
            )
        )
    return out


@settings(max_examples=60, deadline=None)
@given(opened_vouchers())
def test_recovery_on_arbitrary_opened_vouchers_returns_or_raises_typed_errors(
    opened: list[OpenedVoucher],
) -> None:
    try:
        result = recover_associated_data(_small_params(), opened)
    except VouchsafeError:
        return
    assert result.items == ()  # nobody knows the adkey of random shares
    if result.threshold_reached:
        assert len(result.undecryptable_item_tags) >= 2
    if opened:
        short = dataclasses.replace(opened[0], adct=b"short")
        with pytest.raises(VouchsafeError):
            recover_associated_data(_small_params(), [short, *opened[1:]])
