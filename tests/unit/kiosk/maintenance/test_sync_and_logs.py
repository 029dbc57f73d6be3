"""kiosk/maintenance/sync.py and logs.py without a screen: typed outbox details, the status report's shape,
the cached jobs, the log tail by level and the export to a drive."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.maintenance.logs import LOG_FILE, export_logs, log_dir, tail_lines
from kiosk.maintenance.sync import (
    DatabaseUnavailable,
    OutboxDetails,
    cached_jobs,
    open_headless_core,
    outbox_details,
    status_report,
)
from kiosk.settings import Settings, load_settings
from offline_cache import AttentionItem, Database
from tests.integration.sync.conftest import write_site
from tests.unit.offline_cache.conftest import job

NOW = datetime(2026, 12, 5, 9, 0).astimezone()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(write_site(tmp_path, "http://127.0.0.1:9"), env={})


@pytest.fixture
def database(settings: Settings) -> Database:
    core = open_headless_core(settings)
    yield core.database  # type: ignore[misc]
    core.close()


def test_outbox_details_are_typed_and_hold_no_payload(database: Database) -> None:
    first = database.outbox.submit("job_seeker_registration", "求职登记", "p1", {"id_number": "430124199001011234"})
    database.outbox.submit("job_seeker_registration", "求职登记", "p2", {"id_number": "430124199202025678"})
    database.outbox.mark_needs_attention(database.outbox.mark_sending(first), "conflict (IDEMPOTENCY_CONFLICT)")
    details = outbox_details(database, database.clock())
    assert isinstance(details, OutboxDetails)
    assert details.counts["queued"] == 1 and details.counts["needs_attention"] == 1
    assert details.oldest_queued_age_s is not None and details.oldest_queued_age_s >= 0
    assert [type(a) for a in details.needs_attention] == [AttentionItem]
    line = details.to_json()
    assert line["needs_attention"][0]["key"] == first.key and line["needs_attention"][0]["error"].startswith("conflict")
    assert "430124" not in repr(line)


def test_the_status_report_has_what_kiosk_sync_status_prints(settings: Settings, database: Database) -> None:
    report = status_report(settings, database)
    assert {"kiosk_id", "platform", "outbox", "feeds", "heartbeat", "network", "last_error", "last_push_at",
            "last_pull_at", "last_purge_at", "schema_revision"} <= set(report)
    assert report["outbox"]["counts"]["queued"] == 0 and report["schema_revision"]


def test_cached_jobs_page_through_to_the_limit(database: Database) -> None:
    database.feeds.apply_feed_page("fixed_jobs", [job(f"j{i}", title=f"招聘焊工{i}", posted_at="2026-12-01", expires_at="2099-12-31")
                                                        for i in range(60)], None)
    assert len(cached_jobs(database, "焊工", limit=55)) == 55
    assert len(cached_jobs(database, "焊工", limit=3)) == 3
    assert cached_jobs(database, "厨师", limit=5) == []


def test_a_database_with_a_replaced_key_is_a_setup_fault(settings: Settings) -> None:
    open_headless_core(settings).close()
    (settings.data_dir / "outbox.key").write_bytes(b"not a key")
    with pytest.raises(DatabaseUnavailable) as err:
        open_headless_core(settings)
    assert err.value.setup_fault and err.value.message.startswith("密钥错误")


def test_the_log_tail_filters_by_level_and_the_export_copies_logs_and_audit(settings: Settings, tmp_path: Path) -> None:
    folder = log_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LOG_FILE).write_text("2026-12-05 09:00:00,000 INFO kiosk.app main: started\n"
                                   "2026-12-05 09:00:01,000 ERROR kiosk.devices main: 打印机卡纸\n"
                                   "  a traceback line\n", encoding="utf-8")
    assert [line for line in tail_lines(settings, "ERROR")] == ["2026-12-05 09:00:01,000 ERROR kiosk.devices main: 打印机卡纸",
                                                                "  a traceback line"]
    assert len(tail_lines(settings)) == 3 and tail_lines(settings, limit=1) == ["  a traceback line"]
    audit = settings.data_dir / "audit" / "audit.jsonl"
    audit.parent.mkdir(parents=True, exist_ok=True)
    audit.write_text("{}\n", encoding="utf-8")
    drive = tmp_path / "usb"
    drive.mkdir()
    exported = export_logs(settings, drive, NOW)
    assert exported.parent == drive and settings.kiosk_id in exported.name
    assert sorted(p.name for p in exported.iterdir()) == ["audit.jsonl", LOG_FILE]
    logging.getLogger(__name__).info("exported to %s", exported)
