"""One reading of a database URL: which engine opens it, which file a SQLite URL names, and
where the provider key lives beside it; anything else is refused with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from vouchsafe.server.keys import provider_key_beside
from vouchsafe.server.storage import StorageError
from vouchsafe.server.storage.engine import engine_for, is_postgresql_url, sqlite_file


def test_postgresql_urls_are_recognised_in_each_spelling() -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"):
        assert is_postgresql_url(url)
    for url in ("sqlite:///x.db", "memory:", "mysql://u@h/db", "postgresqlx://h"):
        assert not is_postgresql_url(url)


def test_only_a_sqlite_file_url_names_a_file_and_a_provider_key_beside_it() -> None:
    assert sqlite_file("sqlite:////srv/v.db") == Path("/srv/v.db")
    assert provider_key_beside("sqlite:////srv/v.db") == Path("/srv/v.db.provider-key")
    for url in ("sqlite:///:memory:", "memory:", "postgresql://u@h/db"):
        assert sqlite_file(url) is None
        assert provider_key_beside(url) is None


def test_an_unknown_database_url_is_refused_naming_the_option() -> None:
    with pytest.raises(StorageError) as refused:
        engine_for("mysql://u@h/db")
    assert refused.value.field == "db"
