"""The database schema, declared once with SQLAlchemy Core (the Alembic migrations build it).

One table per noun; each table's columns are the fields of its record type in ``records``
(``TABLES`` pairs them, and ``tests/reference_server/test_storage_migrations.py`` checks that
the migrations produce exactly this schema). Times are BIGINT milliseconds since the epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    text,
)

from vouchsafe.server.storage import records as r

metadata = MetaData()


def _ms(name: str, **kw: Any) -> Column[int]:
    return Column(name, BigInteger, nullable=False, **kw)


def _text(name: str, **kw: Any) -> Column[str]:
    return Column(name, Text, nullable=False, **kw)


def _bytes(name: str, nullable: bool = False, **kw: Any) -> Column[bytes]:
    return Column(name, LargeBinary, nullable=nullable, **kw)


def _key_text(name: str) -> Column[str]:
    return Column(name, Text, primary_key=True)


def _expires() -> Column[int]:
    return Column("expires_at_ms", BigInteger, nullable=False, index=True)


accounts = Table(
    "accounts",
    metadata,
    _key_text("account_id"),
    _bytes("signing_public_key"),
    _bytes("encryption_public_key"),
    _text("handle"),
    _text("role"),
    _text("status"),
    _ms("created_at_ms"),
    _expires(),
    # Empty handles (staff) never collide.
    Index(
        "ux_accounts_handle",
        "handle",
        unique=True,
        sqlite_where=text("handle != ''"),
        postgresql_where=text("handle != ''"),
    ),
)
nonces = Table(
    "nonces",
    metadata,
    _key_text("key_id"),
    Column("nonce", LargeBinary, primary_key=True),
    _ms("seen_at_ms"),
    _expires(),
)
vouchers = Table(
    "vouchers",
    metadata,
    Column("voucher_id", LargeBinary, primary_key=True),
    _text("account_id"),
    _ms("received_at_ms"),
    _bytes("voucher_digest"),
    _bytes("opened", nullable=True),
    _expires(),
    Index("ix_vouchers_account_received", "account_id", "received_at_ms"),
)
processed_items = Table(
    "processed_items",
    metadata,
    _key_text("account_id"),
    _key_text("item_id"),
    _text("outcome"),
    _ms("processed_at_ms"),
    _expires(),
)
recovery_jobs = Table(
    "recovery_jobs",
    metadata,
    _key_text("account_id"),
    Column("opened", Integer, nullable=False),
    Column("recovered", Integer, nullable=False),
    Column("due", Boolean, nullable=False),
    _ms("lease_until_ms"),
    _ms("updated_at_ms"),
    _expires(),
    Column("abuse_suspected", Boolean, nullable=False),
    # Only due jobs are indexed: the claim never scans accounts with nothing to recover.
    Index(
        "ix_recovery_jobs_due",
        "updated_at_ms",
        sqlite_where=text("due = 1"),
        postgresql_where=text("due"),
    ),
)
review_items = Table(
    "review_items",
    metadata,
    _key_text("review_id"),
    _text("kind"),
    _text("account_id", index=True),
    _text("item_id"),
    _bytes("associated_data"),
    _text("matched_entry_id"),
    Column("match_distance", Integer, nullable=False),
    _ms("voucher_received_at_ms"),
    _ms("queued_at_ms"),
    _text("status"),
    _text("appeal_id"),
    _text("excluded_reviewer_id"),
    _expires(),
    _text("second_check"),
    Index("ix_review_items_status_queued", "status", "queued_at_ms"),
)
decisions = Table(
    "decisions",
    metadata,
    _key_text("decision_id"),
    _text("review_id", index=True),
    _text("reviewer_id"),
    _text("outcome"),
    Column("derivative_viewed", Boolean, nullable=False),
    _text("notes"),
    Column("urgent", Boolean, nullable=False),
    _ms("decided_at_ms"),
    _expires(),
)
derivative_reveals = Table(
    "derivative_reveals",
    metadata,
    _key_text("reveal_id"),
    _text("review_id", index=True),
    _text("reviewer_id"),
    _text("session_id", index=True),
    _ms("revealed_at_ms"),
    _expires(),
)
reports = Table(
    "reports",
    metadata,
    _key_text("report_id"),
    _text("account_id", index=True),
    _text("review_id"),
    _text("decision_id"),
    _ms("created_at_ms"),
    _bytes("signed_report"),
    _text("status", index=True),
    _text("reason"),
    _ms("status_at_ms"),
    _expires(),
)
account_actions = Table(
    "account_actions",
    metadata,
    _key_text("action_id"),
    _text("account_id", index=True),
    _text("action"),
    _text("report_id"),
    _text("reason"),
    _ms("at_ms"),
    _expires(),
)
notifications = Table(
    "notifications",
    metadata,
    _key_text("notification_id"),
    _text("account_id", index=True),
    _text("kind"),
    _text("text"),
    _text("report_id"),
    _text("appeal_id"),
    _ms("created_at_ms"),
    _ms("deliver_after_ms"),
    _expires(),
)
appeals = Table(
    "appeals",
    metadata,
    _key_text("appeal_id"),
    _text("account_id", index=True),
    _text("report_id", index=True),
    _text("reason"),
    _ms("filed_at_ms"),
    _text("status"),
    _ms("decided_at_ms"),
    _text("review_id"),
    _expires(),
)
opinions = Table(
    "opinions",
    metadata,
    _key_text("opinion_id"),
    _text("entry_id"),
    _text("verdict"),
    _text("appeal_id"),
    _ms("created_at_ms"),
    _expires(),
)
messages = Table(
    "messages",
    metadata,
    Column("message_id", LargeBinary, primary_key=True),
    _text("sender_account_id"),
    _text("recipient_account_id"),
    _ms("sequence"),
    _ms("stored_at_ms"),
    _bytes("ciphertext"),
    _expires(),
    Index("ix_messages_recipient_sequence", "recipient_account_id", "sequence"),
)
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    _ms("at_ms", index=True),
    _text("kind"),
    _text("payload"),
    _bytes("prev_hash"),
    _bytes("entry_hash"),
    Index("ix_audit_log_kind_at", "kind", "at_ms"),
)
# One row (id 1): the chain's head. Appending locks it, so one writer extends the chain at a
# time across every process; its seq and hash are the next entry's predecessor.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    _ms("seq"),
    _bytes("entry_hash"),
)
# Per UTC day and counted key (an entry kind, or kind:facet), kept as entries are appended:
# the transparency figures read O(days), never the entries.
audit_counts = Table(
    "audit_counts",
    metadata,
    _key_text("day"),
    _key_text("counted"),
    Column("count", BigInteger, nullable=False),
)
checkpoints = Table(
    "checkpoints",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    _bytes("entry_hash"),
    _ms("at_ms"),
    _text("key_id"),
    _bytes("public_key"),
    _bytes("signature"),
)
request_tallies = Table(
    "request_tallies",
    metadata,
    _key_text("day"),
    _key_text("code"),
    Column("count", BigInteger, nullable=False),
)


@dataclass(frozen=True)
class TableSpec:
    """A table and the record type its rows are read into."""

    table: Table
    record: type[Any]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.primary_key.columns)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self.record))


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(accounts, r.Account),
        TableSpec(nonces, r.SeenNonce),
        TableSpec(vouchers, r.VoucherRecord),
        TableSpec(processed_items, r.ProcessedItem),
        TableSpec(recovery_jobs, r.RecoveryJob),
        TableSpec(review_items, r.ReviewItemRecord),
        TableSpec(decisions, r.Decision),
        TableSpec(derivative_reveals, r.DerivativeReveal),
        TableSpec(reports, r.ReportRecord),
        TableSpec(account_actions, r.AccountAction),
        TableSpec(notifications, r.NotificationRecord),
        TableSpec(appeals, r.AppealRecord),
        TableSpec(opinions, r.Opinion),
        TableSpec(messages, r.StoredMessage),
        TableSpec(audit_log, r.AuditEntry),
        TableSpec(audit_head, r.AuditHead),
        TableSpec(audit_counts, r.AuditCount),
        TableSpec(checkpoints, r.Checkpoint),
        TableSpec(request_tallies, r.RequestTally),
    )
}
