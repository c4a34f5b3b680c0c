"""Device side: ``GenerateVoucher`` with its real and synthetic branches (SPEC.md sections
"GenerateVoucher", "MakeHalf", "MakeSyntheticVoucher")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vouchsafe.sdk.crypto.group import (
    UNIFORM_LENGTH,
    add_bytes,
    from_uniform_bytes,
    random_nonzero_scalar,
    scalarmult_base_bytes,
    scalarmult_bytes,
)
from vouchsafe.sdk.crypto.hash_to_group import hash_to_group_bytes
from vouchsafe.sdk.crypto.randomness import Randomness, os_randomness, random_below, shuffle
from vouchsafe.sdk.crypto.shamir import SHARE_ELEMENT_LENGTH
from vouchsafe.sdk.errors import InvalidLengthError, InvalidParameterError, ParamsMismatchError
from vouchsafe.sdk.tpsi.account import (
    AccountKeys,
    item_tag,
    real_dhf_lanes,
    real_share,
    synthetic_share_lanes,
)
from vouchsafe.sdk.tpsi.cuckoo import CuckooPositions
from vouchsafe.sdk.tpsi.lanes import encode_lanes
from vouchsafe.sdk.tpsi.messages import SafetyVoucher, VoucherHalf
from vouchsafe.sdk.tpsi.params import (
    HALF_CIPHERTEXT_LENGTH,
    MAX_CANDIDATE_LENGTH,
    MAX_ITEM_ID_LENGTH,
    MIN_CANDIDATE_LENGTH,
    BlindedHashSet,
    ServerParams,
    adct_length,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.sdk.tpsi.sealing import (
    check_account_id,
    pad_associated_data,
    seal_associated_data,
    seal_half,
    seal_inner,
)

RKEY_LENGTH = 32

Trace = Callable[[str, object], None]
"""Receives every named intermediate (SPEC.md names) while a voucher is made; the vector
generator records them. The default discards them."""


def _no_trace(name: str, value: object) -> None:
    return None


def make_half(
    params: ServerParams,
    h_y: bytes,
    p_w: bytes,
    rkey: bytes,
    rng: Randomness,
    trace: Trace = _no_trace,
) -> VoucherHalf:
    """MakeHalf: Q = beta*H(y) + gamma*G, S = beta*P_w + gamma*L, ct = Seal(HalfKey(S), rkey)."""
    beta = random_nonzero_scalar(rng).encoding
    gamma = random_nonzero_scalar(rng).encoding
    q = add_bytes(scalarmult_bytes(beta, h_y), scalarmult_base_bytes(gamma))
    s = add_bytes(
        scalarmult_bytes(beta, p_w), scalarmult_bytes(gamma, params.blinding_public.encoding)
    )
    ct = seal_half(s, params.params_digest, q, rkey)
    for name, value in (("beta", beta), ("gamma", gamma), ("Q", q), ("S", s), ("ct", ct)):
        trace(name, value)
    return VoucherHalf(q=q, ct=ct)


def make_opening_half(
    params: ServerParams, rkey: bytes, rng: Randomness, trace: Trace = _no_trace
) -> VoucherHalf:
    """A synthetic voucher's half that always opens: Q = beta*G, S = beta*L."""
    beta = random_nonzero_scalar(rng).encoding
    q = scalarmult_base_bytes(beta)
    s = scalarmult_bytes(beta, params.blinding_public.encoding)
    ct = seal_half(s, params.params_digest, q, rkey)
    for name, value in (("beta", beta), ("Q", q), ("S", s), ("ct", ct)):
        trace(name, value)
    return VoucherHalf(q=q, ct=ct)


def make_padding_half(rng: Randomness) -> VoucherHalf:
    """A half that never opens: a uniform element and uniform bytes."""
    q = from_uniform_bytes(rng.random_bytes(UNIFORM_LENGTH))
    return VoucherHalf(q=q, ct=rng.random_bytes(HALF_CIPHERTEXT_LENGTH))


def _check_inputs(
    account: AccountKeys, params: ServerParams, candidates: Sequence[bytes], item_id: bytes
) -> list[bytes]:
    if account.params_digest != params.params_digest:
        raise ParamsMismatchError(
            "the account is bound to another release; move it with "
            "account.for_release(blinded.params)",
            field="params",
        )
    unique = list(dict.fromkeys(candidates))
    if not 1 <= len(unique) <= params.max_candidates:
        raise InvalidParameterError(
            f"1..{params.max_candidates} distinct candidate hashes per item, got {len(unique)}",
            field="candidate_hashes",
        )
    for y in unique:
        if not isinstance(y, bytes) or not MIN_CANDIDATE_LENGTH <= len(y) <= MAX_CANDIDATE_LENGTH:
            raise InvalidLengthError(
                f"candidate hashes are {MIN_CANDIDATE_LENGTH}..{MAX_CANDIDATE_LENGTH} bytes",
                field="candidate_hashes",
            )
    if not 1 <= len(item_id) <= MAX_ITEM_ID_LENGTH:
        raise InvalidLengthError(f"item ids are 1..{MAX_ITEM_ID_LENGTH} bytes", field="item_id")
    return unique


