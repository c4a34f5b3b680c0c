"""Alembic environment: runs on the connection ``engine.migrate`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from vouchsafe.server.storage.schema import metadata

# An arbitrary constant: the advisory lock id that serialises concurrent migrations.
MIGRATION_LOCK_ID = 7_192_019

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})"))
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
