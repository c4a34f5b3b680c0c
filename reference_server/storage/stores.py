"""One small store per noun, written once over the table primitive (``backend.SqlTx``).

``Repos`` bundles them for one transaction: ``with storage.transaction() as tx:
tx.vouchers.add_new(...)``. The pipeline sees only these methods; none of them reads more than the
rows it returns (no per-request scan of an account's history or of the audit log).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case

from vouchsafe.server.storage import records as r
from vouchsafe.server.storage.backend import Condition, SqlTx, column

AUDIT_HEAD_ID = 1
# A recovery job's expiry is moved forward at most once a day (see record_upload).
EXPIRY_REFRESH_MS = 86_400_000


@functools.cache
def _upload_changes() -> dict[str, Any]:
    """What an upload sets besides ``opened += added`` (see ``record_upload``), over bound
    parameters, so the statement is built once: ``n_opened`` is the amount being added."""
    c = column
    was_due = c("recovery_jobs", "due")
    total = c("recovery_jobs", "opened") + bindparam("n_opened")
    becomes_due = and_(
        total >= bindparam("upload_threshold"),
        total > c("recovery_jobs", "recovered"),
        c("recovery_jobs", "abuse_suspected").is_(False),
    )
    stored_expiry = c("recovery_jobs", "expires_at_ms")
    return {
        "due": case((becomes_due, True), else_=was_due),
        "updated_at_ms": case(
            (and_(becomes_due, was_due.is_(False)), bindparam("upload_now_ms")),
            else_=c("recovery_jobs", "updated_at_ms"),
        ),
        "expires_at_ms": case(
            (
                stored_expiry < bindparam("upload_refresh_before_ms"),
                bindparam("upload_expires_at_ms"),
            ),
            else_=stored_expiry,
        ),
    }


@dataclass(frozen=True)
class _Store:
    tx: SqlTx


class AccountStore(_Store):
    """Accounts (users and staff), keyed by account id (= key id)."""

    def add(self, account: r.Account) -> None:
        """Adds an account; DuplicateKey when the id or the handle is taken."""
        self.tx.insert("accounts", account)

    def get(self, account_id: str) -> r.Account | None:
        return self.tx.get("accounts", (account_id,))

    def by_handle(self, handle: str) -> r.Account | None:
        rows = self.tx.select("accounts", [("handle", "=", handle)])
        return rows[0] if rows else None

    def set_status(self, account_id: str, status: str) -> bool:
        return self.tx.update("accounts", (account_id,), {"status": status})

    def touch(self, account_id: str, expires_at_ms: int) -> bool:
        """Moves the account's expiry (retention counts from the last activity)."""
        return self.tx.update("accounts", (account_id,), {"expires_at_ms": expires_at_ms})

    def set_role(self, account_id: str, role: str) -> bool:
        return self.tx.update("accounts", (account_id,), {"role": role})

    def staff(self) -> list[r.Account]:
        """Every account whose role is not ``user`` (revoked staff included)."""
        return self.tx.select("accounts", [("role", "!=", r.ROLE_USER)])


class NonceStore(_Store):
    """Nonces of accepted requests, for replay refusal."""

    def seen(self, key_id: str, nonce: bytes) -> bool:
        """Whether this nonce was recorded for ``key_id`` (and not yet expired away)."""
        return self.tx.get("nonces", (key_id, nonce)) is not None

    def remember(self, nonce: r.SeenNonce) -> bool:
        """Records the nonce; False (and nothing written) when it was seen before."""
        return self.tx.insert_new("nonces", nonce)


class VoucherStore(_Store):
    """Voucher receipts, and for outer-step matches the opened record."""

    def add_new(self, voucher: r.VoucherRecord) -> bool:
        """Adds the record unless its voucher id is stored (then changes nothing); True when
        it was added."""
        return self.tx.insert_new("vouchers", voucher)

    def get(self, voucher_id: bytes) -> r.VoucherRecord | None:
        return self.tx.get("vouchers", (voucher_id,))

    def opened_for(self, account_id: str, since_ms: int | None = None) -> list[r.VoucherRecord]:
        """The account's opened records (received at ``since_ms`` or later, when given),
        oldest first (an index range on account and time)."""
        where: list[Condition] = [("account_id", "=", account_id)]
        if since_ms is not None:
            where.append(("received_at_ms", ">=", max(0, since_ms)))
        where.append(("opened", "is not null", None))
        return self.tx.select("vouchers", where, "received_at_ms")

    def count_for(self, account_id: str) -> int:
        return self.tx.count("vouchers", [("account_id", "=", account_id)])