def _inner_plaintext(threshold: int, x: int, y: int, r: bytes, adct: bytes) -> bytes:
    return b"".join(
        [
            threshold.to_bytes(2, "big"),
            x.to_bytes(SHARE_ELEMENT_LENGTH, "big"),
            y.to_bytes(SHARE_ELEMENT_LENGTH, "big"),
            r,
            adct,
        ]
    )


def _opening_count(weights: Sequence[int], rng: Randomness) -> int:
    """How many halves of a synthetic voucher open: i + 1 with probability weights[i] / sum."""
    pick = random_below(rng, sum(weights))
    return next(i + 1 for i in range(len(weights)) if pick < sum(weights[: i + 1]))


def generate_voucher(
    account: AccountKeys,
    blinded: BlindedHashSet,
    *,
    candidate_hashes: Sequence[bytes],
    item_id: bytes,
    associated_data: bytes,
    account_id: bytes,
    schedule: SyntheticSchedule,
    rng: Randomness | None = None,
    trace: Trace = _no_trace,
) -> SafetyVoucher:
    """GenerateVoucher: the safety voucher for one media item.

    ``account_id`` is the provider's identifier of the uploading account (1..255 bytes; the
    voucher opens only for it). ``schedule`` is this device's synthetic schedule: it decides
    (and records) whether the item is synthetic. Real: every candidate y yields one half per
    cuckoo position of y. Synthetic: halves that always open carry the item's pseudorandom
    synthetic share. Both are padded with never-opening halves to 2 * max_candidates and
    shuffled.

    Constant work (SPEC.md "GenerateVoucher"): both branches make the same sequence of
    primitive calls with the same lengths — the real halves, the opening halves, the real and
    the synthetic share, both associated-data ciphertexts and enough padding halves for
    either — and only then keep one branch's outputs, so the time taken does not tell an
    observer of the device whether the voucher is synthetic.
    """
    rng = rng or os_randomness()
    params = blinded.params
    candidates = _check_inputs(account, params, candidate_hashes, item_id)
    check_account_id(account_id)
    padded = pad_associated_data(item_id, associated_data, params.padded_associated_data_length)
    positions = CuckooPositions(params.table_size, params.cuckoo_nonce_1, params.cuckoo_nonce_2)
    synthetic = schedule.decide(account, item_id)
    synthetic_trace = trace if synthetic else _no_trace
    rkey = rng.random_bytes(RKEY_LENGTH)
    trace("rkey", rkey)
    real_halves: list[VoucherHalf] = []
    for y in candidates:
        h_y = hash_to_group_bytes(y)
        trace("H(y)", h_y)
        for w in positions(y):
            trace("w", w)
            real_halves.append(make_half(params, h_y, blinded.element(w), rkey, rng, trace))
    weights = params.synthetic_open_weights
    opening = _opening_count(weights, rng)
    synthetic_trace("opening_halves", opening)
    opening_halves = [
        make_opening_half(params, rkey, rng, synthetic_trace if k < opening else _no_trace)
        for k in range(len(weights))
    ]
    x = item_tag(account, item_id)
    real_inner_share = (real_share(account, x), encode_lanes(real_dhf_lanes(account, x)))
    fake = synthetic_share_lanes(account, item_id)
    real_adct = seal_associated_data(
        account.adkey, x.to_bytes(SHARE_ELEMENT_LENGTH, "big"), padded, rng
    )
    synthetic_adct = rng.random_bytes(adct_length(params.padded_associated_data_length))
    padding = [
        make_padding_half(rng)
        for _ in range(params.halves_per_voucher - min(len(real_halves), opening))
    ]
    real_inner = _inner_plaintext(account.threshold, x, *real_inner_share, real_adct)
    synthetic_inner = _inner_plaintext(
        account.threshold, fake.x, fake.y, encode_lanes(fake.r), synthetic_adct
    )
    if synthetic:
        halves, inner, adct = opening_halves[:opening], synthetic_inner, synthetic_adct
    else:
        halves, inner, adct = real_halves, real_inner, real_adct
    halves = halves + padding[: params.halves_per_voucher - len(halves)]
    shuffle(rng, halves)
    rct = seal_inner(rkey, inner, params.params_digest, account_id)
    trace("synthetic", synthetic)
    trace("adct", adct)
    trace("inner_plaintext", inner)
    trace("rct", rct)
    return SafetyVoucher(params_digest=params.params_digest, halves=tuple(halves), rct=rct)
