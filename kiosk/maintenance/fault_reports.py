"""问题反映 (seed 003 附件4): draft a report, queue it through the outbox, list earlier ones with their answers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devices.base import DeviceHealth
from kiosk.errors import PlainError
from kiosk.masking import scrub
from kiosk.platform import FaultReport, PlatformClient
from kiosk.platform.feeds import FAULT_ROUTES
from kiosk.sync.routes import FAULT_REPORT_KIND, fault_report_payload
from offline_cache import CaseView, Database, OutboxItem

log = logging.getLogger(__name__)

# 系统性问题 / 功能性问题 go to the province task force, 业务指导性问题 to the county bureau (附件4): the contract's table.
ROUTING = FAULT_ROUTES
CATEGORIES = tuple(ROUTING)
PERSON_KEY = "kiosk:fault_reports"
MAX_TEXT = 2000

MESSAGES = {
    "category": "请选择问题类别",
    "description": "请填写问题描述",
    "suggestion": "请填写处理建议",
    "too_long": "内容太长，请控制在 {max} 字以内",
    "title": "问题反映：{category}",
}


class FaultReportInvalid(PlainError, ValueError):
    """The form is incomplete; `message` says what to fill in."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FaultReportForm:
    """What staff or a technician typed; texts are scrubbed of personal data before queueing."""

    category: str
    description: str
    suggestion: str
    include_snapshot: bool = True

    def checked(self) -> FaultReportForm:
        """The form with texts trimmed and masked; FaultReportInvalid names the first problem."""
        if self.category not in ROUTING:
            raise FaultReportInvalid(MESSAGES["category"], "category")
        desc, sugg = scrub(self.description.strip()), scrub(self.suggestion.strip())
        if not desc:
            raise FaultReportInvalid(MESSAGES["description"], "description")
        if not sugg:
            raise FaultReportInvalid(MESSAGES["suggestion"], "suggestion")
        for name, text in (("description", desc), ("suggestion", sugg)):
            if len(text) > MAX_TEXT:
                raise FaultReportInvalid(MESSAGES["too_long"].format(max=MAX_TEXT), name)
        return FaultReportForm(self.category, desc, sugg, self.include_snapshot)


def snapshot(devices: Iterable[DeviceHealth], sync: Mapping[str, Any], *, app_version: str,
             reporter: str = "") -> dict[str, Any]:
    """Device and sync status attached to a report (no personal data: states, counts, ages)."""
    return {
        "app_version": app_version,
        "reporter": reporter,
        "devices": [{"kind": str(h.kind), "state": str(h.state), "message": h.message, "detail": h.detail}
                    for h in devices],
        "sync": dict(sync),
    }


@dataclass(frozen=True)
class LocalReport:
    """A report as this kiosk knows it: 待上传 until the platform gives a report number."""

    key: str | None
    report_no: str | None
    title: str
    submitted_at: datetime
    uploaded: bool


class FaultReports:
    """Queue 问题反映 through the outbox (delivered by the sync worker) and read the platform's answers."""

    def __init__(self, database: Database, platform: PlatformClient | None, *,
                 kick: Callable[[], None] = lambda: None) -> None:
        self._db = database
        self._platform = platform
        self._kick = kick

    def queue(self, form: FaultReportForm, snapshot_data: Mapping[str, Any] | None = None) -> OutboxItem:
        """Check and queue a report; durable when this returns (the worker sends it when the network is there)."""
        ok = form.checked()
        payload = fault_report_payload(ok.category, ok.description, ok.suggestion,
                                       snapshot_data if ok.include_snapshot else None)
        item = self._db.outbox.submit(FAULT_REPORT_KIND, MESSAGES["title"].format(category=ok.category),
                                      PERSON_KEY, payload)
        log.info("fault report queued: %s (%s)", item.key, ok.category)
        self._kick()
        return item

    def local(self) -> list[LocalReport]:
        """Reports filed on this kiosk, newest first, with their report numbers once uploaded."""
        return [_local(v) for v in self._db.cases.list_for_person(PERSON_KEY)]

    def remote(self) -> tuple[FaultReport, ...]:
        """This kiosk's reports as the platform has them, with answers and deadlines (raises PlatformError)."""
        if self._platform is None:
            return ()
        return self._platform.fault_reports()


def _local(v: CaseView) -> LocalReport:
    return LocalReport(v.key, v.case_no, v.title, v.submitted_at, v.case_no is not None)


def expected_route(category: str) -> str:
    """Where a category goes (the platform decides; the form shows this beforehand)."""
    return ROUTING[category]
