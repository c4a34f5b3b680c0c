"""One account across releases (SPEC.md sections 6.3 and 8.3, R.7): an account moved to a new
release keeps its keys, so shares made under both releases count toward one threshold, an
item sent under both counts once, and incompatible releases are refused naming the field."""

from __future__ import annotations

import pytest

from tests.tpsi.conftest import TEST_ACCOUNT_ID
from vouchsafe.protocol.vectors.drbg import SeededRandomness as seeded
from vouchsafe.sdk.crypto.randomness import Randomness
from vouchsafe.sdk.errors import ParamsMismatchError
from vouchsafe.sdk.tpsi import (
    AccountKeys,
    BlindedHashSet,
    OpenedVoucher,
    ServerKey,
    account_from_secret,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    process_voucher,
    recover_associated_data,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule

T = 3
KNOWN = [b"known-hash-%02d-xxxxxxxx" % i for i in range(12)]


def _release(key: ServerKey, rng: Randomness, synthetic_max: int = 8) -> BlindedHashSet:
    return blind_hash_set(
        key,
        KNOWN,
        max_candidates=2,
        synthetic_max=synthetic_max,
        padded_associated_data_length=64,
        rng=rng,
    )


@pytest.fixture(scope="module")
def world() -> tuple[tuple[ServerKey, ServerKey], BlindedHashSet, BlindedHashSet]:
    """Two releases of one chain, each under its own server key (SPEC.md R.7)."""
    rng = seeded(b"cross-release")
    keys = generate_server_keys(rng=rng), generate_server_keys(rng=rng)
    return keys, _release(keys[0], rng), _release(keys[1], rng)


def _opened(
    key: ServerKey, account: AccountKeys, blinded: BlindedHashSet, index: int
) -> OpenedVoucher:
    voucher = generate_voucher(
        account,
        blinded,
        candidate_hashes=[KNOWN[index]],
        item_id=b"item-%d" % index,
        associated_data=b"ad-%d" % index,
        account_id=TEST_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    assert voucher.params_digest == blinded.params.params_digest
    opened = process_voucher(key, blinded, voucher, account_id=TEST_ACCOUNT_ID)
    assert opened is not None and opened.params_digest == blinded.params.params_digest
    return opened


def test_moved_account_keeps_every_key(
    world: tuple[tuple[ServerKey, ServerKey], BlindedHashSet, BlindedHashSet],
) -> None:
    _, r1, r2 = world
    assert r1.params.params_digest != r2.params.params_digest
    account = new_account(r1.params, threshold=T)
    moved = account.for_release(r2.params)
    derived = account_from_secret(r2.params, account.secret, threshold=T)
    assert moved == derived
    assert moved.params_digest == r2.params.params_digest
    for name in ("fkey", "adkey", "shamir_coefficients", "dhf_coefficients", "secret"):
        assert getattr(moved, name) == getattr(account, name)


def test_matches_under_two_releases_cross_the_threshold_together(
    world: tuple[tuple[ServerKey, ServerKey], BlindedHashSet, BlindedHashSet],
) -> None:
    (key_1, key_2), r1, r2 = world
    assert r1.params.blinding_public != r2.params.blinding_public
    account = new_account(r1.params, threshold=T)
    old = [_opened(key_1, account, r1, i) for i in range(T - 1)]
    new = [_opened(key_2, account.for_release(r2.params), r2, T - 1)]
    assert not recover_associated_data(r1.params, old).threshold_reached
    result = recover_associated_data([r1.params, r2.params], old + new)
    assert result.threshold_reached and result.distinct_shares == T
    assert {(i.item_id, i.associated_data) for i in result.items} == {
        (b"item-%d" % i, b"ad-%d" % i) for i in range(T)
    }
    # The old single-release call still refuses the other release's voucher.
    with pytest.raises(ParamsMismatchError) as refused:
        recover_associated_data(r1.params, old + new)
    assert refused.value.field == "params_digest"


def test_same_item_under_both_releases_counts_once(
    world: tuple[tuple[ServerKey, ServerKey], BlindedHashSet, BlindedHashSet],
) -> None:
    (key_1, key_2), r1, r2 = world
    account = new_account(r1.params, threshold=T)
    old = [_opened(key_1, account, r1, i) for i in range(T - 1)]
    again = _opened(key_2, account.for_release(r2.params), r2, 0)
    assert again.item_tag == old[0].item_tag and again.share_y == old[0].share_y
    result = recover_associated_data([r1.params, r2.params], [*old, again])
    assert not result.threshold_reached and result.distinct_shares == T - 1


def test_incompatible_release_is_refused_naming_the_field(
    world: tuple[tuple[ServerKey, ServerKey], BlindedHashSet, BlindedHashSet],
) -> None:
    (key, _), r1, _ = world
    other = _release(key, seeded(b"other"), synthetic_max=9)
    account = new_account(r1.params, threshold=T)
    with pytest.raises(ParamsMismatchError) as moved:
        account.for_release(other.params)
    assert moved.value.field == "synthetic_max"
    stranger = new_account(other.params, threshold=T)
    opened = [_opened(key, account, r1, i) for i in range(T - 1)]
    opened.append(_opened(key, stranger, other, T - 1))
    with pytest.raises(ParamsMismatchError) as refused:
        recover_associated_data([r1.params, other.params], opened)
    assert refused.value.field == "synthetic_max"


def test_account_bound_to_old_release_cannot_make_vouchers_for_new_one(
    world: tuple[tuple[ServerKey, ServerKey], BlindedHashSet, BlindedHashSet],
) -> None:
    _, r1, r2 = world
    account = new_account(r1.params, threshold=T)
    with pytest.raises(ParamsMismatchError):
        generate_voucher(
            account,
            r2,
            candidate_hashes=[KNOWN[0]],
            item_id=b"x",
            associated_data=b"",
            account_id=TEST_ACCOUNT_ID,
            schedule=SyntheticSchedule.never(),
        )
