"""Step 8, retention: every stored record has a purpose and a TTL; a job deletes what expired.

Each deletion is logged (table and count; never content). The audit log and its checkpoints are
not subject to this job: they are the record of what happened and hold no voucher content.
"""

from __future__ import annotations

from vouchsafe.server.context import ServerContext

# Why each table holds data (README "Reference server" lists the same).
PURPOSES: dict[str, str] = {
    "accounts": "authenticate requests and relay messages",
    "nonces": "refuse replayed requests (kept past the signature window only)",
    "vouchers": "receipts for idempotent upload; opened records for threshold recovery",
    "processed_items": "do not handle a recovered match twice",
    "recovery_jobs": "per-account threshold-recovery state (opened records counted, seen)",
    "review_items": "human review of confirmed matches and appeals",
    "decisions": "the review record reports and appeals rely on",
    "derivative_reveals": "record each time a reviewer saw a visual derivative unblurred",
    "reports": "reports delivered to the authority and their status",
    "account_actions": "record every action taken on an account",
    "notifications": "tell users about actions and appeals",
    "appeals": "users contesting an action",
    "opinions": "feedback to hash-set sources",
    "messages": "store-and-forward of E2EE ciphertext until fetched",
}


def run_retention(ctx: ServerContext) -> dict[str, int]:
    """Deletes every expired record; returns counts per table (only tables that lost records)."""
    now = ctx.clock()
    deleted: dict[str, int] = {}
    with ctx.storage.transaction() as tx:
        for table in PURPOSES:
            count = tx.delete_expired(table, now)
            if count:
                deleted[table] = count
                ctx.log(
                    tx,
                    "retention_deleted",
                    {"table": table, "count": count, "purpose": PURPOSES[table]},
                )
    return deleted
