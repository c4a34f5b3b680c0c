"""The table primitive the per-noun stores are written on, over SQLAlchemy Core.

``SqlTx`` is one database transaction (SQLite or PostgreSQL, the same code): typed rows in
and out as the record dataclasses of ``records``, conditions as ``(column, operator, value)``,
plus the few operations that need the database's help to stay correct across processes (an
adding upsert, a row lock, a ``SKIP LOCKED`` claim). The stores (``stores.py``) never build
SQL text; ``tests/reference_server/test_storage_contract.py`` runs one suite on both databases.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    ClauseElement,
    ColumnElement,
    Connection,
    Executable,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from vouchsafe.sdk.errors import ErrorCode, VouchsafeError
from vouchsafe.server.storage.schema import TABLES, TableSpec


class StorageError(VouchsafeError):
    """The storage layer refused an operation (e.g. a bad database URL)."""

    code = ErrorCode.STORAGE_ERROR


class DuplicateKey(StorageError):
    """A record with this key (or a unique column's value) already exists."""

    code = ErrorCode.CONFLICT


class UnstorableValue(StorageError):
    """A value no backend can hold the same way: text with a NUL character (PostgreSQL refuses
    it, SQLite would keep it) or an integer outside SQL BIGINT. The request layer refuses these
    first (``http.parse_message``); this is the backstop, so a path that missed them answers a
    typed 400 on both databases instead of a 500 on one."""

    code = ErrorCode.INVALID_ARGUMENT


BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def _storable(column: str, value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise UnstorableValue(f"{column} must not contain NUL characters", field=column)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and not (BIGINT_MIN <= value <= BIGINT_MAX)
    ):
        raise UnstorableValue(f"{column} is out of range", field=column)
    return value


# A condition: (column, operator, value); the value is ignored by "is null" / "is not null".
Condition = tuple[str, str, Any]
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "is null", "is not null")


def _spec(table: str) -> TableSpec:
    spec = TABLES.get(table)
    if spec is None:
        raise StorageError(f"unknown table {table}")
    return spec


# Statements built once per shape (their values bound per call): SQLAlchemy then reuses the
# compiled form instead of rebuilding, re-keying and re-compiling a statement per request.
_STATEMENTS: dict[Hashable, Executable] = {}


def _statement(key: Hashable, build: Callable[[], Executable]) -> Executable:
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS.setdefault(key, build())
    return statement


def _checked_column(spec: TableSpec, name: str) -> Any:
    """The table's column ``name``; StorageError if it has none."""
    if name not in spec.table.c:
        raise StorageError(f"unknown column {name} in {spec.name}")
    return spec.table.c[name]


