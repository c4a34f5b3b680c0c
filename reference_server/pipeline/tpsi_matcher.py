"""The server's role in tPSI-AD, from ``vouchsafe.sdk.tpsi``: the real ``VoucherMatcher``.

``outer_step`` reads the release a SafetyVoucher names (its ``params_digest``), decodes it
strictly for that release's parameters and runs ``process_voucher`` with that release's blinded
hash set and server key; a match or synthetic voucher is stored as the canonical OpenedVoucher
encoding. The current release is always accepted; an earlier release of the chain (SPEC.md
R.7) only until its ``accept_until_ms`` (expiry plus the grace period); any other release is
refused. ``recover_new`` feeds one account's stored records of all loaded releases, only those
new since the last call, into that account's ``AccountRecovery`` (``vouchsafe.sdk.tpsi.recovery``),
so matches under different releases count toward one threshold and no record is processed
twice; ``recover`` is the same from an empty state.
The match threshold is the provider's policy: records whose declared threshold differs are
left out of recovery (the intake answer is the same either way, so a device never learns from
it whether its voucher opened).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from vouchsafe.sdk.tpsi import (
    BlindedHashSet,
    SafetyVoucher,
    ServerKey,
    process_voucher,
    wire,
)
from vouchsafe.sdk.tpsi.params import check_account_compatible
from vouchsafe.sdk.tpsi.recovery import AccountRecovery
from vouchsafe.server.hashset.updates import VoucherReleaseExpired, VoucherReleaseUnknown
from vouchsafe.server.pipeline.matching import RecoveredMatch, RecoveryProgress


def _wall_clock_ms() -> int:
    return int(time.time() * 1000)


# Intake asks for a voucher's id and then runs the outer step on the same bytes in the same
# request thread: the strict decode (every point checked) and the shape check are done once.
_last_routed = threading.local()


@dataclass(frozen=True)
class MatcherRelease:
    """An earlier release whose vouchers are still processed until ``accept_until_ms``."""

    server_key: ServerKey = field(repr=False)
    blinded: BlindedHashSet = field(repr=False)
    release_id: str
    accept_until_ms: int


@dataclass(frozen=True)
class TpsiMatcher:
    """Outer and inner server steps for the current release (its blinded hash set and server
    key) and, optionally, earlier account-compatible releases of the chain (``previous``)."""

    server_key: ServerKey = field(repr=False)
    blinded: BlindedHashSet = field(repr=False)
    threshold: int
    release_id: str
    previous: tuple[MatcherRelease, ...] = ()
    clock: Callable[[], int] = field(default=_wall_clock_ms, repr=False, compare=False)

    def __post_init__(self) -> None:
        for earlier in self.previous:
            check_account_compatible(self.blinded.params, earlier.blinded.params)

    def _route(
        self, safety_voucher: bytes, *, enforce_window: bool = True
    ) -> tuple[SafetyVoucher, ServerKey, BlindedHashSet]:
        last: tuple[TpsiMatcher, bytes, SafetyVoucher, MatcherRelease | None] | None = getattr(
            _last_routed, "entry", None
        )
        if last is not None and last[0] is self and last[1] == safety_voucher:
            _, _, voucher, earlier = last
        else:
            voucher = wire.decode_safety_voucher(safety_voucher)
            earlier = self._earlier_release(voucher.params_digest)
            params = (self.blinded if earlier is None else earlier.blinded).params
            wire.check_voucher_shape(voucher, params)
            _last_routed.entry = (self, safety_voucher, voucher, earlier)
        if earlier is None:
            return voucher, self.server_key, self.blinded
        if enforce_window and self.clock() > earlier.accept_until_ms:
            raise VoucherReleaseExpired(
                f"the voucher was made under release {earlier.release_id}, whose "
                "processing window has ended; install the current release",
                field="params_digest",
            )
        return voucher, earlier.server_key, earlier.blinded

    def _earlier_release(self, params_digest: bytes) -> MatcherRelease | None:
        """None for the current release; the earlier release with this digest; or refused."""
        if params_digest == self.blinded.params.params_digest:
            return None
        earlier = next(
            (r for r in self.previous if r.blinded.params.params_digest == params_digest), None
        )
        if earlier is None:
            raise VoucherReleaseUnknown(
                "the voucher names a release this server does not hold; install the "
                "current release and make the voucher again",
                field="params_digest",
            )
        return earlier

    def voucher_id(self, safety_voucher: bytes) -> bytes:
        # No window check here: a retried upload of a voucher accepted in time still gets its
        # original receipt; a new voucher of an expired release is refused by outer_step.
        voucher, _, _ = self._route(safety_voucher, enforce_window=False)
        return wire.voucher_id(voucher)

    def outer_step(self, safety_voucher: bytes, account_id: str) -> bytes | None:
        voucher, key, blinded = self._route(safety_voucher)
        opened = process_voucher(key, blinded, voucher, account_id=account_id.encode("utf-8"))
        return None if opened is None else wire.encode_opened_voucher(opened)

    def new_recovery(self) -> AccountRecovery:
        releases = [self.blinded.params, *(r.blinded.params for r in self.previous)]
        return AccountRecovery(releases, threshold=self.threshold)

    def recover_new(self, state: object, opened: Sequence[bytes]) -> RecoveryProgress:
        if not isinstance(state, AccountRecovery):
            raise TypeError("state must come from new_recovery()")
        if not state.abused:
            records = [wire.decode_opened_voucher(o) for o in opened]
            digests = {p.params_digest for p in state.releases}
            usable = [
                r for r in records if r.threshold == self.threshold and r.params_digest in digests
            ]
            state.add(usable)
        items = tuple(RecoveredMatch(i.item_id.hex(), i.associated_data) for i in state.items)
        return RecoveryProgress(items, state.abused, state.abuse_reason)

    def recover(self, opened: Sequence[bytes]) -> list[RecoveredMatch]:
        return list(self.recover_new(self.new_recovery(), opened).items)
