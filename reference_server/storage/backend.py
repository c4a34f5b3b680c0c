"""The small table primitive every storage implementation provides.

The per-noun stores (``stores.py``) are written once on top of this interface; an
implementation (SQLite, in-memory, later PostgreSQL) provides only these operations on the
tables in ``TABLES``. ``tests/reference_server/test_storage_contract.py`` runs one contract
suite against every implementation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from vouchsafe.sdk.errors import ErrorCode, VouchsafeError
from vouchsafe.server.storage import records as r


class StorageError(VouchsafeError):
    """The storage layer refused an operation (e.g. a unique key already taken)."""

    code = ErrorCode.STORAGE_ERROR


class DuplicateKey(StorageError):
    """A record with this key already exists."""

    code = ErrorCode.CONFLICT


@dataclass(frozen=True)
class TableSpec:
    """A table: its record type, primary-key columns and indexed columns."""

    name: str
    record: type[Any]
    key: tuple[str, ...]
    indexes: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self.record))


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("accounts", r.Account, ("account_id",), unique=("handle",)),
        TableSpec("nonces", r.SeenNonce, ("key_id", "nonce"), ("seen_at_ms",)),
        TableSpec("vouchers", r.VoucherRecord, ("voucher_id",), ("account_id",)),
        TableSpec("processed_items", r.ProcessedItem, ("account_id", "item_id")),
        TableSpec("threshold_state", r.ThresholdState, ("account_id",)),
        TableSpec("review_items", r.ReviewItemRecord, ("review_id",), ("status", "account_id")),
        TableSpec("decisions", r.Decision, ("decision_id",), ("review_id",)),
        TableSpec(
            "derivative_reveals", r.DerivativeReveal, ("reveal_id",), ("review_id", "session_id")
        ),
        TableSpec("reports", r.ReportRecord, ("report_id",), ("account_id", "status")),
        TableSpec("account_actions", r.AccountAction, ("action_id",), ("account_id",)),
        TableSpec("notifications", r.NotificationRecord, ("notification_id",), ("account_id",)),
        TableSpec("appeals", r.AppealRecord, ("appeal_id",), ("account_id", "report_id")),
        TableSpec("opinions", r.Opinion, ("opinion_id",)),
        TableSpec("messages", r.StoredMessage, ("message_id",), ("recipient_account_id",)),
        TableSpec("audit_log", r.AuditEntry, ("seq",), ("at_ms",)),
        TableSpec("checkpoints", r.Checkpoint, ("seq",)),
        TableSpec("request_tallies", r.RequestTally, ("day", "code")),
    )
}

# A condition: (column, operator, value) with operator one of OPERATORS.
Condition = tuple[str, str, Any]
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")


class Tx(Protocol):
    """Operations inside one transaction; all or nothing is committed."""

    def insert(self, table: str, record: Any) -> None:
        """Adds ``record``; raises DuplicateKey when its key (or a unique column) exists."""

    def get(self, table: str, key: Sequence[Any]) -> Any | None:
        """The record with this primary key, or None."""

    def select(
        self,
        table: str,
        where: Sequence[Condition] = (),
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Any]:
        """Records matching every condition, ordered by ``order_by`` (then key) if given."""

    def update(self, table: str, key: Sequence[Any], changes: dict[str, Any]) -> bool:
        """Changes columns of the record with this key; False when there is none."""

    def delete(self, table: str, where: Sequence[Condition]) -> int:
        """Deletes records matching every condition; returns how many."""

    def count(self, table: str, where: Sequence[Condition] = ()) -> int:
        """How many records match."""


class Backend(Protocol):
    """A storage implementation: opens transactions over ``TABLES``."""

    def transaction(self, readonly: bool = False) -> AbstractContextManager[Tx]:
        """A transaction; committed when the block ends, rolled back if it raises.

        ``readonly``: the caller only reads (an implementation may then avoid write locks).
        """

    def close(self) -> None:
        """Releases the implementation's resources."""


def check_conditions(table: str, where: Sequence[Condition]) -> None:
    """Refuses unknown tables, columns or operators (these come from code, not from users)."""
    spec = TABLES[table]
    for column, op, _ in where:
        if column not in spec.columns or op not in OPERATORS:
            raise StorageError(f"bad condition {column} {op} on {table}")


def iter_keys(spec: TableSpec, record: Any) -> Iterator[Any]:
    """The primary-key values of ``record``, in key order."""
    for column in spec.key:
        yield getattr(record, column)
