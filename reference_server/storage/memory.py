"""In-memory implementation of the storage backend, for unit tests.

A transaction works on copies of the tables it touches and swaps them in on success, so a block
that raises leaves nothing behind, as in SQLite.
"""

from __future__ import annotations

import dataclasses
import operator
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from vouchsafe.server.storage.backend import (
    TABLES,
    Condition,
    DuplicateKey,
    StorageError,
    check_conditions,
    iter_keys,
)

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Tables = dict[str, dict[tuple[Any, ...], Any]]


class MemoryTx:
    """One in-memory transaction (see ``backend.Tx`` for each operation's contract)."""

    def __init__(self, committed: Tables) -> None:
        self._committed = committed
        self.changed: Tables = {}

    def _table(self, table: str, writing: bool) -> dict[tuple[Any, ...], Any]:
        if table not in TABLES:
            raise StorageError(f"unknown table {table}")
        if table in self.changed:
            return self.changed[table]
        rows = self._committed.setdefault(table, {})
        if writing:
            self.changed[table] = dict(rows)
            return self.changed[table]
        return rows

    def insert(self, table: str, record: Any) -> None:
        spec = TABLES[table]
        rows = self._table(table, writing=True)
        key = tuple(iter_keys(spec, record))
        if key in rows:
            raise DuplicateKey(f"{table}: a record with this key already exists")
        for column in spec.unique:
            value = getattr(record, column)
            if value != "" and any(getattr(row, column) == value for row in rows.values()):
                raise DuplicateKey(f"{table}: {column} already taken", field=column)
        rows[key] = record

    def get(self, table: str, key: Sequence[Any]) -> Any | None:
        return self._table(table, writing=False).get(tuple(key))

    def select(
        self,
        table: str,
        where: Sequence[Condition] = (),
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Any]:
        spec = TABLES[table]
        check_conditions(table, where)
        rows = [
            (key, row)
            for key, row in self._table(table, writing=False).items()
            if all(_OPS[op](getattr(row, c), v) for c, op, v in where)
        ]
        if order_by is not None:
            if order_by not in spec.columns:
                raise StorageError(f"unknown column {order_by} in {table}")
            rows.sort(key=lambda kr: (getattr(kr[1], order_by), kr[0]), reverse=descending)
        result = [row for _, row in rows]
        return result if limit is None else result[: int(limit)]

    def update(self, table: str, key: Sequence[Any], changes: dict[str, Any]) -> bool:
        spec = TABLES[table]
        for column in changes:
            if column not in spec.columns or column in spec.key:
                raise StorageError(f"cannot update column {column} of {table}")
        rows = self._table(table, writing=True)
        current = rows.get(tuple(key))
        if current is None:
            return False
        rows[tuple(key)] = dataclasses.replace(current, **changes)
        return True

    def delete(self, table: str, where: Sequence[Condition]) -> int:
        check_conditions(table, where)
        rows = self._table(table, writing=True)
        doomed = [
            key
            for key, row in rows.items()
            if all(_OPS[op](getattr(row, c), v) for c, op, v in where)
        ]
        for key in doomed:
            del rows[key]
        return len(doomed)

    def count(self, table: str, where: Sequence[Condition] = ()) -> int:
        return len(self.select(table, where))


class MemoryBackend:
    """Storage in process memory; lost when the process ends."""

    def __init__(self) -> None:
        self._tables: Tables = {}
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[MemoryTx]:
        """A transaction; its changes become visible only when the block ends without error."""
        with self._lock:
            tx = MemoryTx(self._tables)
            yield tx
            self._tables.update(tx.changed)

    def close(self) -> None:
        with self._lock:
            self._tables.clear()
