"""SQLite implementation of the storage backend: WAL journal, one transaction per block.

Durability: ``journal_mode=WAL`` with ``synchronous=FULL``, so a transaction that committed is on
disk before ``transaction()`` returns; a killed process loses nothing that was committed.
Writers are serialised by ``BEGIN IMMEDIATE`` (across processes) and a lock (across threads).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import types
import typing
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vouchsafe.server.storage.backend import (
    TABLES,
    Condition,
    DuplicateKey,
    StorageError,
    TableSpec,
    check_conditions,
)

_SQL_TYPES = {str: "TEXT", int: "INTEGER", bytes: "BLOB", bool: "INTEGER"}


def _column_type(annotation: Any) -> tuple[str, bool]:
    hint = annotation
    nullable = False
    if isinstance(hint, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        nullable = len(args) != len(typing.get_args(hint))
        hint = args[0]
    return _SQL_TYPES[hint], nullable


def schema_statements() -> list[str]:
    """CREATE TABLE / INDEX statements for every table in ``TABLES``."""
    statements: list[str] = []
    for spec in TABLES.values():
        hints = typing.get_type_hints(spec.record)
        columns = []
        for field in dataclasses.fields(spec.record):
            sql_type, nullable = _column_type(hints[field.name])
            columns.append(f"{field.name} {sql_type}{'' if nullable else ' NOT NULL'}")
        columns.append(f"PRIMARY KEY ({', '.join(spec.key)})")
        statements.append(f"CREATE TABLE IF NOT EXISTS {spec.name} ({', '.join(columns)})")
        for column in spec.indexes:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS ix_{spec.name}_{column} ON {spec.name} ({column})"
            )
        for column in spec.unique:
            statements.append(
                f"CREATE UNIQUE INDEX IF NOT EXISTS ux_{spec.name}_{column} "
                f"ON {spec.name} ({column}) WHERE {column} != ''"
            )
        if "expires_at_ms" in spec.columns:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS ix_{spec.name}_expires ON {spec.name} (expires_at_ms)"
            )
    return statements


class SqliteTx:
    """One SQLite transaction (see ``backend.Tx`` for each operation's contract)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def insert(self, table: str, record: Any) -> None:
        spec = TABLES[table]
        values = [_to_sql(getattr(record, c)) for c in spec.columns]
        marks = ", ".join("?" for _ in values)
        try:
            self._db.execute(
                f"INSERT INTO {table} ({', '.join(spec.columns)}) VALUES ({marks})", values
            )
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(f"{table}: a record with this key already exists") from exc

    def get(self, table: str, key: Sequence[Any]) -> Any | None:
        spec = TABLES[table]
        rows = self.select(table, [(c, "=", v) for c, v in zip(spec.key, key, strict=True)])
        return rows[0] if rows else None

    def select(
        self,
        table: str,
        where: Sequence[Condition] = (),
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Any]:
        spec = TABLES[table]
        clause, params = _where(table, where)
        sql = f"SELECT {', '.join(spec.columns)} FROM {table}{clause}"
        if order_by is not None:
            if order_by not in spec.columns:
                raise StorageError(f"unknown column {order_by} in {table}")
            direction = "DESC" if descending else "ASC"
            keys = ", ".join(f"{k} {direction}" for k in spec.key)
            sql += f" ORDER BY {order_by} {direction}, {keys}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_from_row(spec, row) for row in self._db.execute(sql, params)]

    def update(self, table: str, key: Sequence[Any], changes: dict[str, Any]) -> bool:
        spec = TABLES[table]
        for column in changes:
            if column not in spec.columns or column in spec.key:
                raise StorageError(f"cannot update column {column} of {table}")
        sets = ", ".join(f"{c} = ?" for c in changes)
        clause, params = _where(table, [(c, "=", v) for c, v in zip(spec.key, key, strict=True)])
        cursor = self._db.execute(
            f"UPDATE {table} SET {sets}{clause}",
            [_to_sql(v) for v in changes.values()] + params,
        )
        return cursor.rowcount > 0

    def delete(self, table: str, where: Sequence[Condition]) -> int:
        clause, params = _where(table, where)
        return self._db.execute(f"DELETE FROM {table}{clause}", params).rowcount

    def count(self, table: str, where: Sequence[Condition] = ()) -> int:
        clause, params = _where(table, where)
        row = self._db.execute(f"SELECT COUNT(*) FROM {table}{clause}", params).fetchone()
        return int(row[0])


class SqliteBackend:
    """Storage in one SQLite file (or ``:memory:``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 10000")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in schema_statements():
                    self._db.execute(statement)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[SqliteTx]:
        """A write transaction (``BEGIN IMMEDIATE``), committed when the block ends.

        ``readonly`` opens a deferred transaction instead: a consistent snapshot (WAL) that
        does not hold the write lock, so long reads (audit verification) never stall intake.
        """
        with self._lock:
            self._db.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")
            try:
                yield SqliteTx(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _where(table: str, where: Sequence[Condition]) -> tuple[str, list[Any]]:
    check_conditions(table, where)
    if not where:
        return "", []
    parts = [f"{column} {op} ?" for column, op, _ in where]
    return " WHERE " + " AND ".join(parts), [_to_sql(v) for _, _, v in where]


def _to_sql(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value


def _from_row(spec: TableSpec, row: Sequence[Any]) -> Any:
    hints = typing.get_type_hints(spec.record)
    values = {}
    for column, value in zip(spec.columns, row, strict=True):
        values[column] = bool(value) if hints[column] is bool else value
    return spec.record(**values)
