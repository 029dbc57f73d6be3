"""The console's reading of a kiosk's last heartbeat (paper out, offline, backlog, release) and the settings it
lets staff push."""

from __future__ import annotations

import tomllib

import pytest

from sandbox import db
from sandbox.console.fleet import SERVICE_GROUPS, SettingRefused, check_setting, describe
from sandbox.console.web import age_text
from sandbox.fleet_health import read_health
from sandbox.service import SILENT_AFTER_S

NOW = 1_780_000_000.0
PAPER_OUT = {"kind": "printer", "state": "user_error", "message": "打印机缺纸，请联系工作人员"}
ONLINE = {"kind": "id_card", "state": "online", "message": "读卡器正常"}


def _kiosk(beat: dict | None, seen_ago: float | None = 10) -> db.Kiosk:
    return db.Kiosk(kiosk_id="K1", secret="s", name="服务点", settings={}, last_heartbeat=beat,
                    last_seen=None if seen_ago is None else NOW - seen_ago, city="大同市", county="天镇县", town="玉泉镇")


def test_a_printer_out_of_paper_is_a_device_fault_marked_as_such() -> None:
    row = describe(_kiosk({"app_version": "1.2.0", "devices": [PAPER_OUT, ONLINE], "outbox": {"queued": 1}}), NOW)
    assert row.states == {"device_fault"} and row.paper_out
    assert [p.kind for p in row.problems] == ["printer"]
    assert row.backlog == 1 and row.version == "1.2.0"


def test_a_printer_with_its_cover_open_is_a_fault_but_not_out_of_paper() -> None:
    row = describe(_kiosk({"devices": [{"kind": "printer", "state": "user_error", "message": "打印机盖未关好"}]}), NOW)
    assert row.states == {"device_fault"} and not row.paper_out


def test_silence_and_backlog_are_states_of_their_own() -> None:
    assert describe(_kiosk(None, None), NOW).states == {"offline"}
    assert describe(_kiosk({"devices": [ONLINE]}, SILENT_AFTER_S + 1), NOW).states == {"offline"}
    assert describe(_kiosk({"outbox": {"queued": 9, "sending": 1, "accepted": 500}}), NOW).states == {"backlog"}
    assert describe(_kiosk({"outbox": {"queued": 8, "accepted": 500}}), NOW).states == set()
    row = describe(_kiosk({"outbox": {"needs_attention": 1}}), NOW)
    assert row.states == {"backlog"} and row.needs_attention == 1


def test_the_installed_release_wins_over_the_app_version() -> None:
    row = describe(_kiosk({"app_version": "1.0.0", "update": {"installed_version": "1.1.0-1", "last_outcome": "installed"}}),
                   NOW)
    assert row.version == "1.1.0-1"


def test_pushable_settings_are_checked_with_a_chinese_reason() -> None:
    assert check_setting("maintenance_message", "  今晚维护  ") == "今晚维护"
    assert check_setting("maintenance_message", "  ") is None  # blank clears it
    with pytest.raises(SettingRefused, match="不能超过200个字"):
        check_setting("maintenance_message", "维" * 201)
    assert check_setting("enabled_services", ["我的办件", "我要找工作"]) == ["我要找工作", "我的办件"]
    assert check_setting("enabled_services", []) is None
    with pytest.raises(SettingRefused, match="不认识的服务：我要买菜"):
        check_setting("enabled_services", ["我要找工作", "我要买菜"])
    with pytest.raises(SettingRefused, match="不能推送这项设置"):
        check_setting("update", "x")


def test_the_service_groups_are_the_kiosk_catalogues(project_root) -> None:  # noqa: ANN001
    catalogue = tomllib.loads((project_root / "config" / "catalogue" / "services.toml").read_text(encoding="utf-8"))
    assert tuple(catalogue["groups"]) == SERVICE_GROUPS


def test_ages_read_as_words() -> None:
    assert age_text(None, NOW) == "从未上报"
    assert age_text(NOW - 5, NOW) == "5 秒前"
    assert age_text(NOW - 600, NOW) == "10 分钟前"
    assert age_text(NOW - 7300, NOW) == "2 小时前"
    assert age_text(NOW - 3 * 86400, NOW) == "3 天前"


def test_the_health_columns_stored_with_a_heartbeat() -> None:
    assert read_health({"devices": [PAPER_OUT, ONLINE], "outbox": {"queued": 3, "needs_attention": 0}}).columns() == {
        "device_fault": True, "paper_out": True, "outbox_backlog": 3, "outbox_attention": 0}
    assert read_health(None).columns() == {"device_fault": False, "paper_out": False, "outbox_backlog": 0,
                                           "outbox_attention": 0}
    assert read_health({"devices": ["garbled"], "outbox": "garbled"}).columns()["device_fault"] is False