class ProcessedItemStore(_Store):
    """Real matches already handled past threshold (so a rerun does nothing twice)."""

    def add(self, item: r.ProcessedItem) -> None:
        self.tx.insert("processed_items", item)

    def item_ids(self, account_id: str) -> set[str]:
        rows = self.tx.select("processed_items", [("account_id", "=", account_id)])
        return {p.item_id for p in rows}


class RecoveryJobStore(_Store):
    """Per-account threshold-recovery jobs (``records.RecoveryJob``): the upload enqueues, a
    worker claims, runs the threshold step and finishes; one worker per account at a time."""

    def record_upload(
        self, account_id: str, opened: bool, threshold: int, now_ms: int, expires_at_ms: int
    ) -> bool:
        """Counts one accepted voucher (``opened``: the outer step matched) in one upsert, the
        same statement whether or not it matched; the job becomes due once the account holds
        ``threshold`` opened records recovery has not seen. Returns whether the job is due now.

        Indexed columns change only when they must (``updated_at_ms`` when the job becomes
        due, ``expires_at_ms`` once a day), so on PostgreSQL the per-upload update is a HOT
        update: the row's indexes do not grow with the account's uploads."""
        added = int(opened)
        job = r.RecoveryJob(account_id, added, 0, added >= threshold, 0, now_ms, expires_at_ms)
        binds = {
            "upload_threshold": threshold,
            "upload_now_ms": now_ms,
            "upload_expires_at_ms": expires_at_ms,
            "upload_refresh_before_ms": expires_at_ms - EXPIRY_REFRESH_MS,
        }
        also = _upload_changes()
        due = self.tx.add_to(
            "recovery_jobs",
            job,
            {"opened": added},
            also,
            shape="record_upload",
            binds=binds,
            returning="due",
        )
        return bool(due)

    def get(self, account_id: str) -> r.RecoveryJob | None:
        return self.tx.get("recovery_jobs", (account_id,))

    def claim(
        self, now_ms: int, lease_ms: int, limit: int, account_id: str | None = None
    ) -> list[r.RecoveryJob]:
        """Due jobs no other worker holds (``FOR UPDATE SKIP LOCKED``), now leased to the
        caller until ``now_ms + lease_ms``; only ``account_id``'s when given."""
        where: list[Condition] = [("due", "=", True), ("lease_until_ms", "<", now_ms)]
        if account_id is not None:
            where.append(("account_id", "=", account_id))
        jobs = self.tx.claim("recovery_jobs", where, "updated_at_ms", limit)
        for job in jobs:
            self.tx.update(
                "recovery_jobs", (job.account_id,), {"lease_until_ms": now_ms + lease_ms}
            )
        return jobs

    def finish(self, account_id: str, recovered: int, now_ms: int) -> None:
        """Records that recovery saw ``recovered`` opened records and releases the lease; the
        job stays due if more opened records arrived meanwhile."""
        opened = column("recovery_jobs", "opened")
        changes = {
            "recovered": recovered,
            "due": opened > recovered,
            "lease_until_ms": 0,
            "updated_at_ms": now_ms,
        }
        self.tx.update("recovery_jobs", (account_id,), changes)

    def mark_abuse_suspected(self, account_id: str) -> bool:
        """Marks the account's job ``abuse_suspected`` (it is never recomputed again); True only
        for the transaction that marked it first."""
        job = self.tx.get("recovery_jobs", (account_id,), for_update=True)
        if job is None or job.abuse_suspected:
            return False
        self.tx.update("recovery_jobs", (account_id,), {"abuse_suspected": True})
        return True


