"""Alembic migrations of the kiosk database (run by offline_cache.db.open_database)."""