def _insert_values(spec: TableSpec, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT of one record (with ``ON CONFLICT`` clauses), every column bound
    as ``v_<column>`` (see ``_value_params``)."""
    base = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return base(spec.table).values({c: bindparam(f"v_{c}") for c in spec.columns})


def _value_params(spec: TableSpec, record: Any) -> dict[str, Any]:
    """``record``'s columns as the ``v_<column>`` values ``_insert_values`` binds."""
    return {f"v_{c}": _storable(c, getattr(record, c)) for c in spec.columns}


def column(table: str, name: str) -> Any:
    """A table's column as a SQL expression (for ``update`` / ``add_to`` values)."""
    return _spec(table).table.c[name]


def _key_binds(spec: TableSpec) -> list[ColumnElement[bool]]:
    return [spec.table.c[c] == bindparam(f"key_{c}") for c in spec.key]


def _key_params(spec: TableSpec, key: Sequence[Any]) -> dict[str, Any]:
    return {f"key_{c}": _storable(c, v) for c, v in zip(spec.key, key, strict=True)}


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _clause(spec: TableSpec, column: str, op: str, value: Any) -> ColumnElement[bool]:
    if column not in spec.table.c or op not in OPERATORS:
        raise StorageError(f"bad condition {column} {op} on {spec.name}")
    col = spec.table.c[column]
    if op == "is null":
        return col.is_(None)
    if op == "is not null":
        return col.is_not(None)
    return cast(ColumnElement[bool], _COMPARE[op](col, _storable(column, value)))


class SqlTx:
    """One transaction; every change commits together when the block ends, or none does."""

    def __init__(self, connection: Connection) -> None:
        self.db = connection
        self.dialect = connection.dialect.name

    def _where(self, spec: TableSpec, where: Sequence[Condition]) -> ColumnElement[bool]:
        return and_(True, *(_clause(spec, c, op, v) for c, op, v in where))

    def _record(self, spec: TableSpec, row: Any) -> Any:
        return spec.record(**row._mapping)

    def insert(self, table: str, record: Any) -> None:
        """Adds ``record``; raises DuplicateKey when its key (or a unique column) exists.

        After DuplicateKey the transaction can only be rolled back (as PostgreSQL requires)."""
        spec = _spec(table)
        values = {c: _storable(c, getattr(record, c)) for c in spec.columns}
        statement = _statement(("insert", table), lambda: insert(spec.table))
        try:
            self.db.execute(statement, values)
        except IntegrityError as exc:
            raise DuplicateKey(f"{table}: a record with this key already exists") from exc

    def insert_new(self, table: str, record: Any) -> bool:
        """Adds ``record`` unless a record with its key exists (then changes nothing); True
        when it was added. One statement (``ON CONFLICT DO NOTHING``), and unlike ``insert``
        the transaction stays usable either way."""
        spec = _spec(table)
        dialect = self.dialect

        def build() -> Executable:
            added = _insert_values(spec, dialect).on_conflict_do_nothing(index_elements=spec.key)
            return added.returning(spec.table.c[spec.key[0]])

        statement = _statement(("insert_new", table, dialect), build)
        result = self.db.execute(statement, _value_params(spec, record))
        return result.first() is not None

    def get(self, table: str, key: Sequence[Any], *, for_update: bool = False) -> Any | None:
        """The record with this primary key, or None; ``for_update`` locks its row until the
        transaction ends (PostgreSQL; a SQLite writer already holds the whole database)."""
        spec = _spec(table)
        lock = for_update and self.dialect == "postgresql"

        def build() -> Executable:
            query = select(spec.table).where(and_(True, *_key_binds(spec)))
            return query.with_for_update() if lock else query

        row = self.db.execute(_statement(("get", table, lock), build), _key_params(spec, key))
        first = row.first()
        return None if first is None else self._record(spec, first)

    def select(
        self,
        table: str,
        where: Sequence[Condition] = (),
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Any]:
        """Records matching every condition, ordered by ``order_by`` (then key) if given."""
        spec = _spec(table)
        query = select(spec.table).where(self._where(spec, where))
        if order_by is not None:
            order = [_checked_column(spec, order_by), *(spec.table.c[k] for k in spec.key)]
            query = query.order_by(*(c.desc() if descending else c.asc() for c in order))
        if limit is not None:
            query = query.limit(int(limit))
        return [self._record(spec, row) for row in self.db.execute(query)]

    def sum_by(
        self, table: str, group: str, amount: str, where: Sequence[Condition] = ()
    ) -> dict[Any, int]:
        """``amount`` summed per value of ``group`` over the records matching every condition,
        added up by the database (one row per group comes back, however many records match)."""
        spec = _spec(table)
        key, total = _checked_column(spec, group), func.sum(_checked_column(spec, amount))
        query = select(key, total).where(self._where(spec, where)).group_by(key)
        return {row[0]: int(row[1]) for row in self.db.execute(query)}

    def claim(self, table: str, where: Sequence[Condition], order_by: str, limit: int) -> list[Any]:
        """Like ``select``, locking the rows and skipping rows another transaction holds
        (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite has one writer, so nothing is held)."""
        spec = _spec(table)
        query = (
            select(spec.table)
            .where(self._where(spec, where))
            .order_by(spec.table.c[order_by])
            .limit(int(limit))
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [self._record(spec, row) for row in self.db.execute(query)]

    def update(self, table: str, key: Sequence[Any], changes: Mapping[str, Any]) -> bool:
        """Changes columns of the record with this key; False when there is none.

        A value may be a SQL expression over the row's own columns (e.g. ``col + 1``)."""
        spec = _spec(table)
        for column in changes:
            if column not in spec.table.c or column in spec.key:
                raise StorageError(f"cannot update column {column} of {table}")
        values = {c: _storable(c, v) for c, v in changes.items()}
        if any(isinstance(v, ClauseElement) for v in values.values()):
            where = [(c, "=", v) for c, v in zip(spec.key, key, strict=True)]
            statement = update(spec.table).where(self._where(spec, where)).values(values)
            return bool(self.db.execute(statement).rowcount)

        def build() -> Executable:
            sets: dict[str, Any] = {c: bindparam(f"set_{c}") for c in values}
            return update(spec.table).where(and_(True, *_key_binds(spec))).values(sets)

        params = {**_key_params(spec, key), **{f"set_{c}": v for c, v in values.items()}}
        result = self.db.execute(_statement(("update", table, tuple(values)), build), params)
        return bool(result.rowcount)

    def add_to(
        self,
        table: str,
        record: Any,
        amounts: Mapping[str, int],
        also: Mapping[str, Any] | None = None,
        *,
        shape: str | None = None,
        binds: Mapping[str, Any] | None = None,
        returning: str | None = None,
    ) -> Any:
        """Inserts ``record``, or if its key exists adds ``amounts`` to those columns (and sets
        ``also``), in one statement: concurrent writers never lose an increment. With
        ``returning``, that column's value as the statement left it (else None).

        ``also`` may hold SQL expressions over the row's columns; a caller that passes the same
        expressions every time (their per-call values as ``bindparam``s given in ``binds``)
        names them with ``shape``, so the statement is built and compiled once."""
        spec = _spec(table)
        extra = dict(also or {})
        expressions = any(isinstance(v, ClauseElement) for v in extra.values())
        if expressions and shape is None:
            raise StorageError("add_to with SQL expressions in `also` needs a `shape` name")
        dialect = self.dialect

        def build() -> Executable:
            statement = _insert_values(spec, dialect)
            changes: dict[str, Any] = {c: spec.table.c[c] + bindparam(f"n_{c}") for c in amounts}
            changes.update(
                {
                    c: v if isinstance(v, ClauseElement) else bindparam(f"s_{c}")
                    for c, v in extra.items()
                }
            )
            upsert = statement.on_conflict_do_update(index_elements=spec.key, set_=changes)
            return upsert if returned is None else upsert.returning(returned)

        returned = None if returning is None else _checked_column(spec, returning)
        params = _value_params(spec, record)
        params.update({f"n_{c}": _storable(c, n) for c, n in amounts.items()})
        params.update(
            {
                f"s_{c}": _storable(c, v)
                for c, v in extra.items()
                if not isinstance(v, ClauseElement)
            }
        )
        params.update(binds or {})
        key = ("add_to", table, dialect, tuple(amounts), tuple(extra), shape, returning)
        result = self.db.execute(_statement(key, build), params)
        return None if returning is None else result.scalar_one()

    def delete(self, table: str, where: Sequence[Condition]) -> int:
        """Deletes records matching every condition; returns how many."""
        spec = _spec(table)
        return int(self.db.execute(delete(spec.table).where(self._where(spec, where))).rowcount)

    def count(self, table: str, where: Sequence[Condition] = ()) -> int:
        """How many records match."""
        spec = _spec(table)
        query = select(func.count()).select_from(spec.table).where(self._where(spec, where))
        return int(self.db.execute(query).scalar_one())

    def serialise(self, name: str) -> None:
        """Waits until no other transaction holds ``name``, then holds it until this one ends
        (a PostgreSQL transaction-level advisory lock; a SQLite writer is already alone)."""
        if self.dialect == "postgresql":
            self.db.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name}
            )
