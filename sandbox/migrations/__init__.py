"""The gateway's own Alembic migrations (PostgreSQL in production, SQLite for the demo and tests).

Run through sandbox.db.migrate (every `python -m sandbox` start does), never with an alembic.ini.
"""
