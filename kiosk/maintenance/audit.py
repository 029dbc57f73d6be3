"""The technician audit trail: every action appended to a local JSON-lines file and queued for the platform."""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.masking import scrub
from kiosk.sync.routes import AUDIT_KIND, audit_payload
from offline_cache import OfflineCacheError, Outbox

log = logging.getLogger(__name__)

AUDIT_FILE = Path("audit") / "audit.jsonl"
PERSON_KEY = "kiosk:audit"  # the outbox's 我的办件 row belongs to no resident
AUDIT_TITLE = "维护审计"

# Actions a technician (or the platform) takes; the UI and tests use these names.
ACTIONS = {
    "enter": "进入维护模式",
    "leave": "退出维护模式",
    "pin_wrong": "维护 PIN 错误",
    "locked": "维护入口锁定",
    "self_test_card": "读卡自检",
    "self_test_print": "打印自检",
    "self_test_qr": "扫码自检",
    "retry_now": "立即重试上传",
    "refetch_all": "重新下载全部数据",
    "export_logs": "导出日志",
    "config_change": "修改配置",
    "fault_report": "提交问题反映",
    "platform_settings": "平台下发设置",
    "usb_update_requested": "请求从U盘安装更新",
    "staff_login": "工作人员登录代办",
    "staff_refused": "工作人员登录被拒",
    "assisted_submit": "工作人员代办提交",
    "staff_logout": "工作人员退出代办",
}


@dataclass(frozen=True)
class AuditRecord:
    """One line of the trail. `detail` never holds personal data or a PIN (it is scrubbed anyway)."""

    key: str
    actor: str
    action: str
    at: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    queued: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "actor": self.actor, "action": self.action, "at": self.at,
                "detail": dict(self.detail), "queued": self.queued}


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {str(k): _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub(str(value))


class AuditTrail:
    """Append-only trail in data_dir/audit/audit.jsonl; each entry also goes to the outbox as "audit_event"."""

    def __init__(self, data_dir: Path, outbox: Outbox | None, *, clock: Callable[[], datetime],
                 kick: Callable[[], None] = lambda: None) -> None:
        self.path = Path(data_dir) / AUDIT_FILE
        self._outbox = outbox
        self._clock = clock
        self._kick = kick
        self._lock = threading.Lock()

    def record(self, actor: str, action: str, detail: Mapping[str, Any] | None = None) -> AuditRecord:
        """Write the entry durably and queue it for the platform; never raises for a queueing failure."""
        now = self._clock()
        clean = _scrub_value(dict(detail or {}))
        payload = audit_payload(actor, action, now, clean)
        key, queued = f"local-{uuid.uuid4()}", False
        if self._outbox is not None:
            try:
                key = self._outbox.submit(AUDIT_KIND, AUDIT_TITLE, PERSON_KEY, payload).key
                queued = True
            except OfflineCacheError as exc:  # the local file still keeps the entry
                log.error("audit entry %s could not be queued: %s", action, type(exc).__name__)
        entry = AuditRecord(key, actor, action, payload["at"], clean, queued)
        line = json.dumps(entry.to_json(), ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        log.info("audit: %s %s", actor, action)
        if queued:
            self._kick()
        return entry

    def recent(self, limit: int = 100) -> list[AuditRecord]:
        """The last entries, newest first (a damaged line is skipped with a log line)."""
        try:
            with self.path.open(encoding="utf-8") as fh:
                lines = deque(fh, maxlen=limit)
        except FileNotFoundError:
            return []
        out = []
        for raw in reversed(lines):
            try:
                d = json.loads(raw)
                out.append(AuditRecord(d["key"], d["actor"], d["action"], d["at"], d.get("detail") or {},
                                       bool(d.get("queued"))))
            except (ValueError, KeyError, TypeError):
                log.warning("audit file has a damaged line; skipped")
        return out
