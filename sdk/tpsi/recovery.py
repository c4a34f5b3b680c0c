"""Server side, inner step, incremental: ``AccountRecovery`` (SPEC.md section 8.3).

One object per account holds what recovery has learned from the opened vouchers given so far;
:meth:`AccountRecovery.add` takes only the vouchers that are new since the last call. Its work
is bounded per account whatever a client sends:

- below threshold each new distinct item tag costs one row-space update,
  O((t - 1 + s_max)^2) operations over GF(q) in FLINT, and at most ``t - 1 + s_max`` rows are
  ever kept (an honest account has at most ``s_max`` synthetic and ``t - 1`` real ones then);
- the first dependent row is either the threshold crossing (its dependency is exactly the
  first ``t`` real shares) or proof of a misbehaving client; it is solved once;
- past threshold each new tag costs one membership test in the ``t - 1``-dimensional space of
  the real rows and, for a real one, one decryption;
- an account whose shares cannot come from an honest client (a dependency that is not ``t``
  consistent real shares, or more than ``s_max`` synthetic shares) is marked
  ``abuse_suspected`` and every later call returns at once: it is never recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from vouchsafe.sdk.crypto.shamir import SHARE_PRIME, lagrange_coefficients
from vouchsafe.sdk.errors import (
    InconsistentSharesError,
    InvalidLengthError,
    InvalidParameterError,
    InvalidScalarError,
    ParamsMismatchError,
)
from vouchsafe.sdk.tpsi.account import adkey_from_shamir_secret
from vouchsafe.sdk.tpsi.dhf import RealShareDetector
from vouchsafe.sdk.tpsi.messages import OpenedVoucher, RecoveredItem
from vouchsafe.sdk.tpsi.params import DHF_PRIME, ServerParams, adct_length, check_account_compatible
from vouchsafe.sdk.tpsi.sealing import open_associated_data

Status = Literal["below_threshold", "recovered", "abuse_suspected"]
BELOW_THRESHOLD: Final = "below_threshold"
RECOVERED: Final = "recovered"
ABUSE_SUSPECTED: Final = "abuse_suspected"

RecoveryTrace = Callable[[str, object], None]
"""Receives the named intermediates of the threshold crossing (SPEC.md names); the vector
generator records them."""


def no_trace(name: str, value: object) -> None:
    """The default RecoveryTrace: discards everything."""
    return None


@dataclass(frozen=True, slots=True)
class RecoveryUpdate:
    """What one :meth:`AccountRecovery.add` call learned.

    ``items``, ``synthetic_item_tags`` and ``undecryptable_item_tags`` hold only what this call
    newly classified (below threshold all three are empty); ``new_distinct`` counts the item
    tags this call saw for the first time; ``status`` is the account's state afterwards.
    """

    status: Status
    new_distinct: int
    items: tuple[RecoveredItem, ...] = ()
    synthetic_item_tags: tuple[bytes, ...] = ()
    undecryptable_item_tags: tuple[bytes, ...] = ()
    abuse_reason: str = ""

    @property
    def threshold_reached(self) -> bool:
        """True once the account's associated-data key is known."""
        return self.status == RECOVERED


def releases_by_digest(params: ServerParams | Sequence[ServerParams]) -> dict[bytes, ServerParams]:
    """The given account-compatible releases by ``params_digest`` (ParamsMismatchError naming
    the differing field otherwise)."""
    releases = [params] if isinstance(params, ServerParams) else list(params)
    if not releases:
        raise InvalidParameterError("at least one release's ServerParams", field="params")
    for other in releases[1:]:
        check_account_compatible(releases[0], other)
    return {p.params_digest: p for p in releases}


def check_opened(release: ServerParams | None, opened: OpenedVoucher) -> None:
    """Raises unless ``opened`` is well formed for ``release`` (None: not a given release)."""
    if release is None:
        raise ParamsMismatchError(
            "opened voucher belongs to a release not given", field="params_digest"
        )
    if len(opened.item_tag) != 32 or not 0 < int.from_bytes(opened.item_tag, "big") < SHARE_PRIME:
        raise InvalidScalarError("item_tag out of range", field="item_tag")
    if int.from_bytes(opened.share_y, "big") >= SHARE_PRIME or any(
        not 0 <= v < DHF_PRIME for v in opened.dhf_value
    ):
        raise InvalidScalarError("share_y or dhf_value out of range", field="share_y")
    if len(opened.adct) != adct_length(release.padded_associated_data_length):
        raise InvalidLengthError("adct has the wrong length", field="adct")
    if len(opened.dhf_value) != release.synthetic_max:
        raise InvalidLengthError(
            f"dhf_value must hold {release.synthetic_max} values", field="dhf_value"
        )


