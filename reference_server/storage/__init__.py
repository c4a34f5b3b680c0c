"""Storage behind one small interface per noun (``stores.py``) over SQLAlchemy Core.

``open_storage("sqlite:///path/to.db")`` (the embedded default), ``open_storage("memory:")``
(SQLite in memory, for tests) or ``open_storage("postgresql://user@host/db")`` returns a
:class:`Storage` whose schema has been migrated to head (Alembic, ``storage/migrations``);
``with storage.transaction() as tx:`` gives every noun store in one transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy import Engine

from vouchsafe.server.storage.backend import DuplicateKey, SqlTx, StorageError, UnstorableValue
from vouchsafe.server.storage.engine import READONLY, engine_for, migrate
from vouchsafe.server.storage.stores import Repos

__all__ = ["DuplicateKey", "Repos", "Storage", "StorageError", "UnstorableValue", "open_storage"]


class Storage:
    """A migrated database and the noun stores over it."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name
        # One shared connection (SQLite in memory) cannot hold two transactions at once.
        self._single = threading.RLock() if engine.url.database in (None, "", ":memory:") else None
        # SQLite admits one writer: this process's writers queue here, in arrival order,
        # instead of in SQLite's busy handler, which sleeps in growing steps (up to 100 ms)
        # and retries, so one contended commit could wait hundreds of milliseconds.
        self._writer = threading.RLock() if self.dialect == "sqlite" else None

    def _guard(self, write: bool = False) -> AbstractContextManager[object]:
        if self._single is not None:
            return self._single
        if write and self._writer is not None:
            return self._writer
        return nullcontext()

    @contextmanager
    def transaction(self) -> Iterator[Repos]:
        """Every noun store inside one transaction: all changes commit together or none do.

        Work registered with ``Repos.before_commit`` (the audit entries) runs last; work
        registered with ``Repos.after_commit`` runs only once the commit has succeeded."""
        with self._guard(write=True), self.engine.connect() as connection:
            with connection.begin():
                repos = Repos(SqlTx(connection))
                yield repos
                repos.run_before_commit()
            repos.run_after_commit()

    @contextmanager
    def read(self) -> Iterator[Repos]:
        """A read-only consistent snapshot of every noun store (never blocks writers)."""
        options: dict[str, object] = {READONLY: True}
        if self.dialect == "postgresql":
            options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with self._guard(), self.engine.connect() as connection:
            connection = connection.execution_options(**options)
            with connection.begin():
                yield Repos(SqlTx(connection))

    def close(self) -> None:
        self.engine.dispose()


def open_storage(url: str) -> Storage:
    """Opens (and migrates) the database at ``url``: ``sqlite:///PATH`` (relative or absolute),
    ``memory:`` or ``postgresql://...``."""
    engine = engine_for(url)
    migrate(engine)
    return Storage(engine, url)
