"""Which items a device makes synthetic: ``SyntheticSchedule`` (SPEC.md section 10).

The i-th distinct item id a device sends (i counted on the device, never taken from the server)
is synthetic with probability ``min(1, c / (i + i0))`` while the device has made fewer than its
budget of synthetic vouchers, and never after. The coin is the item's ``SyntheticCoin``, so the
decision is reproducible; the device remembers it, so a re-sent item gets the same decision,
hence the same opened tag and share, as the first time (real and synthetic alike).

With ``c = SYNTHETIC_SCALE`` and ``i0 = SYNTHETIC_OFFSET`` the optimal test over the opened
positions tells one hidden match from none with advantage at most about 0.045 at every volume
from 300 to 10^6 items (``vouchsafe attack below-threshold``): the expected count of
synthetics grows only like ``c ln(N)``, about 445 at 10^6 items, inside the default
``synthetic_max`` of 512.
"""

from __future__ import annotations

import struct
from typing import Final

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.kdf import prf
from vouchsafe.sdk.errors import InvalidLengthError, InvalidParameterError
from vouchsafe.sdk.tpsi.account import AccountKeys, synthetic_coin

SYNTHETIC_SCALE: Final = 44
SYNTHETIC_OFFSET: Final = 40
COIN_SCALE: Final = 1 << 64
_STATE_MAGIC: Final = b"VSS2"
_HEADER: Final = struct.Struct(">4sIQIQQ")
_KEY_LENGTH: Final = 16


def synthetic_limit(
    index: int, scale: int = SYNTHETIC_SCALE, offset: int = SYNTHETIC_OFFSET
) -> int:
    """floor(2^64 * min(1, c / (i + i0))): the i-th distinct item (1-based) is synthetic iff its
    coin is below this (and the budget is not spent)."""
    if index < 1:
        raise InvalidParameterError("item indices start at 1", field="index")
    denominator = index + offset
    if scale >= denominator:
        return COIN_SCALE
    return scale * COIN_SCALE // denominator


def device_budget(synthetic_max: int, devices: int) -> int:
    """A device's share of the account's synthetic cap: floor(s_max / devices)."""
    if not 1 <= devices <= synthetic_max:
        raise InvalidParameterError(f"devices must be 1..{synthetic_max}", field="devices")
    return synthetic_max // devices


class SyntheticSchedule:
    """One device's synthetic decisions for one account; persist it with the account secret
    (:meth:`to_bytes` / :meth:`from_bytes`).

    ``budget`` is the device's cap on synthetic vouchers (``device_budget``); ``scale`` and
    ``offset`` are c and i0 (the defaults are the protocol's; 0 for ``scale`` makes no
    synthetics, for tests and comparisons that need none). A lost schedule must not be
    recreated empty for the same account secret: the device would spend a second budget and
    the account exceed s_max, which the server treats as abuse. Start a new account instead.
    """

    def __init__(
        self, budget: int, *, scale: int = SYNTHETIC_SCALE, offset: int = SYNTHETIC_OFFSET
    ) -> None:
        if budget < 0 or scale < 0 or offset < 0:
            raise InvalidParameterError("budget, scale and offset are >= 0", field="schedule")
        self.budget = budget
        self.scale = scale
        self.offset = offset
        self.items_seen = 0
        self.synthetic_count = 0
        self._decisions: dict[bytes, bool] = {}

    @classmethod
    def never(cls) -> SyntheticSchedule:
        """A schedule that makes no synthetic vouchers (tests, comparisons; no hiding)."""
        return cls(0, scale=0)

    @classmethod
    def constant_rate(cls, rate: float, budget: int) -> SyntheticSchedule:
        """The same rule with i0 = 10^9 and c = rate * i0, so ``min(1, c / (i + i0))`` stays
        within 10^-3 of ``rate`` for the first million items: the v1 constant rate, for the
        lab's comparisons and demos only (it does not keep hiding at volume)."""
        if not 0.0 <= rate <= 1.0:
            raise InvalidParameterError("rate must be in [0, 1]", field="synthetic_rate")
        offset = 10**9
        return cls(budget, scale=round(rate * offset), offset=offset)

    @classmethod
    def always(cls, budget: int) -> SyntheticSchedule:
        """A schedule whose first ``budget`` distinct items are all synthetic (tests only)."""
        return cls(budget, scale=COIN_SCALE, offset=0)

    @classmethod
    def for_account(
        cls, account: AccountKeys, *, devices: int = 1, scale: int = SYNTHETIC_SCALE
    ) -> SyntheticSchedule:
        """A fresh schedule with this device's share of the account's ``synthetic_max``."""
        return cls(device_budget(account.synthetic_max, devices), scale=scale)

    def __repr__(self) -> str:
        return (
            f"SyntheticSchedule(budget={self.budget}, items_seen={self.items_seen}, "
            f"synthetic={self.synthetic_count})"
        )

    @staticmethod
    def _key(account: AccountKeys, item_id: bytes) -> bytes:
        return prf(account.fkey, labels.SYNTHETIC_COIN, item_id)[64 - _KEY_LENGTH :]

    def peek(self, account: AccountKeys, item_id: bytes) -> bool | None:
        """The decision already taken for ``item_id``, or None if it was never sent."""
        return self._decisions.get(self._key(account, item_id))

    def decide(self, account: AccountKeys, item_id: bytes) -> bool:
        """IsSynthetic for the next voucher of ``item_id``: the recorded decision for an id
        sent before, else a new one (the id becomes distinct item number items_seen + 1)."""
        key = self._key(account, item_id)
        known = self._decisions.get(key)
        if known is not None:
            return known
        self.items_seen += 1
        # the coin is drawn even past the budget, so a decision costs the same either way
        coin = synthetic_coin(account, item_id)
        limit = synthetic_limit(self.items_seen, self.scale, self.offset)
        synthetic = self.synthetic_count < self.budget and coin < limit
        if synthetic:
            self.synthetic_count += 1
        self._decisions[key] = synthetic
        return synthetic

    def to_bytes(self) -> bytes:
        """The persistent form (17 bytes per distinct item id sent)."""
        body = b"".join(k + (b"\x01" if v else b"\x00") for k, v in sorted(self._decisions.items()))
        header = _HEADER.pack(
            _STATE_MAGIC,
            self.budget,
            self.scale,
            self.offset,
            self.items_seen,
            self.synthetic_count,
        )
        return header + body

    @classmethod
    def from_bytes(cls, data: bytes) -> SyntheticSchedule:
        """Inverse of :meth:`to_bytes`; raises InvalidLengthError on anything else."""
        if len(data) < _HEADER.size:
            raise InvalidLengthError("not a synthetic schedule", field="schedule")
        magic, budget, scale, offset, seen, count = _HEADER.unpack_from(data)
        n = seen
        entry = _KEY_LENGTH + 1
        if magic != _STATE_MAGIC or len(data) != _HEADER.size + n * entry:
            raise InvalidLengthError("not a synthetic schedule", field="schedule")
        schedule = cls(budget, scale=scale, offset=offset)
        schedule.items_seen, schedule.synthetic_count = seen, count
        for i in range(n):
            start = _HEADER.size + i * entry
            flag = data[start + _KEY_LENGTH]
            if flag > 1:
                raise InvalidLengthError("not a synthetic schedule", field="schedule")
            schedule._decisions[data[start : start + _KEY_LENGTH]] = flag == 1
        if sum(schedule._decisions.values()) != count or len(schedule._decisions) != n:
            raise InvalidLengthError("not a synthetic schedule", field="schedule")
        return schedule
