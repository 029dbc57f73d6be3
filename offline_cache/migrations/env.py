"""Alembic environment: runs on the connection offline_cache.db hands over (no alembic.ini, no URL)."""

from __future__ import annotations

from alembic import context

from offline_cache.models import include_object, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through offline_cache.db.open_database or offline_cache.db.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
