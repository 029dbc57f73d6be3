"""`kiosk update run | status | from-media DIR`: the technician's and kiosk-update.service's commands."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from kiosk.settings import Settings
from kiosk.updates.files import load_state, load_wish
from kiosk.updates.plan import Outcome
from kiosk.updates.runner import Apt, UpdateError, Updater

EXIT_OK = 0
EXIT_FAILED = 1  # refused, failed, rolled back: the release to run is not the one that was offered
EXIT_USAGE = 2

# What `kiosk update status` says about the last update, for the technician.
OUTCOME_TEXT = MappingProxyType({
    Outcome.INSTALLED.value: "已安装新版本，运行正常",
    Outcome.ROLLED_BACK.value: "新版本未能正常运行，已自动恢复原版本",
    Outcome.ROLLBACK_FAILED.value: "新版本未能正常运行，恢复原版本也失败，请技术人员处理",
    Outcome.UP_TO_DATE.value: "已是最新版本",
    Outcome.HELD.value: "平台要求保持当前版本",
    Outcome.DEFERRED.value: "有群众正在使用，稍后再更新",
    Outcome.SKIPPED_FAILED.value: "新版本此前在本机运行失败，不再安装",
    Outcome.REFUSED.value: "软件源不可用或签名校验未通过，未更新",
    Outcome.FAILED.value: "安装失败，仍在运行原版本",
    "installing": "正在安装",
})
MESSAGES = MappingProxyType({
    "not_root": "kiosk update 需要以 root 身份运行（由 kiosk-update.service 执行）",
    "failed": "更新未完成：{message}",
})
_FAILING = {Outcome.ROLLED_BACK.value, Outcome.ROLLBACK_FAILED.value, Outcome.REFUSED.value, Outcome.FAILED.value}


def _iso(at: float | None) -> str | None:
    return datetime.fromtimestamp(at, UTC).isoformat() if at is not None else None


def update_status(settings: Settings, *, apt: Apt | None = None) -> int:
    """One JSON object: installed and previous version, the last update's outcome and time, failed versions."""
    state = load_state(settings.data_dir)
    installed = (apt or Apt()).installed() or state.installed_version
    wish = load_wish(settings.data_dir)
    out = {
        "installed_version": installed,
        "previous_version": state.previous_version,
        "last_update": {"outcome": state.last_outcome, "text": OUTCOME_TEXT.get(state.last_outcome or "", None),
                        "version": state.last_version, "at": _iso(state.last_at), "detail": state.last_detail},
        "failed_versions": list(state.failed_versions),
        "platform_wish": wish.to_json(),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return EXIT_OK


def update_run(settings: Settings, *, media_dir: Path | None = None) -> int:
    """Run one update (kiosk-update.service), from the repository or a copied one in `media_dir`."""
    if os.geteuid() != 0:
        print(MESSAGES["not_root"], file=sys.stderr)
        return EXIT_USAGE
    try:
        state = Updater(settings).run(media_dir=media_dir)
    except UpdateError as exc:
        print(MESSAGES["failed"].format(message=exc), file=sys.stderr)
        return EXIT_FAILED
    print(f"{OUTCOME_TEXT.get(state.last_outcome or '', state.last_outcome)}：{state.installed_version}")
    return EXIT_FAILED if state.last_outcome in _FAILING else EXIT_OK