class ReviewStore(_Store):
    """The human review queue."""

    def add(self, item: r.ReviewItemRecord) -> None:
        self.tx.insert("review_items", item)

    def get(self, review_id: str) -> r.ReviewItemRecord | None:
        return self.tx.get("review_items", (review_id,))

    def pending(self, reviewer_id: str, limit: int) -> list[r.ReviewItemRecord]:
        """Pending items this reviewer may decide (never an appeal of their own decision)."""
        rows = self.tx.select("review_items", [("status", "=", "pending")], "queued_at_ms")
        return [i for i in rows if i.excluded_reviewer_id != reviewer_id][:limit]

    def for_account(self, account_id: str) -> list[r.ReviewItemRecord]:
        return self.tx.select("review_items", [("account_id", "=", account_id)], "queued_at_ms")

    def mark_decided(self, review_id: str) -> bool:
        return self.tx.update("review_items", (review_id,), {"status": "decided"})


class DecisionStore(_Store):
    """Reviewers' decisions."""

    def add(self, decision: r.Decision) -> None:
        self.tx.insert("decisions", decision)

    def get(self, decision_id: str) -> r.Decision | None:
        return self.tx.get("decisions", (decision_id,))

    def for_review(self, review_id: str) -> list[r.Decision]:
        return self.tx.select("decisions", [("review_id", "=", review_id)], "decided_at_ms")


class RevealStore(_Store):
    """Exposures of reviewers to visual derivatives (what the confirmation rule checks)."""

    def add(self, reveal: r.DerivativeReveal) -> None:
        self.tx.insert("derivative_reveals", reveal)

    def revealed(self, review_id: str, reviewer_id: str) -> bool:
        """Whether ``reviewer_id`` ever revealed this item's derivative."""
        rows = self.tx.select("derivative_reveals", [("review_id", "=", review_id)])
        return any(row.reviewer_id == reviewer_id for row in rows)

    def count_in_session(self, session_id: str) -> int:
        """Derivatives revealed in one console session (the exposure counter)."""
        return self.tx.count("derivative_reveals", [("session_id", "=", session_id)])


class ReportStore(_Store):
    """Signed reports and their status at the authority."""

    def add(self, report: r.ReportRecord) -> None:
        self.tx.insert("reports", report)

    def get(self, report_id: str) -> r.ReportRecord | None:
        return self.tx.get("reports", (report_id,))

    def list(self, status: str | None = None) -> list[r.ReportRecord]:
        where = [] if status is None else [("status", "=", status)]
        return self.tx.select("reports", where, "created_at_ms")

    def set_status(self, report_id: str, status: str, reason: str, at_ms: int) -> bool:
        changes = {"status": status, "reason": reason, "status_at_ms": at_ms}
        return self.tx.update("reports", (report_id,), changes)


class AccountActionStore(_Store):
    """Actions taken on accounts."""

    def add(self, action: r.AccountAction) -> None:
        self.tx.insert("account_actions", action)

    def for_account(self, account_id: str) -> list[r.AccountAction]:
        return self.tx.select("account_actions", [("account_id", "=", account_id)], "at_ms")


class NotificationStore(_Store):
    """Notices to users."""

    def add(self, notification: r.NotificationRecord) -> None:
        self.tx.insert("notifications", notification)

    def due(self, account_id: str, now_ms: int) -> list[r.NotificationRecord]:
        where = [("account_id", "=", account_id), ("deliver_after_ms", "<=", now_ms)]
        return self.tx.select("notifications", where, "created_at_ms")


class AppealStore(_Store):
    """Appeals and their outcome."""

    def add(self, appeal: r.AppealRecord) -> None:
        self.tx.insert("appeals", appeal)

    def get(self, appeal_id: str) -> r.AppealRecord | None:
        return self.tx.get("appeals", (appeal_id,))

    def for_account(self, account_id: str) -> list[r.AppealRecord]:
        return self.tx.select("appeals", [("account_id", "=", account_id)], "filed_at_ms")

    def for_report(self, report_id: str) -> list[r.AppealRecord]:
        return self.tx.select("appeals", [("report_id", "=", report_id)], "filed_at_ms")

    def decide(self, appeal_id: str, status: str, at_ms: int) -> bool:
        return self.tx.update("appeals", (appeal_id,), {"status": status, "decided_at_ms": at_ms})

    def set_review(self, appeal_id: str, review_id: str) -> bool:
        return self.tx.update("appeals", (appeal_id,), {"review_id": review_id})


