"""The facts of the technician's 关于 screen: versions, kiosk id, service point, disk, uptime (no Qt)."""

from __future__ import annotations

import platform as py_platform
import shutil
from collections.abc import Iterable
from datetime import datetime

from kiosk.settings import Settings


def about_facts(settings: Settings, *, app_version: str, started_at: datetime, now: datetime,
                schema_revision: str | None, technicians: Iterable[str], profile_title: str = "",
                qt_version: str = "?") -> list[tuple[str, str]]:
    """(label key, value) pairs for the 关于 screen (`qt_version`: the UI's toolkit version, as it knows it)."""
    try:
        du = shutil.disk_usage(settings.data_dir)
        disk = f"{du.free / 1e9:.1f} GB / {du.total / 1e9:.1f} GB"
    except OSError as exc:
        disk = f"? ({type(exc).__name__})"
    up = int((now - started_at).total_seconds())
    return [
        ("app_version", app_version),
        ("kiosk_id", settings.kiosk_id),
        ("service_point", f"{settings.service_point.name}（{settings.service_point.county}{settings.service_point.town}）"),
        ("platform", settings.platform.url),
        ("profile", profile_title or settings.province_profile),
        ("disk", disk),
        ("uptime", f"{up // 86400} 天 {up % 86400 // 3600} 小时 {up % 3600 // 60} 分"),
        ("schema", schema_revision or "—"),
        ("runtime", f"Python {py_platform.python_version()} · PySide6 {qt_version}"),
        ("technicians", "、".join(technicians) or "—"),
        ("config", "、".join(str(p) for p in settings.sources)),
    ]
