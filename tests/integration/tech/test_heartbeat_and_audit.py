"""The heartbeat as the sandbox received it, the fleet listing, pushed settings taking effect, the audit trail."""

from __future__ import annotations

import pytest
import requests

from devices.base import DeviceKind, DeviceState
from kiosk import __version__
from offline_cache import OutboxState

pytestmark = pytest.mark.integration


def test_heartbeat_carries_devices_outbox_cache_ages_version_disk_and_uptime(core, sandbox) -> None:
    core.sync.run_once()  # pulls the feeds, so cache ages exist
    core.devices.simulators[DeviceKind.PRINTER].set_paper_out(True)
    core.devices.refresh_printer()
    core.audit.record("T01", "enter", {})  # one item waiting in the outbox
    result = core.sync.heartbeat()
    assert result.ok
    body = sandbox.platform.heartbeats(core.settings.kiosk_id, 1)[0]["body"]
    assert body["app_version"] == __version__
    assert body["uptime_s"] >= 0 and body["disk_free_mb"] > 0
    assert body["outbox"]["queued"] >= 1 and set(body["outbox"]) == {s.value for s in OutboxState}
    assert set(body["cache_ages"]) >= {"fixed_jobs", "gig_jobs", "policies"}
    assert all(age is not None and age >= 0 for age in body["cache_ages"].values())
    devices = {d["kind"]: d for d in body["devices"]}
    assert set(devices) == {"id_card", "ss_card", "qr_scanner", "printer", "camera"}
    assert devices["printer"]["state"] == "user_error" and "纸" in devices["printer"]["message"]
    assert devices["id_card"]["state"] == "online"


def test_the_fleet_listing_shows_each_kiosks_last_status(core, sandbox) -> None:
    core.devices.simulators[DeviceKind.PRINTER].set_paper_out(True)
    core.devices.refresh_printer()
    core.sync.heartbeat()
    kiosks = requests.get(sandbox.base_url + "/v1/admin/kiosks", timeout=5).json()["kiosks"]
    mine = next(k for k in kiosks if k["kiosk_id"] == core.settings.kiosk_id)
    assert mine["status"] == "attention"
    assert any(p.startswith("printer: user_error") for p in mine["problems"])
    assert mine["last_heartbeat"]["app_version"] == __version__
    others = [k for k in kiosks if k["kiosk_id"] != core.settings.kiosk_id and k["last_heartbeat"] is None]
    assert all(k["status"] == "never" for k in others)
    core.devices.simulators[DeviceKind.PRINTER].set_paper_out(False)
    core.devices.refresh_printer()
    core.sync.heartbeat()
    mine = next(k for k in requests.get(sandbox.base_url + "/v1/admin/kiosks", timeout=5).json()["kiosks"]
                if k["kiosk_id"] == core.settings.kiosk_id)
    assert mine["status"] == "ok", mine["problems"]


def test_a_pushed_maintenance_message_holds_the_devices_until_withdrawn(core, sandbox) -> None:
    kiosk = core.settings.kiosk_id
    sandbox.platform.push_setting(kiosk, "maintenance_message", "系统升级中，请到镇便民服务中心办理")
    core.sync.heartbeat()
    assert core.devices.in_maintenance
    health = core.devices.health()
    assert all(h.state == DeviceState.MAINTENANCE for h in health.values())
    assert health[DeviceKind.PRINTER].message == "系统升级中，请到镇便民服务中心办理"
    core.sync.heartbeat()  # the same setting again changes nothing and is not audited twice
    pushed = [e for e in core.audit.recent() if e.actor == "platform"]
    assert len(pushed) == 1 and pushed[0].detail["maintenance_message"].startswith("系统升级中")
    sandbox.platform.push_setting(kiosk, "maintenance_message", None)
    core.sync.heartbeat()
    assert not core.devices.in_maintenance


def test_a_technician_leaving_does_not_lift_the_platforms_maintenance(core, sandbox) -> None:
    sandbox.platform.push_setting(core.settings.kiosk_id, "maintenance_message", "县局盘点设备")
    core.maintenance.hold("technician")
    core.sync.heartbeat()
    core.maintenance.release("technician")
    assert core.devices.in_maintenance and core.devices.health()[DeviceKind.ID_CARD].message == "县局盘点设备"


def test_pushed_enabled_services_narrow_the_catalogue(core, sandbox) -> None:
    before = len(core.catalogue)
    sandbox.platform.push_setting(core.settings.kiosk_id, "enabled_services", ["我要找工作"])
    core.sync.heartbeat()
    assert 0 < len(core.catalogue) < before
    assert {i.group for i in core.catalogue} == {"我要找工作"}
    assert core.services.catalogue is core.catalogue
    sandbox.platform.push_setting(core.settings.kiosk_id, "enabled_services", None)
    core.sync.heartbeat()
    assert len(core.catalogue) == before, "the site's own list comes back"


def test_an_unknown_pushed_service_is_refused_and_audited(core, sandbox) -> None:
    before = core.catalogue
    sandbox.platform.push_setting(core.settings.kiosk_id, "enabled_services", ["没有这个事项"])
    core.sync.heartbeat()
    assert core.catalogue is before
    entry = core.audit.recent()[0]
    assert entry.actor == "platform" and entry.detail["applied"] is False


def test_audit_entries_reach_the_platform_once_each(core, sandbox) -> None:
    a = core.audit.record("T01-张工", "enter", {})
    b = core.audit.record("T01-张工", "config_change", {"changes": {"devices": {"printer": "tcp://127.0.0.1:9100"}}})
    core.sync.run_once()
    core.sync.run_once()
    entries = [e for e in sandbox.platform.audit_entries(core.settings.kiosk_id) if e["audit_no"] in
               (core.database.outbox.get(a.key).case_no, core.database.outbox.get(b.key).case_no)]
    assert len(entries) == 2
    assert {e["action"] for e in entries} == {"enter", "config_change"}
    assert all(e["actor"] == "T01-张工" for e in entries)
    # the platform stores a retried entry once (the worker resends the same key after a lost answer)
    from kiosk.sync.routes import to_audit_entry

    again = core.platform.record_audit(to_audit_entry(core.database.outbox.get(a.key, with_payload=True)))
    assert again.duplicate
