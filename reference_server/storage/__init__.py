"""Storage behind one small interface per noun (``stores.py``) over a table primitive
(``backend.py``) with two implementations: SQLite (default; WAL, transactions) and in-memory.

``open_storage("sqlite:///path/to.db")`` or ``open_storage("memory:")`` returns a
:class:`Storage`; ``with storage.transaction() as tx:`` gives every noun store in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from vouchsafe.server.storage.backend import Backend, DuplicateKey, StorageError
from vouchsafe.server.storage.memory import MemoryBackend
from vouchsafe.server.storage.sqlite import SqliteBackend
from vouchsafe.server.storage.stores import Repos

__all__ = ["DuplicateKey", "Repos", "Storage", "StorageError", "open_storage"]


class Storage:
    """A storage implementation and the noun stores over it."""

    def __init__(self, backend: Backend, url: str) -> None:
        self.backend = backend
        self.url = url

    @contextmanager
    def transaction(self) -> Iterator[Repos]:
        """Every noun store inside one transaction: all changes commit together or none do."""
        with self.backend.transaction() as tx:
            yield Repos(tx)

    @contextmanager
    def read(self) -> Iterator[Repos]:
        """A read-only snapshot of every noun store (never blocks writers on SQLite)."""
        with self.backend.transaction(readonly=True) as tx:
            yield Repos(tx)

    def close(self) -> None:
        self.backend.close()


def open_storage(url: str) -> Storage:
    """Opens ``sqlite:///PATH`` (relative or absolute), ``sqlite://:memory:`` or ``memory:``."""
    if url in ("memory:", "memory://"):
        return Storage(MemoryBackend(), url)
    if url.startswith("sqlite:///"):
        return Storage(SqliteBackend(url.removeprefix("sqlite:///") or ":memory:"), url)
    if url == "sqlite://:memory:":
        return Storage(SqliteBackend(":memory:"), url)
    raise StorageError(
        f"unsupported database URL {url!r}; use sqlite:///PATH or memory:", field="db"
    )