class OpinionStore(_Store):
    """Opinions fed back to the hash-set source."""

    def add(self, opinion: r.Opinion) -> None:
        self.tx.insert("opinions", opinion)

    def list(self) -> list[r.Opinion]:
        return self.tx.select("opinions", [], "created_at_ms")


class MessageStore(_Store):
    """Store-and-forward mailboxes of E2EE blobs."""

    def get(self, message_id: bytes) -> r.StoredMessage | None:
        return self.tx.get("messages", (message_id,))

    def next_sequence(self, recipient: str) -> int:
        """The next number in ``recipient``'s mailbox; concurrent senders to one recipient (in
        any worker) are serialised, so they never get the same number."""
        self.tx.serialise(f"mailbox:{recipient}")
        where = [("recipient_account_id", "=", recipient)]
        last = self.tx.select("messages", where, "sequence", descending=True, limit=1)
        return 1 if not last else int(last[0].sequence) + 1

    def add(self, message: r.StoredMessage) -> None:
        self.tx.insert("messages", message)

    def fetch(self, recipient: str, after_sequence: int, limit: int) -> list[r.StoredMessage]:
        where = [("recipient_account_id", "=", recipient), ("sequence", ">", after_sequence)]
        return self.tx.select("messages", where, "sequence", limit=limit)

    def delete(self, recipient: str, message_id: bytes) -> int:
        where = [("recipient_account_id", "=", recipient), ("message_id", "=", message_id)]
        return self.tx.delete("messages", where)


class AuditStore(_Store):
    """The audit log's entries and checkpoints (the chain logic is in ``audit_log``)."""

    def last(self) -> r.AuditEntry | None:
        rows = self.tx.select("audit_log", [], "seq", descending=True, limit=1)
        return rows[0] if rows else None

    def head(self) -> r.AuditHead:
        """The chain's head, locked until the transaction ends: one appender at a time."""
        head = self.tx.get("audit_head", (AUDIT_HEAD_ID,), for_update=True)
        if head is None:  # the migration writes it; only a hand-emptied table lacks it
            head = r.AuditHead(AUDIT_HEAD_ID, 0, bytes(32))
            self.tx.insert("audit_head", head)
        return head

    def append(self, entry: r.AuditEntry, counted: tuple[str, ...], day: str) -> None:
        """Adds the entry, moves the head to it and adds one to each counted key's tally."""
        self.tx.insert("audit_log", entry)
        changes = {"seq": entry.seq, "entry_hash": entry.entry_hash}
        self.tx.update("audit_head", (AUDIT_HEAD_ID,), changes)
        for key in counted:
            self.tx.add_to("audit_counts", r.AuditCount(day, key, 1), {"count": 1})

    def counts_between(self, from_day: str, to_day: str) -> list[r.AuditCount]:
        """The per-day tallies of days in ``[from_day, to_day)`` (ISO dates)."""
        where = [("day", ">=", from_day), ("day", "<", to_day)]
        return self.tx.select("audit_counts", where, "day")

    def totals_between(self, from_day: str, to_day: str) -> dict[str, int]:
        """Each counted key's total over the days in ``[from_day, to_day)``, summed by the
        database: the answer's size does not grow with the days or the entries."""
        where = [("day", ">=", from_day), ("day", "<", to_day)]
        return self.tx.sum_by("audit_counts", "counted", "count", where)

    def of_kind_between(self, kind: str, from_ms: int, to_ms: int) -> list[r.AuditEntry]:
        """Entries of one kind in ``[from_ms, to_ms)`` (indexed by kind and time)."""
        where = [("kind", "=", kind), ("at_ms", ">=", from_ms), ("at_ms", "<", to_ms)]
        return self.tx.select("audit_log", where, "seq")

    def entries(self, after_seq: int = 0, limit: int | None = None) -> list[r.AuditEntry]:
        return self.tx.select("audit_log", [("seq", ">", after_seq)], "seq", limit=limit)

    def between(self, from_ms: int, to_ms: int) -> list[r.AuditEntry]:
        where = [("at_ms", ">=", from_ms), ("at_ms", "<", to_ms)]
        return self.tx.select("audit_log", where, "seq")

    def add_checkpoint(self, checkpoint: r.Checkpoint) -> None:
        self.tx.insert("checkpoints", checkpoint)

    def checkpoints(self) -> list[r.Checkpoint]:
        return self.tx.select("checkpoints", [], "seq")

    def last_checkpoint(self) -> r.Checkpoint | None:
        rows = self.tx.select("checkpoints", [], "seq", descending=True, limit=1)
        return rows[0] if rows else None

    def checkpoint_before(self, seq: int) -> r.Checkpoint | None:
        """The latest checkpoint at an entry before ``seq`` (the one a checkpoint chains to)."""
        rows = self.tx.select("checkpoints", [("seq", "<", seq)], "seq", descending=True, limit=1)
        return rows[0] if rows else None


