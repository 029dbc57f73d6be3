"""Full-text search: a trigram FTS5 table (3+ characters) and a bigram FTS5 table (1-2 characters) per
searchable feed, filled from the rows already cached. offline_cache.ingest keeps them in step afterwards
(not triggers: FTS5 flushes its pending terms at every trigger's statement boundary, 7x slower).

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
# The oldest program that can still use the file (not expand-only: an older program would not keep the FTS tables in step; rule: offline_cache/migrations).
oldest_reader = revision

# Frozen copy of the FTS slots at this revision (feed table -> FTS column -> feed columns).
_PLACE = ("county", "town", "village", "address")
SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "feed_fixed_jobs": {"title": ("title",), "employer": ("employer",), "description": ("description",),
                        "place": _PLACE},
    "feed_gig_jobs": {"title": ("title",), "employer": ("employer",), "description": ("description",),
                      "place": _PLACE},
    "feed_gig_seekers": {"title": ("skill_names",), "employer": (), "description": ("description",),
                         "place": ("county", "town", "village")},
    "feed_job_fairs": {"title": ("title",), "employer": ("organizer",), "description": ("audience", "description"),
                       "place": ("county", "town", "venue")},
    "feed_policies": {"title": ("title",), "employer": ("issuer", "doc_no"), "description": ("summary", "body"),
                      "place": ()},
    "feed_archive_institutions": {"title": ("name",), "employer": (), "description": ("scope",),
                                  "place": ("county", "address")},
    "feed_internship_posts": {"title": ("title",), "employer": ("employer",), "description": ("requirements",),
                              "place": ("city", "county", "address")},
}


def _expr(alias: str, columns: tuple[str, ...]) -> str:
    if not columns:
        return "''"
    return " || ' ' || ".join(f"coalesce({alias}.{c}, '')" for c in columns)


def fts_sql(table: str, slots: dict[str, tuple[str, ...]]) -> list[str]:
    """CREATE statements for one feed's two FTS tables and their fill from the live rows."""
    tri, bi = f"{table}_tri", f"{table}_bi"
    exprs = [_expr("t", cols) for cols in slots.values()]
    return [
        f"CREATE VIRTUAL TABLE {tri} USING fts5({', '.join(slots)}, content='', tokenize='trigram')",
        f"CREATE VIRTUAL TABLE {bi} USING fts5(grams, content='', tokenize='unicode61 remove_diacritics 0', "
        f"prefix='1', detail='none', columnsize=0)",
        f"INSERT INTO {tri}(rowid, {', '.join(slots)}) SELECT t.pk, {', '.join(exprs)} FROM {table} t WHERE t.deleted = 0",
        f"INSERT INTO {bi}(rowid, grams) SELECT t.pk, oc_bigrams({', '.join(exprs)}) FROM {table} t WHERE t.deleted = 0",
    ]


def upgrade() -> None:
    for table, slots in SLOTS.items():
        for statement in fts_sql(table, slots):
            op.execute(statement)


def downgrade() -> None:
    for table in SLOTS:
        op.execute(f"DROP TABLE IF EXISTS {table}_tri")
        op.execute(f"DROP TABLE IF EXISTS {table}_bi")
