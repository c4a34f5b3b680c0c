"""Opening a database: SQLite (embedded default) or PostgreSQL (psycopg 3), migrated to head.

SQLite: WAL journal with ``synchronous=FULL`` (a committed transaction is on disk before
``transaction()`` returns), writers serialised by ``BEGIN IMMEDIATE`` across threads and
processes, readers on their own snapshot; the file and its WAL/SHM files are created 0600 (they
hold visual derivatives and reports). PostgreSQL: READ COMMITTED writes with row locks where one
writer is needed, REPEATABLE READ read-only snapshots for reads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from vouchsafe.server.storage.backend import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"
READONLY = "vouchsafe_readonly"
PRIVATE_FILE_MODE = 0o600


MEMORY_URLS = ("memory:", "memory://", "sqlite://:memory:", "sqlite:///:memory:")
SQLITE_PREFIX = "sqlite:///"
POSTGRESQL_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_postgresql_url(url: str) -> bool:
    """True for a URL ``engine_for`` opens as PostgreSQL."""
    return url.startswith(POSTGRESQL_PREFIXES)


def sqlite_file(url: str) -> Path | None:
    """The database file a ``sqlite:///PATH`` URL names; None for memory and other URLs."""
    if url in MEMORY_URLS or not url.startswith(SQLITE_PREFIX):
        return None
    return Path(url.removeprefix(SQLITE_PREFIX))


def engine_for(url: str) -> Engine:
    """An engine for ``sqlite:///PATH``, ``sqlite://:memory:``, ``memory:`` or
    ``postgresql://...``; refuses anything else with a clear error."""
    if url in MEMORY_URLS:
        return _sqlite_engine(None)
    path = sqlite_file(url)
    if path is not None:
        return _sqlite_engine(path)
    for prefix in POSTGRESQL_PREFIXES:
        if url.startswith(prefix):
            return create_engine(
                "postgresql+psycopg://" + url.removeprefix(prefix),
                pool_size=8,
                max_overflow=8,
                pool_pre_ping=True,
            )
    raise StorageError(
        f"unsupported database URL {url!r}; use sqlite:///PATH, memory: or postgresql://...",
        field="db",
    )


def _private_file(path: Path) -> None:
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    for suffix in ("", "-wal", "-shm"):
        existing = Path(f"{path}{suffix}")
        if existing.exists():
            os.chmod(existing, PRIVATE_FILE_MODE)


def _sqlite_engine(path: Path | None) -> Engine:
    if path is None:
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        _private_file(path)
        engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30}
        )

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions begin in on_begin
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        if path is not None:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Brings the schema to the newest migration (idempotent; safe from several processes at
    once: on PostgreSQL the migration runs under an advisory lock)."""
    config = _alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
    if current == head:
        return
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The schema's migration revision (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
