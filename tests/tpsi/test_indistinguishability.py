"""Nothing on the wire or in the outer step separates a real match from a synthetic voucher,
except what SPEC.md "Counting opened halves" states (and this file measures)."""

from __future__ import annotations

from tests.tpsi.conftest import TEST_ACCOUNT_ID, Setup, make_setup
from tests.tpsi.test_threshold import SYNTHETIC_PREFIX, _real_ids, _synthetic_ids
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.tpsi import AccountKeys, SafetyVoucher, generate_voucher, new_account, wire
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.sdk.tpsi.server_outer import opening_keys


def _voucher(
    setup: Setup, account: AccountKeys, item_id: bytes, hashes: list[bytes], rng: SeededRandomness
) -> SafetyVoucher:
    return generate_voucher(
        account,
        setup.blinded,
        candidate_hashes=hashes,
        item_id=item_id,
        associated_data=b"x" * (len(item_id) % 7),
        rng=rng,
        account_id=TEST_ACCOUNT_ID,
        schedule=(
            SyntheticSchedule.always(1)
            if item_id.startswith(SYNTHETIC_PREFIX)
            else SyntheticSchedule.never()
        ),
    )


def test_all_vouchers_of_a_configuration_have_the_same_length_and_shape(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=3, rng=rng)
    vouchers = [
        _voucher(setup, account, item_id, hashes, rng)
        for item_id in [*_real_ids(account, 3), *_synthetic_ids(account, 3)]
        for hashes in ([setup.known[0]], [setup.known[1], b"no match at all"], [b"12345678"])
    ]
    lengths = {len(wire.encode_safety_voucher(v)) for v in vouchers}
    halves = {len(v.halves) for v in vouchers}
    assert lengths == {len(wire.encode_safety_voucher(vouchers[0]))}
    assert halves == {setup.blinded.params.halves_per_voucher}


def test_a_non_matching_vouchers_halves_cannot_be_opened_with_alpha(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=3, rng=rng)
    v = _voucher(setup, account, b"benign", [b"benign-candidate-1", b"benign-candidate-2"], rng)
    assert opening_keys(setup.server_key, v) == []


def test_counting_opened_halves_a_single_match_looks_like_a_synthetic(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=3, rng=rng)
    for item_id in _real_ids(account, 5):
        v = _voucher(setup, account, item_id, [setup.known[3], b"no match here"], rng)
        assert len(opening_keys(setup.server_key, v)) == 1
    for item_id in _synthetic_ids(account, 5):
        v = _voucher(setup, account, item_id, [setup.known[3], setup.known[4]], rng)
        assert len(opening_keys(setup.server_key, v)) == 1


def test_counting_opened_halves_separates_multi_match_reals_unless_weights_match(
    rng: SeededRandomness,
) -> None:
    """With the default weights (1,) a real item matching two set entries opens two halves and
    a synthetic one always one: the count gives such reals away (the leak SPEC.md states).
    With weights (0, 1) synthetics open two halves too and the count is the same."""
    for weights, synthetic_count in (((1,), 1), ((0, 1), 2)):
        setup = make_setup(seed=b"weights", n=16, synthetic_open_weights=weights)
        account = new_account(setup.blinded.params, threshold=3, rng=rng)
        real = _voucher(setup, account, _real_ids(account, 1)[0], setup.known[:2], rng)
        assert len(opening_keys(setup.server_key, real)) == 2
        for item_id in _synthetic_ids(account, 4):
            synthetic = _voucher(setup, account, item_id, setup.known[:2], rng)
            assert len(opening_keys(setup.server_key, synthetic)) == synthetic_count
