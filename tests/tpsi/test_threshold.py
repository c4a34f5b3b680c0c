"""The threshold semantics: >= t distinct real matches reveal every real item, fewer reveal
nothing, and synthetic vouchers hide which opened vouchers are real."""

from __future__ import annotations

import pytest

from tests.tpsi.conftest import TEST_ACCOUNT_ID, Setup
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.errors import InconsistentSharesError
from vouchsafe.sdk.tpsi import (
    AccountKeys,
    OpenedVoucher,
    account_from_secret,
    generate_voucher,
    new_account,
    process_voucher,
    recover_associated_data,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule

T = 3


SYNTHETIC_PREFIX = b"syn"


def _open(
    setup: Setup, account: AccountKeys, item_id: bytes, hashes: list[bytes], rng: SeededRandomness
) -> OpenedVoucher | None:
    """The opened voucher of one item; ids from ``_synthetic_ids`` are sent synthetic."""
    synthetic = item_id.startswith(SYNTHETIC_PREFIX)
    voucher = generate_voucher(
        account,
        setup.blinded,
        candidate_hashes=hashes,
        item_id=item_id,
        associated_data=b"ad:" + item_id,
        rng=rng,
        account_id=TEST_ACCOUNT_ID,
        schedule=SyntheticSchedule.always(1) if synthetic else SyntheticSchedule.never(),
    )
    return process_voucher(setup.server_key, setup.blinded, voucher, account_id=TEST_ACCOUNT_ID)


def _real_ids(account: AccountKeys, count: int, prefix: bytes = b"real") -> list[bytes]:
    """Item ids sent as real vouchers."""
    return [prefix + str(i).encode() for i in range(count)]


def _synthetic_ids(account: AccountKeys, count: int) -> list[bytes]:
    """Item ids sent as synthetic vouchers (distinct ids, so distinct synthetic shares)."""
    return [SYNTHETIC_PREFIX + str(i).encode() for i in range(count)]


def test_server_learns_nothing_below_threshold(setup: Setup, rng: SeededRandomness) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    opened = [
        _open(setup, account, item_id, [setup.known[i]], rng)
        for i, item_id in enumerate(_real_ids(account, T - 1))
    ]
    opened += [
        _open(setup, account, item_id, [setup.known[10]], rng)
        for item_id in _synthetic_ids(account, 4)
    ]
    assert all(o is not None for o in opened)
    result = recover_associated_data(setup.blinded.params, [o for o in opened if o])
    assert not result.threshold_reached
    assert result.items == () and result.synthetic_item_tags == ()
    assert result.distinct_shares == T - 1 + 4


def test_server_recovers_every_real_item_at_threshold_and_labels_synthetics(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    real_ids = _real_ids(account, T)
    opened = [
        _open(setup, account, item_id, [setup.known[i]], rng) for i, item_id in enumerate(real_ids)
    ]
    synthetic = [
        _open(setup, account, item_id, [b"\x00" * 32], rng)
        for item_id in _synthetic_ids(account, 5)
    ]
    assert all(o is not None for o in opened + synthetic)
    result = recover_associated_data(setup.blinded.params, [o for o in opened + synthetic if o])
    assert result.threshold_reached
    assert sorted(item.item_id for item in result.items) == sorted(real_ids)
    assert all(item.associated_data == b"ad:" + item.item_id for item in result.items)
    assert sorted(result.synthetic_item_tags) == sorted(o.item_tag for o in synthetic if o)
    assert result.undecryptable_item_tags == ()


def test_duplicate_item_ids_never_count_twice(setup: Setup, rng: SeededRandomness) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    ids = _real_ids(account, T - 1)
    opened = [
        _open(setup, account, item_id, [setup.known[i]], rng)
        for _ in range(3)
        for i, item_id in enumerate(ids)
    ]
    result = recover_associated_data(setup.blinded.params, [o for o in opened if o])
    assert result.distinct_shares == T - 1
    assert not result.threshold_reached


def test_two_devices_produce_identical_shares_for_one_id(
    setup: Setup, rng: SeededRandomness
) -> None:
    first = new_account(setup.blinded.params, threshold=T, rng=rng)
    second = account_from_secret(setup.blinded.params, first.secret, threshold=T)
    for item_id in [*_real_ids(first, 2), *_synthetic_ids(first, 2)]:
        a = _open(setup, first, item_id, [setup.known[0]], rng)
        b = _open(setup, second, item_id, [setup.known[0]], rng)
        assert a is not None and b is not None
        assert (a.item_tag, a.share_y, a.dhf_value) == (b.item_tag, b.share_y, b.dhf_value)
        assert a.voucher_id != b.voucher_id  # fresh randomness, different uploads


def test_non_matching_voucher_does_not_open(setup: Setup, rng: SeededRandomness) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    assert _open(setup, account, b"benign", [b"not in the set!!"], rng) is None


def test_every_matching_candidate_opens_the_voucher(setup: Setup, rng: SeededRandomness) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    for i in range(20):
        assert _open(setup, account, b"m%d" % i, [b"miss-%d-padding" % i, setup.known[i]], rng)


def test_a_device_stops_making_synthetics_at_its_budget(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    schedule = SyntheticSchedule.always(setup.blinded.params.synthetic_max)
    opened = []
    for i in range(40):
        voucher = generate_voucher(
            account,
            setup.blinded,
            candidate_hashes=[b"nothing matches"],
            item_id=b"item%d" % i,
            associated_data=b"",
            rng=rng,
            account_id=TEST_ACCOUNT_ID,
            schedule=schedule,
        )
        opened.append(
            process_voucher(setup.server_key, setup.blinded, voucher, account_id=TEST_ACCOUNT_ID)
        )
    shares = [o for o in opened if o]
    assert len(shares) == setup.blinded.params.synthetic_max == schedule.synthetic_count
    result = recover_associated_data(setup.blinded.params, shares)
    assert result.distinct_shares == setup.blinded.params.synthetic_max
    assert not result.threshold_reached and not result.abuse_suspected


def test_recovery_refuses_thresholds_other_than_the_policy(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    low = new_account(setup.blinded.params, threshold=2, rng=rng)
    opened = [
        _open(setup, account, b"a", [setup.known[0]], rng),
        _open(setup, low, b"b", [setup.known[1]], rng),
    ]
    shares = [o for o in opened if o]
    with pytest.raises(InconsistentSharesError):
        recover_associated_data(setup.blinded.params, shares)
    with pytest.raises(InconsistentSharesError):
        recover_associated_data(setup.blinded.params, shares[1:], threshold=T)
    result = recover_associated_data(setup.blinded.params, shares[:1], threshold=T)
    assert not result.threshold_reached


@pytest.mark.parametrize("t", [2, 4, 7])
def test_both_threshold_edges_with_synthetics_present(setup: Setup, t: int) -> None:
    """t - 1 distinct real matches: nothing; the t-th: every real item, synthetics labelled."""
    rng = SeededRandomness(b"edges-%d" % t)
    account = new_account(setup.blinded.params, threshold=t, rng=rng)
    synthetic = [
        _open(setup, account, item_id, [b"no match at all"], rng)
        for item_id in _synthetic_ids(account, setup.blinded.params.synthetic_max)
    ]
    real_ids = _real_ids(account, t)
    real = [
        _open(setup, account, item_id, [setup.known[i]], rng) for i, item_id in enumerate(real_ids)
    ]
    below = recover_associated_data(
        setup.blinded.params, [o for o in [*synthetic, *real[:-1]] if o], threshold=t
    )
    assert not below.threshold_reached and below.items == ()
    at = recover_associated_data(
        setup.blinded.params, [o for o in [*synthetic, *real] if o], threshold=t
    )
    assert at.threshold_reached
    assert sorted(i.item_id for i in at.items) == sorted(real_ids)
    assert len(at.synthetic_item_tags) == setup.blinded.params.synthetic_max
