"""Alembic environment: runs on the connection sandbox.db.migrate hands over (no alembic.ini, no URL)."""

from __future__ import annotations

from alembic import context

from sandbox.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the gateway's migrations through sandbox.db.migrate")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
