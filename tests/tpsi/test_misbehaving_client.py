"""A misbehaving client never crashes the server: typed errors, and nothing accepted is lost."""

from __future__ import annotations

import dataclasses

import pytest

from tests.tpsi.conftest import TEST_ACCOUNT_ID, Setup
from tests.tpsi.test_threshold import T, _open, _real_ids
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.tpsi import (
    generate_voucher,
    new_account,
    process_voucher,
    recover_associated_data,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule


def test_a_voucher_whose_half_opens_but_inner_layer_is_garbage_opens_nothing(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    voucher = generate_voucher(
        account,
        setup.blinded,
        candidate_hashes=[setup.known[0]],
        item_id=b"x",
        associated_data=b"",
        rng=rng,
        account_id=TEST_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    forged = dataclasses.replace(voucher, rct=rng.random_bytes(len(voucher.rct)))
    # Treated like a voucher made for another account: no share, and an answer that does not
    # say whether a half opened.
    assert (
        process_voucher(setup.server_key, setup.blinded, forged, account_id=TEST_ACCOUNT_ID) is None
    )


def test_undecryptable_associated_data_is_reported_not_dropped(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    opened = [
        _open(setup, account, item_id, [setup.known[i]], rng)
        for i, item_id in enumerate(_real_ids(account, T + 1))
    ]
    shares = [o for o in opened if o]
    broken = dataclasses.replace(shares[0], adct=rng.random_bytes(len(shares[0].adct)))
    result = recover_associated_data(setup.blinded.params, [broken, *shares[1:]])
    assert result.threshold_reached
    assert result.undecryptable_item_tags == (broken.item_tag,)
    assert len(result.items) == T


def test_a_stored_opened_voucher_of_the_wrong_width_is_a_typed_error(
    setup: Setup, rng: SeededRandomness
) -> None:
    from vouchsafe.sdk.errors import InvalidLengthError

    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    opened = [
        _open(setup, account, item_id, [setup.known[i]], rng)
        for i, item_id in enumerate(_real_ids(account, T))
    ]
    shares = [o for o in opened if o]
    short = dataclasses.replace(shares[0], dhf_value=shares[0].dhf_value[:-1])
    with pytest.raises(InvalidLengthError):
        recover_associated_data(setup.blinded.params, [short, *shares[1:]])
