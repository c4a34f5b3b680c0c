"""Server side, inner step: ``RecoverAssociatedData`` (SPEC.md section of the same name)."""

from __future__ import annotations

from collections.abc import Sequence

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.aead import NONCE_LENGTH, open_
from vouchsafe.sdk.crypto.shamir import SHARE_PRIME, interpolate_at_zero
from vouchsafe.sdk.errors import (
    DecryptionError,
    InconsistentSharesError,
    InvalidLengthError,
    InvalidParameterError,
    InvalidScalarError,
    ParamsMismatchError,
)
from vouchsafe.sdk.tpsi.account import adkey_from_shamir_secret
from vouchsafe.sdk.tpsi.dhf import detect_real_shares
from vouchsafe.sdk.tpsi.messages import OpenedVoucher, RecoveredItem, RecoveryResult
from vouchsafe.sdk.tpsi.params import DHF_PRIME, ServerParams, adct_length, check_account_compatible


def unpad_associated_data(padded: bytes) -> tuple[bytes, bytes]:
    """Inverse of pad(item_id, ad); raises DecryptionError on a malformed padding."""
    if len(padded) < 5:
        raise DecryptionError("malformed associated-data padding")
    id_len = padded[0]
    item_id = padded[1 : 1 + id_len]
    ad_len = int.from_bytes(padded[1 + id_len : 5 + id_len], "big")
    start = 5 + id_len
    if id_len == 0 or start + ad_len > len(padded) or any(padded[start + ad_len :]):
        raise DecryptionError("malformed associated-data padding")
    return item_id, padded[start : start + ad_len]


def distinct_shares(opened: Sequence[OpenedVoucher]) -> list[OpenedVoucher]:
    """One opened voucher per item tag (the first seen): duplicates never count twice."""
    by_tag: dict[bytes, OpenedVoucher] = {}
    for o in opened:
        by_tag.setdefault(o.item_tag, o)
    return list(by_tag.values())


def _releases_by_digest(
    params: ServerParams | Sequence[ServerParams],
) -> dict[bytes, ServerParams]:
    releases = [params] if isinstance(params, ServerParams) else list(params)
    if not releases:
        raise InvalidParameterError("at least one release's ServerParams", field="params")
    for other in releases[1:]:
        check_account_compatible(releases[0], other)
    return {p.params_digest: p for p in releases}


def recover_associated_data(
    params: ServerParams | Sequence[ServerParams],
    opened: Sequence[OpenedVoucher],
    *,
    threshold: int | None = None,
) -> RecoveryResult:
    """RecoverAssociatedData for one account's opened vouchers.

    With fewer than t distinct real shares nothing is recovered (and the server cannot tell
    real from synthetic). With at least t, the DHF kernel test finds the real shares, t of them
    interpolate a_0, adkey = HKDF(a_0) decrypts every real adct, and the rest are labelled
    synthetic.

    ``params`` is one release's ServerParams or those of several account-compatible releases
    (SPEC.md section 6.3): each opened voucher must name one of them by ``params_digest`` and
    is checked against that release's lengths; shares of all of them count toward the one
    threshold, an item tag seen under several releases once. Incompatible releases raise
    ParamsMismatchError naming the differing field.

    ``threshold``, when given, is the server's policy: an opened voucher declaring another
    threshold raises InconsistentSharesError instead of being used.
    """
    releases = _releases_by_digest(params)
    for o in opened:
        release = releases.get(o.params_digest)
        if release is None:
            raise ParamsMismatchError(
                "opened voucher belongs to a release not given", field="params_digest"
            )
        if not 0 < int.from_bytes(o.item_tag, "big") < SHARE_PRIME or len(o.item_tag) != 32:
            raise InvalidScalarError("item_tag out of range", field="item_tag")
        if int.from_bytes(o.share_y, "big") >= SHARE_PRIME or any(
            not 0 <= v < DHF_PRIME for v in o.dhf_value
        ):
            raise InvalidScalarError("share_y or dhf_value out of range", field="share_y")
        if len(o.adct) != adct_length(release.padded_associated_data_length):
            raise InvalidLengthError("adct has the wrong length", field="adct")
        if len(o.dhf_value) != release.synthetic_max:
            raise InvalidLengthError(
                f"dhf_value must hold {release.synthetic_max} values", field="dhf_value"
            )
    if threshold is not None and any(o.threshold != threshold for o in opened):
        raise InconsistentSharesError(
            f"an opened voucher declares a threshold other than the policy's {threshold}",
            field="threshold",
        )
    if len({o.threshold for o in opened}) > 1:
        raise InconsistentSharesError(
            "opened vouchers of one account declare different thresholds", field="threshold"
        )
    shares = sorted(distinct_shares(opened), key=lambda o: o.item_tag)
    if not shares or len(shares) < shares[0].threshold:
        return RecoveryResult(threshold_reached=False, distinct_shares=len(shares))
    t = shares[0].threshold
    points = [(int.from_bytes(o.item_tag, "big"), o.dhf_value) for o in shares]
    real = sorted(detect_real_shares(points, t))
    if len(real) < t:
        return RecoveryResult(threshold_reached=False, distinct_shares=len(shares))
    basis = [
        (int.from_bytes(shares[i].item_tag, "big"), int.from_bytes(shares[i].share_y, "big"))
        for i in real[:t]
    ]
    adkey = adkey_from_shamir_secret(interpolate_at_zero(basis, SHARE_PRIME))
    items: list[RecoveredItem] = []
    undecryptable: list[bytes] = []
    for i in real:
        o = shares[i]
        nonce, body = o.adct[:NONCE_LENGTH], o.adct[NONCE_LENGTH:]
        try:
            padded = open_(adkey, nonce, body, labels.ASSOCIATED_DATA_CIPHERTEXT)
            item_id, ad = unpad_associated_data(padded)
        except DecryptionError:
            undecryptable.append(o.item_tag)
            continue
        items.append(RecoveredItem(item_tag=o.item_tag, item_id=item_id, associated_data=ad))
    real_set = set(real)
    synthetic = tuple(o.item_tag for i, o in enumerate(shares) if i not in real_set)
    return RecoveryResult(
        threshold_reached=True,
        distinct_shares=len(shares),
        items=tuple(items),
        synthetic_item_tags=synthetic,
        undecryptable_item_tags=tuple(undecryptable),
    )
