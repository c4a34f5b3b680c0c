"""User notification (step 6, first half): notices held back by the configured deferral."""

from __future__ import annotations

from vouchsafe.server.context import ServerContext, new_id
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import NotificationRecord


def notify(
    ctx: ServerContext,
    tx: Repos,
    account_id: str,
    kind: str,
    text: str,
    *,
    report_id: str = "",
    appeal_id: str = "",
) -> NotificationRecord:
    """Queues a notice, deliverable after ``settings.notification_deferral_ms``; logged."""
    now = ctx.clock()
    deliver_after = now + ctx.settings.notification_deferral_ms
    record = NotificationRecord(
        new_id("nt"),
        account_id,
        kind,
        text,
        report_id,
        appeal_id,
        now,
        deliver_after,
        now + ctx.settings.retention_ms,
    )
    tx.notifications.add(record)
    ctx.log(
        tx,
        "user_notified",
        {"account_id": account_id, "kind": kind, "deliver_after_ms": deliver_after},
    )
    return record
