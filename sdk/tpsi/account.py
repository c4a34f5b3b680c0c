"""Account setup: ``NewAccount`` / ``AccountFromSecret`` and the per-item derivations every
device of an account agrees on (SPEC.md sections "Account keys", "ItemTag", "SyntheticCoin",
"SyntheticShare"). Which items become synthetic is a device's own decision
(``vouchsafe.sdk.tpsi.schedule``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Final

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.kdf import hkdf, prf
from vouchsafe.sdk.crypto.randomness import Randomness, os_randomness
from vouchsafe.sdk.crypto.shamir import SHARE_ELEMENT_LENGTH, SHARE_PRIME, evaluate
from vouchsafe.sdk.errors import InvalidLengthError, InvalidParameterError, ParamsMismatchError
from vouchsafe.sdk.tpsi.lanes import Lanes, reduce_big_endian_chunks, reduce_lanes
from vouchsafe.sdk.tpsi.params import (
    ACCOUNT_COMPATIBILITY_FIELDS,
    CIPHERSUITE,
    DHF_PRIME,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    VERSION,
    ServerParams,
)

ACCOUNT_SECRET_LENGTH: Final = 32


def _field_element(data: bytes, modulus: int) -> int:
    return int.from_bytes(data, "big") % modulus


@dataclass(frozen=True, slots=True)
class AccountKeys:
    """Every key of one account, derived from ``secret`` (SPEC.md "Account keys").

    ``secret`` is what a device persists and shares with the account's other devices; the
    rest is derived from it, ``threshold`` and ``synthetic_max`` only, so
    the keys are the same under every account-compatible release (SPEC.md section 6.3).
    ``params_digest`` names the release the account is bound to now (vouchers are made for
    it); :meth:`for_release` moves the account to another release. Prints redacted.
    """

    secret: bytes = field(repr=False)
    threshold: int
    params_digest: bytes
    synthetic_max: int
    fkey: bytes = field(repr=False)
    adkey: bytes = field(repr=False)
    shamir_coefficients: tuple[int, ...] = field(repr=False)
    dhf_coefficients: tuple[tuple[int, ...], ...] = field(repr=False)
    # dhf_coefficients transposed and packed: lane k of packed[i] is c_{k,i} (see real_dhf_value)
    dhf_packed: tuple[int, ...] = field(repr=False, compare=False, default=())
    ciphersuite: str = CIPHERSUITE
    version: int = VERSION

    def for_release(self, params: ServerParams) -> AccountKeys:
        """The same account bound to the release ``params`` (ForRelease, SPEC.md section 6.3).

        Every key stays as it is, so an item id yields the same item tag and share under both
        releases and the server counts it once. Raises ParamsMismatchError naming the field
        (``ciphersuite``, ``version`` or ``synthetic_max``) if ``params`` is not
        account-compatible; such a release needs a new account.
        """
        for name in ACCOUNT_COMPATIBILITY_FIELDS:
            if getattr(self, name) != getattr(params, name):
                raise ParamsMismatchError(
                    f"the account was set up with {name} {getattr(self, name)!r}, the release "
                    f"has {getattr(params, name)!r}: it cannot move to that release",
                    field=name,
                )
        return dataclasses.replace(self, params_digest=params.params_digest)

    def __repr__(self) -> str:
        return (
            f"AccountKeys(threshold={self.threshold}, synthetic_max={self.synthetic_max}, "
            "secret=<redacted>)"
        )


def adkey_from_shamir_secret(secret_value: int) -> bytes:
    """adkey = HKDF(I2OSP(a_0, 32), info = AssociatedDataKey): the server re-derives it
    after interpolating a_0."""
    return hkdf(
        secret_value.to_bytes(SHARE_ELEMENT_LENGTH, "big"),
        salt=None,
        info=labels.ASSOCIATED_DATA_KEY,
        length=32,
    )


def account_from_secret(
    params: ServerParams,
    secret: bytes,
    *,
    threshold: int,
) -> AccountKeys:
    """AccountFromSecret: derive every account key from the 32-byte account secret.

    Two devices calling this with the same (params, secret, threshold) get identical keys,
    hence identical real and synthetic shares for every item id. The keys
    depend on ``params`` only through ``synthetic_max``: calling this with an
    account-compatible release gives the same keys as ``account.for_release(params)``.
    """
    if len(secret) != ACCOUNT_SECRET_LENGTH:
        raise InvalidLengthError(
            f"the account secret is {ACCOUNT_SECRET_LENGTH} bytes", field="secret"
        )
    if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise InvalidParameterError(
            f"threshold must be {MIN_THRESHOLD}..{MAX_THRESHOLD}", field="threshold"
        )
    salt = labels.ACCOUNT_SECRET
    coefficients = tuple(
        _field_element(
            hkdf(
                secret, salt=salt, info=labels.SHAMIR_COEFFICIENT + i.to_bytes(4, "big"), length=64
            ),
            SHARE_PRIME,
        )
        for i in range(threshold)
    )
    dhf: list[tuple[int, ...]] = []
    for k in range(params.synthetic_max):
        stream = hkdf(
            secret,
            salt=salt,
            info=labels.DETECTABLE_HASH_KEY + k.to_bytes(4, "big"),
            length=16 * (threshold - 1),
        )
        dhf.append(
            tuple(
                _field_element(stream[16 * i : 16 * i + 16], DHF_PRIME)
                for i in range(threshold - 1)
            )
        )
    return AccountKeys(
        secret=bytes(secret),
        threshold=threshold,
        params_digest=params.params_digest,
        synthetic_max=params.synthetic_max,
        fkey=hkdf(secret, salt=salt, info=labels.ITEM_KEY, length=32),
        adkey=adkey_from_shamir_secret(coefficients[0]),
        shamir_coefficients=coefficients,
        dhf_coefficients=tuple(dhf),
        dhf_packed=_pack_lanes(dhf, threshold - 1),
        ciphersuite=params.ciphersuite,
        version=params.version,
    )


def new_account(
    params: ServerParams,
    *,
    threshold: int,
    rng: Randomness | None = None,
) -> AccountKeys:
    """NewAccount: a fresh 32-byte account secret and its keys."""
    secret = (rng or os_randomness()).random_bytes(ACCOUNT_SECRET_LENGTH)
    return account_from_secret(params, secret, threshold=threshold)


def item_tag(account: AccountKeys, item_id: bytes) -> int:
    """ItemTag: x = 1 + (OS2IP(PRF(fkey, ShareX, item_id)) mod (p - 1)), never zero."""
    return 1 + _field_element(prf(account.fkey, labels.SHARE_X, item_id), SHARE_PRIME - 1)


def synthetic_coin(account: AccountKeys, item_id: bytes) -> int:
    """SyntheticCoin: OS2IP(PRF(fkey, SyntheticCoin, item_id)[0:8]), uniform in [0, 2^64)."""
    return int.from_bytes(prf(account.fkey, labels.SYNTHETIC_COIN, item_id)[0:8], "big")


def real_share(account: AccountKeys, x: int) -> int:
    """y = f(x) for the account's Shamir polynomial f (degree t - 1, f(0) = a_0)."""
    return evaluate(account.shamir_coefficients, x, SHARE_PRIME)


