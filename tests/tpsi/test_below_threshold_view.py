"""Below threshold the server's view does not depend on how many opened vouchers are real:
the mechanics (linear algebra) and the distributions (measured)."""

from __future__ import annotations

from collections import Counter

from tests.tpsi.conftest import Setup
from tests.tpsi.test_threshold import T, _open, _real_ids, _synthetic_ids
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.crypto.linear_algebra import RowSpace
from vouchsafe.sdk.crypto.shamir import SHARE_PRIME
from vouchsafe.sdk.tpsi import new_account, recover_associated_data
from vouchsafe.sdk.tpsi.account import item_tag, real_dhf_value, real_share, synthetic_share
from vouchsafe.sdk.tpsi.params import DHF_PRIME


def test_t_minus_1_real_shares_are_uniform_given_the_secret(setup: Setup) -> None:
    """(y_1..y_{t-1}) = V (a_1..a_{t-1}) + a_0 with V = [x_i^j], j = 1..t-1, and
    (r_1..r_{t-1})_k = W g_k with W = [x_i^j], j = 0..t-2. Both V and W are invertible, so
    uniform coefficients give uniform shares and DHF values whatever a_0 is."""
    rng = SeededRandomness(b"uniform")
    for t in (2, 3, 7):
        account = new_account(setup.blinded.params, threshold=t, rng=rng)
        xs = [item_tag(account, b"id%d" % i) for i in range(t - 1)]
        v = [[pow(x, j, SHARE_PRIME) for j in range(1, t)] for x in xs]
        w = [[pow(x % DHF_PRIME, j, DHF_PRIME) for j in range(t - 1)] for x in xs]
        # RowSpace needs a modulus < 2^64; V's independence mod p is checked by Gaussian
        # elimination through its determinant being non-zero (Vandermonde, distinct x).
        assert all(xi % SHARE_PRIME != xj % SHARE_PRIME for i, xi in enumerate(xs) for xj in xs[:i])
        assert len(v) == t - 1
        space = RowSpace(t - 1, DHF_PRIME, t - 1)
        assert all(space.add(row) for row in w)


def _chi_square(counts: Counter[int], buckets: int, total: int) -> float:
    expected = total / buckets
    return sum((counts.get(b, 0) - expected) ** 2 / expected for b in range(buckets))


def test_real_and_synthetic_shares_and_dhf_values_are_uniformly_distributed(setup: Setup) -> None:
    """Low bits of y and of r_1 over many accounts: real and synthetic both pass a chi-square
    test at 16 buckets (critical value 37.7 at p = 0.001, 15 degrees of freedom)."""
    rng = SeededRandomness(b"chi")
    real_y: Counter[int] = Counter()
    real_r: Counter[int] = Counter()
    syn_y: Counter[int] = Counter()
    syn_r: Counter[int] = Counter()
    total = 800
    for _ in range(total):
        account = new_account(setup.blinded.params, threshold=T, rng=rng)
        x = item_tag(account, b"item")
        real_y[real_share(account, x) % 16] += 1
        real_r[real_dhf_value(account, x)[0] % 16] += 1
        _sx, sy, sr = synthetic_share(account, b"item")
        syn_y[sy % 16] += 1
        syn_r[sr[0] % 16] += 1
    for counts in (real_y, real_r, syn_y, syn_r):
        assert _chi_square(counts, 16, total) < 37.7


def test_view_with_t_minus_1_reals_matches_view_with_none(setup: Setup) -> None:
    rng = SeededRandomness(b"views")
    views = []
    for real_count in (0, T - 1):
        account = new_account(setup.blinded.params, threshold=T, rng=rng)
        opened = [
            _open(setup, account, item_id, [setup.known[i]], rng)
            for i, item_id in enumerate(_real_ids(account, real_count))
        ]
        opened += [
            _open(setup, account, item_id, [b"unrelated hash"], rng)
            for item_id in _synthetic_ids(account, 5 - real_count)
        ]
        shares = [o for o in opened if o]
        result = recover_associated_data(setup.blinded.params, shares)
        views.append((len(shares), result))
    assert views[0] == views[1]
    assert views[0][1].threshold_reached is False
