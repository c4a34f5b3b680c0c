"""What each AEAD of a voucher binds (SPEC.md section 7): a voucher opens only for the account
that made it, whatever order its halves are in; a half only under its own release and Q; an
associated-data ciphertext only under its own item tag. Each test fails without its binding."""

from __future__ import annotations

import dataclasses

from tests.tpsi.conftest import TEST_ACCOUNT_ID, Setup
from tests.tpsi.test_threshold import T, _open, _real_ids
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.crypto.group import random_nonzero_scalar, scalarmult_base_bytes
from vouchsafe.sdk.tpsi import (
    SyntheticSchedule,
    generate_voucher,
    new_account,
    process_voucher,
    recover_associated_data,
    wire,
)
from vouchsafe.sdk.tpsi.sealing import open_associated_data, open_half, seal_half


def _matching_voucher(setup: Setup, rng: SeededRandomness) -> wire.SafetyVoucher:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    return generate_voucher(
        account,
        setup.blinded,
        candidate_hashes=[setup.known[0]],
        item_id=b"victim item",
        associated_data=b"victim",
        account_id=TEST_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
        rng=rng,
    )


def test_a_permuted_copy_gets_a_new_voucher_id_but_opens_for_no_other_account(
    setup: Setup, rng: SeededRandomness
) -> None:
    voucher = _matching_voucher(setup, rng)
    permuted = dataclasses.replace(voucher, halves=tuple(reversed(voucher.halves)))
    assert wire.voucher_id(permuted) != wire.voucher_id(voucher)
    # the same content under its own account: it opens, re-ordered or not
    assert process_voucher(setup.server_key, setup.blinded, permuted, account_id=TEST_ACCOUNT_ID)
    # uploaded by anyone else: nothing, as for a non-match
    for other in (b"another-account", TEST_ACCOUNT_ID + b"x"):
        assert process_voucher(setup.server_key, setup.blinded, permuted, account_id=other) is None
        assert process_voucher(setup.server_key, setup.blinded, voucher, account_id=other) is None


def test_a_half_opens_only_under_its_own_release_and_q(setup: Setup, rng: SeededRandomness) -> None:
    s = scalarmult_base_bytes(random_nonzero_scalar(rng).encoding)
    q = scalarmult_base_bytes(random_nonzero_scalar(rng).encoding)
    other_q = scalarmult_base_bytes(random_nonzero_scalar(rng).encoding)
    digest = setup.blinded.params.params_digest
    ct = seal_half(s, digest, q, b"k" * 32)
    assert open_half(s, digest, q, ct) == b"k" * 32
    assert open_half(s, digest, other_q, ct) is None
    assert open_half(s, bytes(32), q, ct) is None


def test_associated_data_cannot_be_moved_to_another_share(
    setup: Setup, rng: SeededRandomness
) -> None:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    opened = [
        _open(setup, account, item_id, [setup.known[i]], rng)
        for i, item_id in enumerate(_real_ids(account, T))
    ]
    shares = [o for o in opened if o]
    swapped = dataclasses.replace(shares[0], adct=shares[1].adct)
    assert open_associated_data(account.adkey, shares[1].item_tag, shares[1].adct) is not None
    assert open_associated_data(account.adkey, swapped.item_tag, swapped.adct) is None
    result = recover_associated_data(setup.blinded.params, [swapped, *shares[1:]])
    assert result.threshold_reached
    assert result.undecryptable_item_tags == (swapped.item_tag,)
