"""Alembic migrations of the kiosk database (run by offline_cache.db.open_database).

The rule: migrations are expand-only between neighbouring releases
-------------------------------------------------------------------
An update can be rolled back (the kiosk-update timer reinstalls the previous release when the new one
does not become healthy). The previous release must then still open the database the new one migrated,
with the queued outbox items and the local cases in it. So every revision after 0004:

* only adds: new tables, new columns that are nullable or have a server default, new non-unique
  indexes. It never drops, renames or retypes a table or column, never makes a column NOT NULL
  without a default, never adds a unique constraint to an existing table, and does not rewrite
  existing rows into a form the previous release cannot read;
* declares `oldest_reader = down_revision` (the template does), i.e. "the program whose head is my
  down revision can still use a file at my revision";
* is written so that the newer code accepts what an older release writes into the same file
  (NULL or the default in the new columns, rows missing from new tables).

When a revision is migrated, offline_cache.db records in the file (SQLite's `user_version`) the
oldest head that can still use it: the walk down the chain while each revision is expand-only. An
older program meeting a revision it does not know opens the file as it is (no migration, a warning in
the log) when its own head is at least that recorded revision, and refuses with SchemaMismatch
(暂停服务, a StorageFault) otherwise. Revision ids stay 4-digit numbers, one more than the revision
they revise, since `user_version` holds a number.

Removing something takes two releases: the first stops using it (the column stays), a later one
drops it in a revision that declares `oldest_reader = revision` — which the guard test
(tests/unit/offline_cache/test_migration_rule.py) refuses unless the revision is listed there as a
reviewed exception. Revisions up to 0004 predate the rule and declare what they are.
"""
