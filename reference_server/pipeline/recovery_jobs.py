"""Where threshold recovery runs: a durable job per account, claimed by any worker process.

The upload only enqueues (``enqueue_recovery``, inside the voucher's own transaction, the same
write whether or not the outer step matched), so a receipted voucher's recovery can never be
lost: if the process dies between the voucher commit and the threshold step, the job is still
due and the upload's retry, the next upload or any worker's poll runs it. ``run_recovery_jobs``
claims due jobs with ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite's single writer
is the claim there) and a lease, so at most one worker recovers one account at a time, on any
number of machines; WHAT recovery computes is ``threshold.run_threshold`` (the matcher's step).
"""

from __future__ import annotations

import logging

from vouchsafe.server.context import ServerContext
from vouchsafe.server.pipeline.threshold import run_threshold
from vouchsafe.server.storage import Repos

# How long a claimed job is held before another worker may take it over (a crashed worker's
# job is retried after this); far above one recovery's duration.
LEASE_MS = 60_000
CLAIM_BATCH = 16

log = logging.getLogger(__name__)


def enqueue_recovery(ctx: ServerContext, tx: Repos, account_id: str, opened: bool) -> bool:
    """Counts one accepted voucher toward the account's job, inside the upload's transaction;
    returns whether the job is due."""
    assert ctx.matcher is not None  # intake refuses vouchers without a matcher
    now = ctx.clock()
    expires = now + ctx.settings.retention_ms
    return tx.recovery.record_upload(account_id, opened, ctx.matcher.threshold, now, expires)


def run_recovery_jobs(ctx: ServerContext, account_id: str | None = None) -> int:
    """Claims due jobs (only ``account_id``'s when given) and runs the threshold step for each,
    one transaction per account; returns how many matches were queued for review.

    A job whose step fails keeps its lease until it runs out and is then retried."""
    if ctx.matcher is None:
        return 0
    if account_id is not None:
        with ctx.storage.read() as tx:  # the common case, nothing due: no write transaction
            job = tx.recovery.get(account_id)
        if job is None or not job.due:
            return 0
    queued = 0
    while True:
        with ctx.storage.transaction() as tx:
            jobs = tx.recovery.claim(ctx.clock(), LEASE_MS, CLAIM_BATCH, account_id)
        for job in jobs:
            try:
                with ctx.storage.transaction() as tx:
                    queued += run_threshold(ctx, tx, job.account_id)
                    tx.recovery.finish(job.account_id, job.opened, ctx.clock())
            except Exception:  # logged; the lease runs out and the job is claimed again
                log.exception("threshold recovery job failed; it is retried after its lease")
        if len(jobs) < CLAIM_BATCH:
            return queued
