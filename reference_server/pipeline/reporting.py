"""Step 5, reporting: a confirmed review becomes a signed report delivered to the authority.

The report carries what the EU CSA Regulation proposal (COM(2022) 209) Art. 13 and the NCMEC
CyberTipline ask a provider for, where this system has it: provider, timestamps, account, item
ids, hashes and match distance, signal type, the review record, an urgency flag, the legal basis
and the action taken on the account. It is serialized deterministically and signed by the
provider key (label ``LABEL("Report")``, over SHA-256 of the bytes). The stand-in authority reads
delivered reports and marks each *forwarded* or *manifestly unfounded* with a reason.
The account action (suspension) is recorded and the user notified per the configured deferral.
A *manifestly unfounded* verdict records a false positive against the entry and reinstates the
account unless another report on it still stands.
"""

from __future__ import annotations

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.provider_signatures import report_digest
from vouchsafe.sdk.crypto import labels
from vouchsafe.server.context import ServerContext, new_id
from vouchsafe.server.errors import Conflict, InvalidArgument, NotFound
from vouchsafe.server.pipeline.appeals import MAX_REASON_CHARS, standing_reports
from vouchsafe.server.pipeline.confirmation import parse_associated_data
from vouchsafe.server.pipeline.notifications import notify
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import (
    STATUS_ACTIVE,
    STATUS_SUSPENDED,
    AccountAction,
    Decision,
    Opinion,
    ReportRecord,
    ReviewItemRecord,
)

REPORT_SIGNATURE_SCHEME = "vouchsafe-report-ed25519-v1"
STATUS_NAMES = {
    "delivered": api_pb2.REPORT_STATUS_DELIVERED,
    "forwarded": api_pb2.REPORT_STATUS_FORWARDED,
    "manifestly_unfounded": api_pb2.REPORT_STATUS_MANIFESTLY_UNFOUNDED,
    "retracted": api_pb2.REPORT_STATUS_RETRACTED,
}


def create_report(
    ctx: ServerContext, tx: Repos, item: ReviewItemRecord, decision: Decision
) -> ReportRecord:
    """Builds, signs and delivers the report for a confirmed match; suspends the account."""
    now = ctx.clock()
    account = tx.accounts.get(item.account_id)
    ad = parse_associated_data(item.associated_data)
    signal_type = ad.signal_type if ad is not None else ""
    report_id = new_id("rp")
    already = account is not None and account.status == STATUS_SUSPENDED
    action = "already suspended" if already else "suspended"
    report = api_pb2.Report(
        version=1,
        report_id=report_id,
        provider=ctx.settings.provider_name,
        provider_key_id=ctx.provider_key.key_id,
        created_at_ms=now,
        account_id=item.account_id,
        account_created_at_ms=account.created_at_ms if account is not None else 0,
        items=[
            api_pb2.ReportedItem(
                item_id=item.item_id,
                signal_type=signal_type,
                perceptual_hash=ad.perceptual_hash if ad is not None else b"",
                matched_entry_id=item.matched_entry_id,
                match_distance=item.match_distance,
                voucher_received_at_ms=item.voucher_received_at_ms,
                media_type=ad.media_type if ad is not None else "",
                second_check=item.second_check,
            )
        ],
        signal_type=signal_type,
        review=api_pb2.ReviewRecord(
            review_id=item.review_id,
            decision_id=decision.decision_id,
            reviewer_id=decision.reviewer_id,
            decided_at_ms=decision.decided_at_ms,
            derivative_viewed=decision.derivative_viewed,
            notes=decision.notes,
        ),
        urgent=decision.urgent,
        legal_basis=ctx.settings.legal_basis,
        account_action=action,
        first_item_at_ms=item.voucher_received_at_ms,
        last_item_at_ms=item.voucher_received_at_ms,
    )
    report_bytes = report.SerializeToString(deterministic=True)
    signed = api_pb2.SignedReport(
        report=report_bytes,
        provider_key_id=ctx.provider_key.key_id,
        signature=ctx.provider_key.sign(labels.REPORT, report_digest(report_bytes)),
        signature_scheme=REPORT_SIGNATURE_SCHEME,
    )
    record = ReportRecord(
        report_id=report_id,
        account_id=item.account_id,
        review_id=item.review_id,
        decision_id=decision.decision_id,
        created_at_ms=now,
        signed_report=signed.SerializeToString(deterministic=True),
        status="delivered",
        reason="",
        status_at_ms=now,
        expires_at_ms=now + ctx.settings.retention_ms,
    )
    tx.reports.add(record)
    ctx.log(
        tx,
        "report_delivered",
        {
            "report_id": report_id,
            "account_id": item.account_id,
            "urgent": decision.urgent,
            # Binds the signed report the authority holds to this log entry.
            "report_sha256": report_digest(report_bytes).hex(),
        },
    )
    if already:
        return record  # one suspension (and one notice) per account, however many reports
    tx.accounts.set_status(item.account_id, STATUS_SUSPENDED)
    tx.actions.add(
        AccountAction(
            new_id("ac"),
            item.account_id,
            action,
            report_id,
            "confirmed match",
            now,
            now + ctx.settings.retention_ms,
        )
    )
    ctx.log(tx, "account_suspended", {"account_id": item.account_id, "report_id": report_id})
    notify(
        ctx,
        tx,
        item.account_id,
        "account_suspended",
        "Your account was suspended after a reviewed match; you may appeal.",
        report_id=report_id,
    )
    return record