class AccountRecovery:
    """Incremental RecoverAssociatedData for one account (see the module docstring).

    ``params``: the ServerParams of one release or of several account-compatible ones; every
    opened voucher must name one of them. ``threshold``: the server's policy; None takes the
    threshold the first voucher declares. A voucher declaring another threshold raises
    InconsistentSharesError and that call changes nothing. The first voucher seen for an item
    tag is the one used; later ones with that tag are ignored.
    """

    def __init__(
        self, params: ServerParams | Sequence[ServerParams], *, threshold: int | None = None
    ) -> None:
        self._releases = releases_by_digest(params)
        self.synthetic_max = next(iter(self._releases.values())).synthetic_max
        self.threshold = threshold
        self.status: Status = BELOW_THRESHOLD
        self.abuse_reason = ""
        self._shares: dict[bytes, OpenedVoucher] = {}
        self._pending: list[OpenedVoucher] = []
        self._detector: RealShareDetector | None = None
        self._adkey = b""
        self.items: list[RecoveredItem] = []
        self.real_item_tags: list[bytes] = []
        self.synthetic_count = 0

    @property
    def releases(self) -> tuple[ServerParams, ...]:
        """The releases whose vouchers this recovery takes."""
        return tuple(self._releases.values())

    @property
    def distinct_shares(self) -> int:
        """Distinct item tags seen (real plus synthetic)."""
        return len(self._shares)

    @property
    def abused(self) -> bool:
        """True once the account is marked ``abuse_suspected``."""
        return self.status == ABUSE_SUSPECTED

    @property
    def rows_kept(self) -> int:
        """Rows held in the detection row space (bounded by t - 1 + s_max)."""
        return 0 if self._detector is None else self._detector.rows_kept

    def add(
        self, opened: Sequence[OpenedVoucher], *, trace: RecoveryTrace = no_trace
    ) -> RecoveryUpdate:
        """Processes the vouchers not given before; returns what they revealed."""
        for o in opened:
            check_opened(self._releases.get(o.params_digest), o)
        declared = {o.threshold for o in opened}
        t = self.threshold if self.threshold is not None else next(iter(declared), None)
        if declared and (len(declared) > 1 or t not in declared):
            raise InconsistentSharesError(
                "an opened voucher declares a threshold other than the account's",
                field="threshold",
            )
        first: dict[bytes, OpenedVoucher] = {}
        for o in opened:  # the first voucher per tag, in arrival order
            if o.item_tag not in self._shares:
                first.setdefault(o.item_tag, o)
        fresh = list(first.values())
        if self.status == ABUSE_SUSPECTED:
            return RecoveryUpdate(ABUSE_SUSPECTED, 0, abuse_reason=self.abuse_reason)
        if t is not None:
            self.threshold = t
        for o in fresh:
            self._shares[o.item_tag] = o
        collected = _Collected()
        for o in fresh:
            if self.status == BELOW_THRESHOLD:
                self._add_below(o, collected, trace)
            elif self.status == RECOVERED:
                self._classify(o, collected)
            if self.abused:
                break
        return RecoveryUpdate(
            self.status,
            len(fresh),
            tuple(collected.items),
            tuple(collected.synthetic),
            tuple(collected.undecryptable),
            self.abuse_reason,
        )

    # -- below threshold ------------------------------------------------------------------

    def _add_below(self, o: OpenedVoucher, out: _Collected, trace: RecoveryTrace) -> None:
        assert self.threshold is not None
        if self._detector is None:
            self._detector = RealShareDetector(self.threshold, self.synthetic_max)
        self._pending.append(o)
        crossing = self._detector.add(int.from_bytes(o.item_tag, "big"), o.dhf_value)
        if crossing is None:
            return
        support = [self._pending[k] for k in crossing.support]
        trace("kernel", list(crossing.kernel))
        trace("kernel_support", [s.item_tag for s in support])
        t = self.threshold
        if len(support) != t:
            self._abuse(f"a dependency among {len(support)} shares, not t = {t}")
            return
        basis = sorted(support, key=lambda s: s.item_tag)
        xs = [int.from_bytes(s.item_tag, "big") for s in basis]
        lagrange = lagrange_coefficients(xs, 0, SHARE_PRIME)
        ys = [int.from_bytes(s.share_y, "big") for s in basis]
        a_0 = sum(c * y for c, y in zip(lagrange, ys, strict=True)) % SHARE_PRIME
        trace("lagrange_at_zero", lagrange)
        trace("a_0", a_0)
        self._adkey = adkey_from_shamir_secret(a_0)
        self._detector.accept([(x, s.dhf_value) for x, s in zip(xs, basis, strict=True)][: t - 1])
        self.status = RECOVERED
        pending, self._pending = self._pending, []
        for p in sorted(pending, key=lambda s: s.item_tag):
            self._classify(p, out)
        trace("real_item_tags", sorted(self.real_item_tags))

    # -- past threshold -------------------------------------------------------------------

    def _classify(self, o: OpenedVoucher, out: _Collected) -> None:
        assert self._detector is not None
        if not self._detector.is_real(int.from_bytes(o.item_tag, "big"), o.dhf_value):
            self.synthetic_count += 1
            out.synthetic.append(o.item_tag)
            if self.synthetic_count > self.synthetic_max:
                self._abuse(f"more than s_max = {self.synthetic_max} synthetic shares")
            return
        self.real_item_tags.append(o.item_tag)
        opened = open_associated_data(self._adkey, o.item_tag, o.adct)
        if opened is None:
            out.undecryptable.append(o.item_tag)
            return
        item_id, ad = opened
        item = RecoveredItem(item_tag=o.item_tag, item_id=item_id, associated_data=ad)
        out.items.append(item)
        self.items.append(item)

    def _abuse(self, reason: str) -> None:
        self.status = ABUSE_SUSPECTED
        self.abuse_reason = reason
        self._detector = None
        self._pending = []


@dataclass
class _Collected:
    items: list[RecoveredItem] = field(default_factory=list)
    synthetic: list[bytes] = field(default_factory=list)
    undecryptable: list[bytes] = field(default_factory=list)
