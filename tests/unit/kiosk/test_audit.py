"""The technician audit trail: a durable local line per action, queued for the platform, never personal data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kiosk.maintenance.audit import AuditTrail
from kiosk.sync.routes import AUDIT_KIND, to_audit_entry
from offline_cache import OutboxState, open_database

CN = timezone(timedelta(hours=8))


@pytest.fixture
def db(tmp_path: Path):  # noqa: ANN201
    database = open_database(tmp_path / "k.db", backup_dir=tmp_path / "b", data_dir=tmp_path)
    yield database
    database.close()


def test_each_action_is_a_file_line_and_an_outbox_item(tmp_path: Path, db) -> None:
    kicked = []
    trail = AuditTrail(tmp_path, db.outbox, clock=lambda: datetime(2025, 3, 1, 9, 30, tzinfo=CN),
                       kick=lambda: kicked.append(1))
    entry = trail.record("T01-张工", "self_test_print", {"ok": True})
    lines = (tmp_path / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["action"] == "self_test_print"
    item = db.outbox.get(entry.key, with_payload=True)
    assert item.kind == AUDIT_KIND and item.state is OutboxState.QUEUED
    sent = to_audit_entry(item)
    assert (sent.actor, sent.action, sent.at) == ("T01-张工", "self_test_print", "2025-03-01T09:30:00+08:00")
    assert sent.idempotency_key == entry.key and kicked == [1]


def test_personal_data_in_a_detail_is_masked(tmp_path: Path, db) -> None:
    trail = AuditTrail(tmp_path, db.outbox, clock=lambda: datetime.now(CN))
    entry = trail.record("T01", "self_test_card", {"note": "读到 110101199003071233 电话 13812345678"})
    text = (tmp_path / "audit" / "audit.jsonl").read_text(encoding="utf-8")
    assert "110101199003071233" not in text and "13812345678" not in text
    assert "110101********1233" in entry.detail["note"]


def test_without_an_outbox_the_file_still_keeps_the_entry(tmp_path: Path) -> None:
    trail = AuditTrail(tmp_path, None, clock=lambda: datetime.now(CN))
    entry = trail.record("T01", "enter")
    assert not entry.queued and trail.recent()[0].key == entry.key


def test_recent_is_newest_first_and_skips_a_damaged_line(tmp_path: Path) -> None:
    trail = AuditTrail(tmp_path, None, clock=lambda: datetime.now(CN))
    trail.record("T01", "enter")
    with trail.path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    trail.record("T01", "leave")
    assert [e.action for e in trail.recent()] == ["leave", "enter"]


def test_the_audit_row_belongs_to_no_resident(tmp_path: Path, db) -> None:
    AuditTrail(tmp_path, db.outbox, clock=lambda: datetime.now(CN)).record("T01", "enter")
    assert db.cases.list_for_person(db.person_key("110101199003071233")) == []
