"""Incremental, bounded recovery (SPEC.md section 8.3): only new vouchers are processed, the
result equals recovery from scratch, and a flood of crafted always-opening shares is capped:
the account is marked abuse_suspected and never recomputed."""

from __future__ import annotations

import dataclasses

from tests.tpsi.conftest import Setup
from tests.tpsi.test_threshold import T, _open, _real_ids, _synthetic_ids
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.crypto.shamir import SHARE_PRIME
from vouchsafe.sdk.tpsi import AccountRecovery, OpenedVoucher, new_account, recover_associated_data
from vouchsafe.sdk.tpsi.params import DHF_PRIME


def _shares(setup: Setup, rng: SeededRandomness, real: int, synthetic: int) -> list[OpenedVoucher]:
    account = new_account(setup.blinded.params, threshold=T, rng=rng)
    opened = [
        _open(setup, account, item_id, [b"no match here"], rng)
        for item_id in _synthetic_ids(account, synthetic)
    ]
    opened += [
        _open(setup, account, item_id, [setup.known[i]], rng)
        for i, item_id in enumerate(_real_ids(account, real))
    ]
    return [o for o in opened if o]


def test_recovery_fed_one_voucher_at_a_time_equals_recovery_at_once(
    setup: Setup, rng: SeededRandomness
) -> None:
    shares = _shares(setup, rng, real=T + 2, synthetic=setup.blinded.params.synthetic_max)
    state = AccountRecovery(setup.blinded.params, threshold=T)
    statuses = []
    for share in shares:
        statuses.append(state.add([share]).status)
    at_once = recover_associated_data(setup.blinded.params, shares, threshold=T)
    assert statuses.index("recovered") == len(shares) - 3  # the t-th real share
    assert sorted(i.item_id for i in state.items) == sorted(i.item_id for i in at_once.items)
    assert len(state.items) == T + 2 and state.synthetic_count == len(at_once.synthetic_item_tags)


def test_a_voucher_given_again_is_not_processed_again(setup: Setup, rng: SeededRandomness) -> None:
    shares = _shares(setup, rng, real=T - 1, synthetic=3)
    state = AccountRecovery(setup.blinded.params, threshold=T)
    assert state.add(shares).new_distinct == len(shares)
    again = state.add(shares)
    assert again.new_distinct == 0 and state.rows_kept == len(shares)


def _crafted(template: OpenedVoucher, i: int, width: int) -> OpenedVoucher:
    """An always-opening share a malicious client can make: any tag, any DHF value."""
    seed = SeededRandomness(b"flood-%d" % i)
    return dataclasses.replace(
        template,
        item_tag=(1 + int.from_bytes(seed.random_bytes(40), "big") % (SHARE_PRIME - 1)).to_bytes(
            32, "big"
        ),
        dhf_value=tuple(
            int.from_bytes(seed.random_bytes(16), "big") % DHF_PRIME for _ in range(width)
        ),
    )


def test_a_flood_of_crafted_shares_is_capped_and_never_recomputed(
    setup: Setup, rng: SeededRandomness
) -> None:
    template = _shares(setup, rng, real=1, synthetic=0)[0]
    s_max = setup.blinded.params.synthetic_max
    width = T - 1 + s_max
    state = AccountRecovery(setup.blinded.params, threshold=T)
    flood = [_crafted(template, i, s_max) for i in range(width + 20)]
    for share in flood[:width]:
        assert state.add([share]).status == "below_threshold"
    assert state.rows_kept == width  # the cap: t - 1 + s_max rows, no more
    update = state.add([flood[width]])
    assert update.status == "abuse_suspected" and "dependency" in update.abuse_reason
    later = state.add(flood[width + 1 :])
    assert later.status == "abuse_suspected" and later.new_distinct == 0
    assert state.rows_kept == 0 and state.items == []


def test_more_than_s_max_synthetic_shares_past_threshold_mark_abuse(
    setup: Setup, rng: SeededRandomness
) -> None:
    shares = _shares(setup, rng, real=T, synthetic=0)
    state = AccountRecovery(setup.blinded.params, threshold=T)
    assert state.add(shares).threshold_reached
    s_max = setup.blinded.params.synthetic_max
    flood = [_crafted(shares[0], i, s_max) for i in range(s_max + 1)]
    assert state.add(flood[:s_max]).status == "recovered"
    assert state.add(flood[s_max:]).status == "abuse_suspected"


def test_the_first_voucher_of_a_tag_is_used_and_arrival_order_is_kept(
    setup: Setup, rng: SeededRandomness
) -> None:
    shares = _shares(setup, rng, real=T - 1, synthetic=2)
    changed = dataclasses.replace(shares[0], share_y=(1).to_bytes(32, "big"))
    state = AccountRecovery(setup.blinded.params, threshold=T)
    state.add([shares[0], *shares[1:], changed])
    assert list(state._shares.values()) == shares  # first per tag, in arrival order
