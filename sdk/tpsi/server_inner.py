"""Server side, inner step: ``RecoverAssociatedData`` (SPEC.md section of the same name), the
one-shot form of :class:`vouchsafe.sdk.tpsi.recovery.AccountRecovery`."""

from __future__ import annotations

from collections.abc import Sequence

from vouchsafe.sdk.tpsi.messages import OpenedVoucher, RecoveryResult
from vouchsafe.sdk.tpsi.params import ServerParams
from vouchsafe.sdk.tpsi.recovery import ABUSE_SUSPECTED, AccountRecovery, RecoveryTrace, no_trace


def recover_associated_data(
    params: ServerParams | Sequence[ServerParams],
    opened: Sequence[OpenedVoucher],
    *,
    threshold: int | None = None,
    trace: RecoveryTrace = no_trace,
) -> RecoveryResult:
    """RecoverAssociatedData for one account's opened vouchers, all at once.

    With fewer than t distinct real shares nothing is recovered (and the server cannot tell
    real from synthetic). With t or more, the first t real shares are found as the first
    dependency among the detection rows, interpolate a_0, adkey = HKDF(a_0) decrypts every real
    adct, and the rest are labelled synthetic. ``abuse_suspected`` is set, and nothing is
    recovered, for shares no honest client makes (see ``AccountRecovery``).

    ``params`` is one release's ServerParams or those of several account-compatible releases
    (SPEC.md section 6.3): each opened voucher must name one of them by ``params_digest`` and
    is checked against that release's lengths; shares of all of them count toward the one
    threshold, an item tag seen under several releases once. Incompatible releases raise
    ParamsMismatchError naming the differing field. ``threshold``, when given, is the
    server's policy: an opened voucher declaring another raises InconsistentSharesError.
    """
    state = AccountRecovery(params, threshold=threshold)
    update = state.add(opened, trace=trace)
    return RecoveryResult(
        threshold_reached=update.threshold_reached,
        distinct_shares=state.distinct_shares,
        items=update.items,
        synthetic_item_tags=update.synthetic_item_tags,
        undecryptable_item_tags=update.undecryptable_item_tags,
        abuse_suspected=update.status == ABUSE_SUSPECTED,
    )
