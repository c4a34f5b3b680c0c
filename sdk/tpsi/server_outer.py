"""Server side, outer step: ``ProcessVoucher`` (SPEC.md section of the same name)."""

from __future__ import annotations

from vouchsafe.sdk.crypto.group import scalarmult_bytes
from vouchsafe.sdk.crypto.shamir import SHARE_ELEMENT_LENGTH, SHARE_PRIME
from vouchsafe.sdk.errors import InvalidPointError, MalformedVoucherError
from vouchsafe.sdk.tpsi.lanes import all_reduced, decode_lanes
from vouchsafe.sdk.tpsi.messages import OpenedVoucher, SafetyVoucher
from vouchsafe.sdk.tpsi.params import (
    DHF_ELEMENT_LENGTH,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    BlindedHashSet,
    ServerKey,
    ServerParams,
    adct_length,
)
from vouchsafe.sdk.tpsi.sealing import check_account_id, open_half, open_inner
from vouchsafe.sdk.tpsi.wire import check_voucher_shape, voucher_id


def opening_keys(server_key: ServerKey, voucher: SafetyVoucher) -> list[bytes]:
    """Every rkey the voucher's halves yield under alpha, in half order.

    Work is the same whatever opens: alpha * Q and the commitment check for every half.
    """
    alpha = server_key.alpha.encoding
    keys: list[bytes] = []
    for half in voucher.halves:
        try:
            s = scalarmult_bytes(alpha, half.q)
        except InvalidPointError:
            continue
        rkey = open_half(s, voucher.params_digest, half.q, half.ct)
        if rkey is not None:
            keys.append(rkey)
    return keys


def _parse_inner(inner: bytes, params: ServerParams, vid: bytes) -> OpenedVoucher:
    m = params.synthetic_max
    threshold = int.from_bytes(inner[0:2], "big")
    x_bytes = inner[2 : 2 + SHARE_ELEMENT_LENGTH]
    y_bytes = inner[2 + SHARE_ELEMENT_LENGTH : 2 + 2 * SHARE_ELEMENT_LENGTH]
    offset = 2 + 2 * SHARE_ELEMENT_LENGTH
    values = decode_lanes(inner, m, offset)
    adct = inner[offset + DHF_ELEMENT_LENGTH * m :]
    x = int.from_bytes(x_bytes, "big")
    if (
        not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD
        or not 0 < x < SHARE_PRIME
        or int.from_bytes(y_bytes, "big") >= SHARE_PRIME
        or not all_reduced(values)
        or len(adct) != adct_length(params.padded_associated_data_length)
    ):
        raise MalformedVoucherError("the voucher's inner layer is malformed", field="voucher.rct")
    return OpenedVoucher(
        voucher_id=vid,
        params_digest=params.params_digest,
        threshold=threshold,
        item_tag=x_bytes,
        share_y=y_bytes,
        dhf_value=tuple(values.tolist()),
        adct=adct,
    )


def process_voucher(
    server_key: ServerKey,
    blinded: BlindedHashSet,
    voucher: SafetyVoucher,
    *,
    account_id: bytes,
    known_voucher_id: bytes | None = None,
) -> OpenedVoucher | None:
    """ProcessVoucher: None for a non-match (nothing else is learned about it); otherwise the
    opened inner layer (share, DHF value, associated-data ciphertext).

    ``account_id`` is the uploading account as the provider knows it; the inner ciphertext is
    bound to it, so a voucher made for another account (a copy, re-ordered or not) returns
    None like a non-match: it never adds a share here, and the answer does not tell the
    uploader whether it opened for its maker. Raises ParamsMismatchError / InvalidLengthError
    for a voucher of another configuration and MalformedVoucherError when the inner layer
    decrypts but is not well formed.
    ``known_voucher_id`` saves re-encoding and hashing when the caller already computed
    VoucherId from the uploaded bytes (``wire.voucher_id_from_bytes``).
    """
    params = blinded.params
    check_voucher_shape(voucher, params)
    check_account_id(account_id)
    for rkey in opening_keys(server_key, voucher):
        inner = open_inner(rkey, voucher.rct, params.params_digest, account_id)
        if inner is None:
            continue
        vid = known_voucher_id if known_voucher_id is not None else voucher_id(voucher)
        return _parse_inner(inner, params, vid)
    return None