# Lane width for evaluating all s_max DHF polynomials with one big-integer multiply-add per
# coefficient: a lane accumulates at most 1000 products < q^2 < 2^128, so 2^144 never overflows
# (vouchsafe.sdk.tpsi.lanes reduces such lanes).
_LANE_BYTES: Final = 18
_LANE_BITS: Final = 8 * _LANE_BYTES
# Each synthetic DHF value is a 16-byte HKDF output reduced mod q (bias below 2^-64).
_SYNTHETIC_CHUNK: Final = 16


def _pack_lanes(polynomials: list[tuple[int, ...]], terms: int) -> tuple[int, ...]:
    return tuple(
        sum(g[i] << (_LANE_BITS * k) for k, g in enumerate(polynomials)) for i in range(terms)
    )


def real_dhf_lanes(account: AccountKeys, x: int) -> Lanes:
    """DHF(hkey, x) = (g_1(x mod q), ..., g_s_max(x mod q)), each g_k of degree t - 2, as
    uint64 values: one big-integer multiply-add per coefficient and one lane reduction."""
    xq = x % DHF_PRIME
    packed = account.dhf_packed or _pack_lanes(
        list(account.dhf_coefficients), account.threshold - 1
    )
    acc = 0
    power = 1
    for coefficients in packed:
        acc += coefficients * power
        power = power * xq % DHF_PRIME
    return reduce_lanes(acc, len(account.dhf_coefficients), _LANE_BITS)


def real_dhf_value(account: AccountKeys, x: int) -> tuple[int, ...]:
    """:func:`real_dhf_lanes` as Python integers."""
    return tuple(real_dhf_lanes(account, x).tolist())


@dataclass(frozen=True, slots=True)
class SyntheticShare:
    """SyntheticShare(item_id): the pseudorandom (x, y, r) of one item id."""

    x: int
    y: int
    r: Lanes = field(repr=False)


def synthetic_share_lanes(account: AccountKeys, item_id: bytes) -> SyntheticShare:
    """SyntheticShare(item_id): pseudorandom (x, y, r) of this item id, the same on every
    device and at every re-send, and unrelated to the real share of the id (other labels)."""
    x = 1 + _field_element(prf(account.fkey, labels.SYNTHETIC_SHARE_X, item_id), SHARE_PRIME - 1)
    y = _field_element(prf(account.fkey, labels.SYNTHETIC_SHARE_Y, item_id), SHARE_PRIME)
    stream = hkdf(
        account.fkey,
        salt=None,
        info=labels.framed(labels.SYNTHETIC_DHF, item_id),
        length=_SYNTHETIC_CHUNK * account.synthetic_max,
    )
    return SyntheticShare(x, y, reduce_big_endian_chunks(stream, _SYNTHETIC_CHUNK))


def synthetic_share(account: AccountKeys, item_id: bytes) -> tuple[int, int, tuple[int, ...]]:
    """:func:`synthetic_share_lanes` with r as Python integers."""
    share = synthetic_share_lanes(account, item_id)
    return share.x, share.y, tuple(share.r.tolist())