def record_disposition(
    ctx: ServerContext, tx: Repos, report_id: str, disposition: int, reason: str
) -> ReportRecord:
    """The authority's verdict on a delivered report (forwarded / manifestly unfounded)."""
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidArgument(f"reason exceeds {MAX_REASON_CHARS} characters", field="reason")
    report = tx.reports.get(report_id)
    if report is None:
        raise NotFound("no such report", field="report_id")
    if disposition == api_pb2.DISPOSITION_FORWARDED:
        status = "forwarded"
    elif disposition == api_pb2.DISPOSITION_MANIFESTLY_UNFOUNDED:
        status = "manifestly_unfounded"
        if not reason.strip():
            raise InvalidArgument("a manifestly unfounded report needs a reason", field="reason")
    else:
        raise InvalidArgument(
            "disposition must be FORWARDED or MANIFESTLY_UNFOUNDED", field="disposition"
        )
    if report.status != "delivered":
        raise Conflict(f"report is already {report.status}", field="report_id")
    now = ctx.clock()
    tx.reports.set_status(report_id, status, reason, now)
    ctx.log(tx, f"report_{status}", {"report_id": report_id, "reason": reason})
    if status == "manifestly_unfounded":
        _undo_after_unfounded(ctx, tx, report, reason, now)
    updated = tx.reports.get(report_id)
    assert updated is not None  # just written in this transaction
    return updated


def _undo_after_unfounded(
    ctx: ServerContext, tx: Repos, report: ReportRecord, reason: str, now: int
) -> None:
    """The authority found the report manifestly unfounded: the match was a false positive.

    Records the opinion against the entry and, unless another report on the account still
    stands, reinstates the account and tells the user.
    """
    expires = now + ctx.settings.retention_ms
    item = tx.review.get(report.review_id)
    if item is not None:
        opinion = Opinion(new_id("op"), item.matched_entry_id, "false_positive", "", now, expires)
        tx.opinions.add(opinion)
        ctx.log(
            tx,
            "false_positive_recorded",
            {"opinion_id": opinion.opinion_id, "entry_id": item.matched_entry_id},
        )
    account = tx.accounts.get(report.account_id)
    if (
        standing_reports(tx, report.account_id)
        or account is None
        or account.status != STATUS_SUSPENDED
    ):
        return
    tx.accounts.set_status(report.account_id, STATUS_ACTIVE)
    tx.actions.add(
        AccountAction(
            new_id("ac"),
            report.account_id,
            "reinstated",
            report.report_id,
            f"authority: manifestly unfounded ({reason})",
            now,
            expires,
        )
    )
    ctx.log(
        tx, "account_reinstated", {"account_id": report.account_id, "report_id": report.report_id}
    )
    notify(
        ctx,
        tx,
        report.account_id,
        "account_reinstated",
        "Your account is reinstated: the report about it was found unfounded.",
        report_id=report.report_id,
    )


def report_entry(record: ReportRecord) -> api_pb2.ReportEntry:
    """The wire form of a stored report with its status."""
    signed = api_pb2.SignedReport()
    signed.ParseFromString(record.signed_report)
    return api_pb2.ReportEntry(
        signed_report=signed,
        status=STATUS_NAMES[record.status],
        reason=record.reason,
        status_at_ms=record.status_at_ms,
        report_id=record.report_id,
    )
