"""One small store per noun, written once over the backend's table primitive.

``Repos`` bundles them for one transaction: ``with storage.transaction() as tx:
tx.vouchers.add(...)``. The pipeline sees only these methods, so another backend (e.g.
PostgreSQL) needs only the table primitive in ``backend.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from vouchsafe.server.storage import records as r
from vouchsafe.server.storage.backend import Tx


@dataclass(frozen=True)
class _Store:
    tx: Tx


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
        if self.seen(nonce.key_id, nonce.nonce):
            return False
        self.tx.insert("nonces", nonce)
        return True


class VoucherStore(_Store):
    """Voucher receipts, and for outer-step matches the opened record."""

    def add(self, voucher: r.VoucherRecord) -> None:
        self.tx.insert("vouchers", voucher)

    def get(self, voucher_id: bytes) -> r.VoucherRecord | None:
        return self.tx.get("vouchers", (voucher_id,))

    def opened_for(self, account_id: str) -> list[r.VoucherRecord]:
        """The account's opened records, oldest first."""
        rows = self.tx.select("vouchers", [("account_id", "=", account_id)], "received_at_ms")
        return [v for v in rows if v.opened is not None]

    def accounts_with_opened(self) -> list[str]:
        rows = self.tx.select("vouchers", [("opened", "!=", b"")])
        return sorted({v.account_id for v in rows if v.opened is not None})

    def count_for(self, account_id: str) -> int:
        return self.tx.count("vouchers", [("account_id", "=", account_id)])


class ProcessedItemStore(_Store):
    """Real matches already handled past threshold (so a rerun does nothing twice)."""

    def add(self, item: r.ProcessedItem) -> None:
        self.tx.insert("processed_items", item)

    def item_ids(self, account_id: str) -> set[str]:
        rows = self.tx.select("processed_items", [("account_id", "=", account_id)])
        return {p.item_id for p in rows}

    def state(self, account_id: str) -> r.ThresholdState | None:
        """The account's recovery state, if it is past threshold."""
        return self.tx.get("threshold_state", (account_id,))

    def set_state(self, state: r.ThresholdState) -> None:
        """Records how many opened records the last recovery past threshold saw."""
        if self.tx.get("threshold_state", (state.account_id,)) is None:
            self.tx.insert("threshold_state", state)
        else:
            changes = {
                "opened_seen": state.opened_seen,
                "updated_at_ms": state.updated_at_ms,
                "expires_at_ms": state.expires_at_ms,
            }
            self.tx.update("threshold_state", (state.account_id,), changes)


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

    def next_sequence(self) -> int:
        last = self.tx.select("messages", [], "sequence", descending=True, limit=1)
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

    def append(self, entry: r.AuditEntry) -> None:
        self.tx.insert("audit_log", entry)

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
        current = self.tx.get("request_tallies", (day, code))
        if current is None:
            self.tx.insert("request_tallies", r.RequestTally(day, code, n))
        else:
            self.tx.update("request_tallies", (day, code), {"count": current.count + n})

    def between(self, from_day: str, to_day: str) -> list[r.RequestTally]:
        where = [("day", ">=", from_day), ("day", "<", to_day)]
        return self.tx.select("request_tallies", where, "day")


class Repos:
    """Every noun store, bound to one transaction."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self.accounts = AccountStore(tx)
        self.nonces = NonceStore(tx)
        self.vouchers = VoucherStore(tx)
        self.processed = ProcessedItemStore(tx)
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

    def delete_expired(self, table: str, now_ms: int) -> int:
        """Deletes the table's records whose ``expires_at_ms`` has passed; returns how many."""
        return self.tx.delete(table, [("expires_at_ms", "<=", now_ms)])
