"""The expand-only rule of offline_cache/migrations/__init__.py, checked on every revision we ship, and shown
to catch a revision that drops, renames or tightens something."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from offline_cache.db import alembic_config, create_kiosk_engine, migrate, oldest_reader
from tests.helpers.clocks import FakeClock
from tests.helpers.migrations import expand_only_violations, release_with, running, schema

RULE_SINCE = "0004"  # revisions after this one must be expand-only
REVIEWED_EXCEPTIONS: frozenset[str] = frozenset()  # contract revisions reviewed and allowed (none so far)


def _revisions() -> list:  # type: ignore[type-arg]
    script = ScriptDirectory.from_config(alembic_config())
    return list(reversed(list(script.walk_revisions())))  # base first


def _violations(revision: str, down: str, folder: Path) -> list[str]:
    """Migrate a fresh file to `down`, then to `revision`: what changed in the schema against the rule."""
    path = folder / f"rule-{revision}.sqlite"
    engine = create_kiosk_engine(path)
    try:
        migrate(engine, path, folder / "backups", FakeClock(), target=down)
        before = schema(path)
        migrate(engine, path, folder / "backups", FakeClock(), target=revision)
        return expand_only_violations(before, schema(path))
    finally:
        engine.dispose()


def test_every_revision_says_which_program_can_still_read_it() -> None:
    for rev in _revisions():
        assert re.fullmatch(r"\d{4}", rev.revision), f"{rev.revision}: revision ids are 4-digit numbers"
        if rev.down_revision is not None:
            assert int(rev.revision) == int(rev.down_revision) + 1, rev.revision
        declared = getattr(rev.module, "oldest_reader", None)
        assert declared in (rev.revision, rev.down_revision), (
            f"{rev.revision} must declare oldest_reader = down_revision (expand-only) or revision")
        if rev.revision > RULE_SINCE and rev.revision not in REVIEWED_EXCEPTIONS:
            assert declared == rev.down_revision, f"{rev.revision} must be expand-only (oldest_reader = down_revision)"


def test_revisions_declared_expand_only_only_add(tmp_path: Path) -> None:
    checked = 0
    for rev in _revisions():
        if rev.down_revision is not None and getattr(rev.module, "oldest_reader", None) == rev.down_revision:
            assert _violations(rev.revision, rev.down_revision, tmp_path) == [], rev.revision
            checked += 1
    assert checked >= 2  # 0002 and 0004 at least


def test_the_recorded_oldest_reader_walks_down_expand_only_revisions() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert oldest_reader(script, "0002") == "0001"
    assert oldest_reader(script, "0003") == "0003"  # FTS tables an older program would not keep in step
    assert oldest_reader(script, "0004") == "0003"


@pytest.mark.parametrize(("upgrade", "expected"), [
    ('with op.batch_alter_table("outbox") as batch:\n    batch.drop_column("last_error")',
     "drops or renames column outbox.last_error"),
    ('with op.batch_alter_table("local_case") as batch:\n'
     '    batch.alter_column("title", new_column_name="heading")', "drops or renames column local_case.title"),
    ('op.rename_table("feed_state", "feed_cursor")', "drops or renames table feed_state"),
    ('op.add_column("outbox", sa.Column("channel", sa.Text(), nullable=False))',
     "adds column outbox.channel NOT NULL without a default"),
    ('with op.batch_alter_table("outbox") as batch:\n    batch.alter_column("case_no", nullable=False)',
     "makes column outbox.case_no NOT NULL"),
    ('op.create_index("ix_one_case_per_month", "local_case", ["person_key", "month"], unique=True)',
     "adds a unique constraint to local_case"),
])
def test_a_revision_that_takes_something_away_breaks_the_rule(tmp_path: Path, upgrade: str, expected: str) -> None:
    newer = release_with(tmp_path, upgrade)
    with running(newer):
        script = ScriptDirectory.from_config(alembic_config())
        head = script.get_current_head()
        assert head is not None
        found = _violations(head, str(script.get_revision(head).down_revision), tmp_path)
    assert any(expected in v for v in found), found


def test_a_revision_that_only_adds_keeps_the_rule(tmp_path: Path) -> None:
    newer = release_with(tmp_path, """
        op.add_column("outbox", sa.Column("channel", sa.Text()))
        op.add_column("local_case", sa.Column("seen", sa.Integer(), nullable=False, server_default="0"))
        op.create_table("release_note", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("text", sa.Text()))
        op.create_index("ix_outbox_kind", "outbox", ["kind"])
    """)
    with running(newer):
        script = ScriptDirectory.from_config(alembic_config())
        head = script.get_current_head()
        assert head is not None
        assert _violations(head, str(script.get_revision(head).down_revision), tmp_path) == []
