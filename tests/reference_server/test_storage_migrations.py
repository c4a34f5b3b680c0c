"""The shipped Alembic migrations build exactly the declared schema, on both databases, and the
SQLite files are private to the server's user."""

from __future__ import annotations

import stat
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from vouchsafe.server.storage import open_storage
from vouchsafe.server.storage.engine import current_revision
from vouchsafe.server.storage.schema import metadata


def test_migrations_build_exactly_the_declared_schema(db_url: str) -> None:
    storage = open_storage(db_url)
    try:
        assert current_revision(storage.engine) is not None
        with storage.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
        assert differences == []
    finally:
        storage.close()


def test_opening_a_migrated_database_again_changes_nothing(db_url: str) -> None:
    first = open_storage(db_url)
    with first.transaction() as tx:
        tx.tallies.bump("2026-01-01", "ok")
    revision = current_revision(first.engine)
    first.close()
    again = open_storage(db_url)
    try:
        assert current_revision(again.engine) == revision
        with again.read() as tx:
            assert [t.count for t in tx.tallies.between("2026-01-01", "2026-01-02")] == [1]
    finally:
        again.close()


def test_sqlite_database_and_its_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    storage = open_storage(f"sqlite:///{path}")
    try:
        with storage.transaction() as tx:
            tx.tallies.bump("2026-01-01", "ok")
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600] * 3
    finally:
        storage.close()


def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    open_storage(f"sqlite:///{path}").close()
    path.chmod(0o644)
    open_storage(f"sqlite:///{path}").close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
