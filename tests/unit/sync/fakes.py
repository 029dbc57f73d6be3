"""Test doubles for the sync worker: a scripted platform client and a clock the test moves by hand."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.platform import FeedPage, HeartbeatReply, HeartbeatReport, Submission, SubmissionReceipt
from kiosk.settings import SyncSettings
from kiosk.sync import Backoff, SyncWorker
from offline_cache import Database, open_database
from tests.helpers.clocks import START, FakeClock, key_factory  # noqa: F401  (re-exported to tests)

SYNC = SyncSettings(push_interval_s=15, pull_interval_s=600, heartbeat_interval_s=60, purge_after_days=30)
LI = ("140222197503150011", "李建军")






def open_test_db(folder: Path, clock: FakeClock, max_permanent_failures: int = 3) -> Database:
    return open_database(folder / "kiosk.db", backup_dir=folder / "backups", clock=clock, new_key=key_factory(),
                         max_permanent_failures=max_permanent_failures, integrity_check=False)


Step = Exception | Callable[[Submission], SubmissionReceipt] | None


@dataclass
class FakePlatform:
    """A scripted stand-in for PlatformClient: submit outcomes from `script` (None = accept), in-memory feeds."""

    script: list[Step] = field(default_factory=list)
    cases: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # key -> (case_no, body)
    sent: list[Submission] = field(default_factory=list)
    feeds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    feed_errors: dict[str, list[Exception]] = field(default_factory=dict)
    heartbeat_errors: list[Exception] = field(default_factory=list)
    heartbeats: list[HeartbeatReport] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    server_time: Callable[[], datetime] = lambda: START
    fetches: list[tuple[str, str | None]] = field(default_factory=list)
    page_size: int = 2
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def accept(self, submission: Submission) -> SubmissionReceipt:
        body = submission.to_json()
        if submission.idempotency_key in self.cases:
            case_no, _ = self.cases[submission.idempotency_key]
            return SubmissionReceipt(case_no, "PENDING", "2025-06-01T10:00:00+08:00", duplicate=True)
        case_no = f"TZ{next(self.numbers):06d}"
        self.cases[submission.idempotency_key] = (case_no, body)
        return SubmissionReceipt(case_no, "PENDING", "2025-06-01T10:00:00+08:00", duplicate=False)

    def submit(self, submission: Submission) -> SubmissionReceipt:
        self.sent.append(submission)
        step = self.script.pop(0) if self.script else None
        if step is None:
            return self.accept(submission)
        if isinstance(step, Exception):
            raise step
        return step(submission)

    def fetch_feed(self, feed: str, cursor: str | None = None, limit: int = 200) -> FeedPage:
        from kiosk.platform import FeedItem

        self.fetches.append((feed, cursor))
        errors = self.feed_errors.get(feed)
        if errors:
            raise errors.pop(0)
        items = self.feeds.get(feed, [])
        start = int(cursor or 0)
        chunk = items[start:start + self.page_size]
        end = start + len(chunk)
        page = tuple(FeedItem(i["id"], i["version"], i.get("updated_at", ""), i.get("deleted", False),
                              {k: v for k, v in i.items() if k not in ("id", "version", "updated_at", "deleted")})
                     for i in chunk)
        return FeedPage(feed, page, str(end), has_more=end < len(items))

    def heartbeat(self, report: HeartbeatReport) -> HeartbeatReply:
        self.heartbeats.append(report)
        if self.heartbeat_errors:
            raise self.heartbeat_errors.pop(0)
        return HeartbeatReply(self.server_time(), dict(self.settings))

    def close(self) -> None:
        pass


class FixedRandom:
    """random() returning a value the test chooses."""

    def __init__(self, value: float = 0.5) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value


def make_worker(db: Database, platform: FakePlatform, clock: FakeClock, data_dir: Path, **kwargs: Any) -> SyncWorker:
    kwargs.setdefault("random", FixedRandom(0.0))
    kwargs.setdefault("feeds", ("fixed_jobs",))
    kwargs.setdefault("disk_free_mb", lambda: 1234.5)
    kwargs.setdefault("backoff", Backoff(base_s=5, factor=2, max_s=300, jitter=0.5, random=kwargs["random"]))
    return SyncWorker(db, platform, SYNC, data_dir=data_dir, clock=clock, **kwargs)  # type: ignore[arg-type]


def job(item_id: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """A fixed-job feed item."""
    base: dict[str, Any] = {
        "id": item_id, "version": version, "updated_at": "2025-05-30T08:00:00+08:00", "deleted": False,
        "title": "招聘保洁员", "employer": "天镇县家政公司", "category_code": "0501", "category_name": "保洁",
        "description": "保洁工作", "county": "天镇县", "town": "玉泉镇", "village": "李家庄",
        "address": "玉泉镇1号", "lat": 40.43, "lon": 114.08, "salary_min": 2000, "salary_max": 3000,
        "work_type": "全职", "education": "不限", "headcount": 3, "contact_name": "王先生",
        "contact_phone": "0352-0000000", "posted_at": "2025-05-30", "expires_at": "2099-08-30",
    }
    base.update(fields)
    return base


def iter_states(db: Database, keys: list[str]) -> Iterator[str]:
    for k in keys:
        yield db.outbox.get(k).state.value
