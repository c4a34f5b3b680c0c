"""Step 6, appeals: a user contests an account action; a different reviewer re-reviews.

An upheld appeal retracts the report (the authority sees status *retracted*), reinstates the
account unless another report on it still stands, records a false positive and turns it into
an *opinion* against the hash-set entry, fed back to the source list. A rejected appeal leaves
everything as it was. Both are logged with the handling time, and the user is notified.
"""

from __future__ import annotations

from vouchsafe.protocol import api_pb2
from vouchsafe.server.context import ServerContext, new_id
from vouchsafe.server.errors import Conflict, InvalidArgument, NotFound, WrongAccount
from vouchsafe.server.pipeline.notifications import notify
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import (
    STATUS_ACTIVE,
    AccountAction,
    AppealRecord,
    Decision,
    Opinion,
    ReviewItemRecord,
)

MAX_REASON_CHARS = 4000
_STATUS = {
    "received": api_pb2.APPEAL_STATUS_RECEIVED,
    "upheld": api_pb2.APPEAL_STATUS_UPHELD,
    "rejected": api_pb2.APPEAL_STATUS_REJECTED,
}


def standing_reports(tx: Repos, account_id: str) -> list[str]:
    """Ids of the account's reports that still stand (delivered or forwarded)."""
    return [
        r.report_id
        for r in tx.reports.list()
        if r.account_id == account_id and r.status in ("delivered", "forwarded")
    ]


def appeal_message(record: AppealRecord) -> api_pb2.Appeal:
    """The wire form of an appeal."""
    return api_pb2.Appeal(
        version=1,
        appeal_id=record.appeal_id,
        account_id=record.account_id,
        report_id=record.report_id,
        status=_STATUS[record.status],
        filed_at_ms=record.filed_at_ms,
        decided_at_ms=record.decided_at_ms,
    )


def file_appeal(
    ctx: ServerContext, tx: Repos, account_id: str, request: api_pb2.FileAppealRequest
) -> AppealRecord:
    """Opens an appeal against the action recorded with ``request.report_id``."""
    if len(request.reason) > MAX_REASON_CHARS:
        raise InvalidArgument(f"reason exceeds {MAX_REASON_CHARS} characters", field="reason")
    report = tx.reports.get(request.report_id)
    if report is None:
        raise NotFound("no such report", field="report_id")
    if report.account_id != account_id:
        raise WrongAccount("this report concerns another account", field="report_id")
    if tx.appeals.for_report(report.report_id):
        # One appeal per report: it is re-reviewed by a different reviewer, and that decides.
        raise Conflict("this report was already appealed", field="report_id")
    if report.status == "retracted":
        raise Conflict("this report was already retracted", field="report_id")
    original = tx.review.get(report.review_id)
    decision = tx.decisions.get(report.decision_id)
    if original is None or decision is None:
        raise NotFound("the decision behind this report is no longer held", field="report_id")
    now = ctx.clock()
    expires = now + ctx.settings.retention_ms
    appeal = AppealRecord(
        new_id("ap"), account_id, report.report_id, request.reason, now, "received", 0, "", expires
    )
    review_id = new_id("rv")
    tx.appeals.add(appeal)
    tx.review.add(
        ReviewItemRecord(
            review_id=review_id,
            kind="appeal",
            account_id=account_id,
            item_id=original.item_id,
            associated_data=original.associated_data,
            matched_entry_id=original.matched_entry_id,
            match_distance=original.match_distance,
            voucher_received_at_ms=original.voucher_received_at_ms,
            queued_at_ms=now,
            status="pending",
            appeal_id=appeal.appeal_id,
            excluded_reviewer_id=decision.reviewer_id,
            expires_at_ms=expires,
            second_check=original.second_check,
        )
    )
    tx.appeals.set_review(appeal.appeal_id, review_id)
    ctx.log(
        tx,
        "appeal_received",
        {"appeal_id": appeal.appeal_id, "account_id": account_id, "report_id": report.report_id},
    )
    stored = tx.appeals.get(appeal.appeal_id)
    return stored if stored is not None else appeal


def decide_appeal(
    ctx: ServerContext, tx: Repos, item: ReviewItemRecord, decision: Decision
) -> AppealRecord:
    """Applies a re-review: NOT_CONFIRMED upholds the appeal, CONFIRMED rejects it."""
    appeal = tx.appeals.get(item.appeal_id)
    if appeal is None:
        raise NotFound("the appeal behind this review item is gone", field="review_id")
    now = ctx.clock()
    upheld = decision.outcome == "not_confirmed"
    status = "upheld" if upheld else "rejected"
    tx.appeals.decide(appeal.appeal_id, status, now)
    ctx.log(
        tx,
        f"appeal_{status}",
        {
            "appeal_id": appeal.appeal_id,
            "report_id": appeal.report_id,
            "handling_ms": now - appeal.filed_at_ms,
            "reviewer_id": decision.reviewer_id,
        },
    )
    if upheld:
        _reinstate(ctx, tx, appeal, item, now)
    notify(
        ctx,
        tx,
        appeal.account_id,
        "appeal_decided",
        "Your appeal was upheld; your account is reinstated."
        if upheld
        else "Your appeal was reviewed again and rejected.",
        report_id=appeal.report_id,
        appeal_id=appeal.appeal_id,
    )
    decided = tx.appeals.get(appeal.appeal_id)
    return decided if decided is not None else appeal


def _reinstate(
    ctx: ServerContext, tx: Repos, appeal: AppealRecord, item: ReviewItemRecord, now: int
) -> None:
    expires = now + ctx.settings.retention_ms
    tx.reports.set_status(appeal.report_id, "retracted", "appeal upheld: false positive", now)
    ctx.log(tx, "report_retracted", {"report_id": appeal.report_id, "appeal_id": appeal.appeal_id})
    if not standing_reports(tx, appeal.account_id):
        tx.accounts.set_status(appeal.account_id, STATUS_ACTIVE)
        tx.actions.add(
            AccountAction(
                new_id("ac"),
                appeal.account_id,
                "reinstated",
                appeal.report_id,
                "appeal upheld",
                now,
                expires,
            )
        )
        ctx.log(
            tx,
            "account_reinstated",
            {"account_id": appeal.account_id, "appeal_id": appeal.appeal_id},
        )
    opinion = Opinion(
        new_id("op"), item.matched_entry_id, "false_positive", appeal.appeal_id, now, expires
    )
    tx.opinions.add(opinion)
    ctx.log(
        tx,
        "false_positive_recorded",
        {"opinion_id": opinion.opinion_id, "entry_id": item.matched_entry_id},
    )