class TallyStore(_Store):
    """Per-day counts of request outcomes (for the error rates in the transparency figures)."""

    def bump(self, day: str, code: str, n: int = 1) -> None:
        self.tx.add_to("request_tallies", r.RequestTally(day, code, n), {"count": n})

    def between(self, from_day: str, to_day: str) -> list[r.RequestTally]:
        where = [("day", ">=", from_day), ("day", "<", to_day)]
        return self.tx.select("request_tallies", where, "day")

    def totals_between(self, from_day: str, to_day: str) -> dict[str, int]:
        """Each outcome code's total over the days in ``[from_day, to_day)`` (summed by the
        database)."""
        where = [("day", ">=", from_day), ("day", "<", to_day)]
        return self.tx.sum_by("request_tallies", "code", "count", where)


class Repos:
    """Every noun store, bound to one transaction."""

    def __init__(self, tx: SqlTx) -> None:
        self.tx = tx
        self._before_commit: list[Callable[[], object]] = []
        self._after_commit: list[Callable[[], object]] = []
        self.accounts = AccountStore(tx)
        self.nonces = NonceStore(tx)
        self.vouchers = VoucherStore(tx)
        self.processed = ProcessedItemStore(tx)
        self.recovery = RecoveryJobStore(tx)
        self.review = ReviewStore(tx)
        self.decisions = DecisionStore(tx)
        self.reveals = RevealStore(tx)
        self.reports = ReportStore(tx)
        self.actions = AccountActionStore(tx)
        self.notifications = NotificationStore(tx)
        self.appeals = AppealStore(tx)
        self.opinions = OpinionStore(tx)
        self.messages = MessageStore(tx)
        self.audit = AuditStore(tx)
        self.tallies = TallyStore(tx)

    def before_commit(self, work: Callable[[], object]) -> None:
        """Runs ``work`` at the end of the transaction, in registration order. The audit log
        appends this way: its head row is then always the LAST lock a transaction takes, so
        transactions in different workers never wait on each other in a cycle."""
        self._before_commit.append(work)

    def run_before_commit(self) -> None:
        """Runs (once) the work registered with ``before_commit``."""
        work, self._before_commit = self._before_commit, []
        for item in work:
            item()

    def after_commit(self, work: Callable[[], object]) -> None:
        """Runs ``work`` once the transaction has committed, never when it rolls back: for
        in-memory state derived from what the transaction writes (a rolled-back transaction
        must leave no trace in memory either)."""
        self._after_commit.append(work)

    def run_after_commit(self) -> None:
        """Runs (once) the work registered with ``after_commit``."""
        work, self._after_commit = self._after_commit, []
        for item in work:
            item()

    def delete_expired(self, table: str, now_ms: int) -> int:
        """Deletes the table's records whose ``expires_at_ms`` has passed; returns how many."""
        return self.tx.delete(table, [("expires_at_ms", "<=", now_ms)])
