"""Simulated releases for the expand-only migration rule: our migrations plus one more revision, and a check
of what a revision does to the schema (offline_cache/migrations/__init__.py states the rule)."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from offline_cache import db as offline_db

# table -> column -> (declared type, not null, default); plus the names of its unique indexes
Schema = dict[str, tuple[dict[str, tuple[str, bool, str | None]], frozenset[str]]]


def release_with(folder: Path, upgrade: str, *, expand_only: bool = True, name: str = "newer") -> Path:
    """A copy of our migrations with one more revision on top of the head running `upgrade` (Python source).

    `expand_only` False declares `oldest_reader = revision` (a contract step no older program may open).
    """
    target = folder / "migrations"
    shutil.copytree(offline_db.MIGRATIONS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    head = offline_db.head_revision()
    revision = f"{int(head) + 1:04d}"
    body = textwrap.indent(textwrap.dedent(upgrade).strip(), "    ")
    (target / "versions" / f"{revision}_{name}.py").write_text(
        f'"""A simulated next release."""\n\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        f"revision = {revision!r}\ndown_revision = {head!r}\nbranch_labels = None\ndepends_on = None\n"
        f"oldest_reader = {'down_revision' if expand_only else 'revision'}\n\n\n"
        f"def upgrade() -> None:\n{body}\n\n\ndef downgrade() -> None:\n    pass\n", encoding="utf-8")
    return target


@contextmanager
def running(migrations: Path) -> Iterator[None]:
    """Inside: offline_cache.db migrates with this release's migrations folder (a program of that release)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(offline_db, "MIGRATIONS_DIR", migrations)
        yield


def schema(path: Path) -> Schema:
    """Every table's columns and unique indexes, as SQLite reports them."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        out: Schema = {}
        for table in tables:
            columns = {r[1]: (str(r[2]).upper(), bool(r[3]), r[4])
                       for r in con.execute(f'PRAGMA table_info("{table}")')}
            unique = frozenset(r[1] for r in con.execute(f'PRAGMA index_list("{table}")') if r[2])
            out[table] = (columns, unique)
        return out
    finally:
        con.close()


def expand_only_violations(before: Schema, after: Schema) -> list[str]:
    """What a revision did that the previous release could not live with (empty: expand-only)."""
    found: list[str] = []
    for table, (columns, unique) in before.items():
        if table not in after:
            found.append(f"drops or renames table {table}")
            continue
        new_columns, new_unique = after[table]
        for column, (kind, not_null, _default) in columns.items():
            if column not in new_columns:
                found.append(f"drops or renames column {table}.{column}")
                continue
            new_kind, new_not_null, _ = new_columns[column]
            if new_kind != kind:
                found.append(f"retypes column {table}.{column} ({kind} -> {new_kind})")
            if new_not_null and not not_null:
                found.append(f"makes column {table}.{column} NOT NULL")
        for column, (_kind, not_null, default) in new_columns.items():
            if column not in columns and not_null and default is None:
                found.append(f"adds column {table}.{column} NOT NULL without a default")
        if new_unique - unique:
            found.append(f"adds a unique constraint to {table}: {', '.join(sorted(new_unique - unique))}")
    return found
