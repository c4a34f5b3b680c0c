"""Steps 2 and 3, threshold and confirmation, per account.

``run_threshold`` (run as the account's recovery job, ``recovery_jobs``) feeds an account's
opened records that are new since its last run into the account's recovery state
(``ctx.recoveries``, per worker process, kept only once the run's transaction has committed;
the work per record is bounded, SPEC.md 8.3). Below the match threshold it does nothing at
all: no record, no audit entry, no log line (so operators learn no count). An account whose
shares no honest client makes is marked once, on its job row (so across every worker), and in
the audit log (``recovery_abuse_suspected``), and is never recomputed. Past the threshold,
every real match not yet handled is confirmed against the full hashes
(``confirmation.confirm_match``: the full hash, then the keyed confirmation hash): matches that
pass both join the human review queue with their visual derivative; coarse-key collisions
(``collision_dropped``) and matches the keyed confirmation hash rejects (``confirmation_failed``)
are dropped, each logged with the check that failed. Reruns are idempotent.
"""

from __future__ import annotations

import logging

from vouchsafe.sdk.errors import VouchsafeError
from vouchsafe.server.context import AccountRecoveryRun, ServerContext, new_id
from vouchsafe.server.pipeline.confirmation import Confirmation, confirm_match
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import (
    ProcessedItem,
    RecoveryJob,
    ReviewItemRecord,
    VoucherRecord,
)

# How far before the newest record fed so far a run looks for records it has not seen (commits
# land out of ``received_at_ms`` order by up to a transaction's length, and clocks of several
# machines differ); the count check in ``_unseen`` catches anything older.
RECENT_MS = 10 * 60_000


def _unseen(
    tx: Repos,
    account_id: str,
    run: AccountRecoveryRun,
    recent: list[VoucherRecord],
    job: RecoveryJob | None,
) -> list[VoucherRecord]:
    """The account's opened records not yet fed into ``run``, read without its history.

    ``recent`` (read BEFORE ``job``) holds the records of the last ``RECENT_MS``. The job counts
    every opened record ever stored, in the same transaction as the record, so it counts at
    least every record ``recent``'s read could see: when the records fed plus the unseen recent
    ones add up to that count, no older record can be missing (fed records since deleted by
    retention only make the sum smaller). Otherwise (a record older than the window, or a
    deletion) the account's opened records are read in full, once."""
    new = [v for v in recent if v.voucher_id not in run.fed]
    if job is not None and len(run.fed) + len(new) == job.opened:
        return new
    return [v for v in tx.vouchers.opened_for(account_id) if v.voucher_id not in run.fed]


def run_threshold(ctx: ServerContext, tx: Repos, account_id: str) -> int:
    """Handles the account's newly recovered matches; returns how many were queued for review."""
    if ctx.matcher is None:
        return 0
    # The cached state is taken out for this run and put back only when the transaction
    # commits: a run that rolls back (or fails) leaves no state ahead of what was committed
    # (records fed); the next run then rebuilds it from the stored records.
    run = ctx.recoveries.pop(account_id, None)
    recent = None
    if run is not None:  # only the records of the last minutes: never the account's history
        recent = tx.vouchers.opened_for(account_id, since_ms=run.seen_until_ms - RECENT_MS)
    job = tx.recovery.get(account_id)  # read after the records: see _unseen
    if job is not None and job.abuse_suspected:
        return 0  # marked once, never recomputed
    if run is None or recent is None:
        opened = tx.vouchers.opened_for(account_id)
        if len(opened) < ctx.matcher.threshold:
            return 0
        run, new = AccountRecoveryRun(ctx.matcher.new_recovery()), opened
    else:
        new = _unseen(tx, account_id, run, recent, job)
    try:
        progress = ctx.matcher.recover_new(run.state, [v.opened for v in new if v.opened])
    except VouchsafeError:
        # Only a misbehaving client's records make recovery fail; nothing is logged to the
        # audit log (it could reveal a count); operators see a warning without detail.
        logging.getLogger(__name__).warning("threshold recovery failed for one account")
        return 0
    run.fed.update(v.voucher_id for v in new)
    run.seen_until_ms = max([run.seen_until_ms, *(v.received_at_ms for v in new)])
    tx.after_commit(lambda: ctx.recoveries.__setitem__(account_id, run))
    if progress.abuse_suspected:
        # Stored with the job (not per process): logged exactly once, by whichever worker
        # commits the mark first, and never recomputed after that.
        if tx.recovery.mark_abuse_suspected(account_id):
            ctx.log(tx, "recovery_abuse_suspected", {"account_id": account_id})
        return 0
    recovered = list(progress.items)
    if not recovered:
        return 0
    now = ctx.clock()
    expires = now + ctx.settings.retention_ms
    done = tx.processed.item_ids(account_id)
    fresh = [item for item in recovered if item.item_id not in done]
    if not fresh:
        return 0
    if not done:
        ctx.log(tx, "threshold_crossed", {"account_id": account_id})
    last_voucher_at = run.seen_until_ms
    queued = 0
    for item in fresh:
        outcome = confirm_match(item.associated_data, ctx.entries)
        if isinstance(outcome, Confirmation):
            review_id = new_id("rv")
            tx.review.add(
                ReviewItemRecord(
                    review_id=review_id,
                    kind="match",
                    account_id=account_id,
                    item_id=item.item_id,
                    associated_data=item.associated_data,
                    matched_entry_id=outcome.entry_id,
                    match_distance=outcome.distance,
                    voucher_received_at_ms=last_voucher_at,
                    queued_at_ms=now,
                    status="pending",
                    appeal_id="",
                    excluded_reviewer_id="",
                    expires_at_ms=expires,
                    second_check=outcome.second_check,
                )
            )
            tx.processed.add(ProcessedItem(account_id, item.item_id, "queued", now, expires))
            ctx.log(
                tx,
                "review_queued",
                {
                    "review_id": review_id,
                    "account_id": account_id,
                    "item_id": item.item_id,
                    "entry_id": outcome.entry_id,
                    "distance": outcome.distance,
                    "second_check": outcome.second_check,
                    "second_distance": outcome.second_distance,
                },
            )
            queued += 1
        elif outcome.reason == "confirmation_failed":
            tx.processed.add(
                ProcessedItem(account_id, item.item_id, "confirmation_failed", now, expires)
            )
            ctx.log(
                tx,
                "confirmation_failed",
                {
                    "account_id": account_id,
                    "item_id": item.item_id,
                    "entry_id": outcome.entry_id,
                    "check": outcome.check,
                    "second_distance": outcome.second_distance,
                    "signal_type": outcome.signal_type,
                },
            )
        else:
            tx.processed.add(
                ProcessedItem(account_id, item.item_id, "collision_dropped", now, expires)
            )
            ctx.log(
                tx,
                "collision_dropped",
                {
                    "account_id": account_id,
                    "item_id": item.item_id,
                    "reason": outcome.reason,
                    "check": outcome.check,
                    "signal_type": outcome.signal_type,
                },
            )
    return queued
