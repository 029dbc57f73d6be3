"""`kiosk update`'s decisions and memory: pins, no install while the kiosk is in use, failed releases never retried."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

import pytest

from kiosk.platform import HeartbeatReply
from kiosk.settings import load_settings
from kiosk.updates.files import (
    RunStatus,
    UpdateState,
    UpdateWish,
    UpdateWishListener,
    heartbeat_update_report,
    load_state,
    load_wish,
    session_active,
)
from kiosk.updates.plan import Outcome, decide, pin_text
from kiosk.updates.runner import Updater


def test_no_wish_and_no_failures_needs_no_pin() -> None:
    assert pin_text(UpdateWish(), "1.0", ()) == ""


def test_hold_pins_the_installed_version_above_1000() -> None:
    text = pin_text(UpdateWish(hold=True), "1.0", ())
    assert "Package: village-kiosk\nPin: version 1.0\nPin-Priority: 1001" in text


def test_run_pins_the_wanted_version_even_below_the_installed_one() -> None:
    text = pin_text(UpdateWish(version="0.9"), "1.0", ("1.1",))
    assert "Pin: version 0.9\nPin-Priority: 1001" in text
    assert "Pin: version 1.1\nPin-Priority: -1" in text
    assert text.index("0.9") < text.index("Pin: version 1.1")


def test_every_failed_release_is_pinned_never() -> None:
    text = pin_text(UpdateWish(), "1.0", ("1.1", "1.2"))
    assert text.count("Pin-Priority: -1") == 2


@pytest.mark.parametrize(("kwargs", "outcome"), [
    ({"candidate": "1.1", "session_active": True}, Outcome.DEFERRED),
    ({"candidate": "1.0"}, Outcome.UP_TO_DATE),
    ({"candidate": None}, Outcome.UP_TO_DATE),
    ({"candidate": "1.1", "failed": ("1.1",)}, Outcome.SKIPPED_FAILED),
    ({"candidate": "1.1", "wish": UpdateWish(hold=True)}, Outcome.HELD),
])
def test_when_not_to_install(kwargs: dict, outcome: Outcome) -> None:
    args = {"installed": "1.0", "wish": UpdateWish(), "failed": (), "session_active": False, **kwargs}
    assert decide(**args).outcome is outcome


def test_the_candidate_is_installed_when_nobody_uses_the_kiosk() -> None:
    assert decide(installed="1.0", candidate="1.1", wish=UpdateWish(), failed=(), session_active=False).version == "1.1"
    # a pushed version to run wins over a hold
    assert decide(installed="1.0", candidate="0.9", wish=UpdateWish(hold=True, version="0.9"), failed=(),
                  session_active=False).version == "0.9"


def test_failed_memory_keeps_order_without_duplicates() -> None:
    state = UpdateState().with_failed("1.1").with_failed("1.2").with_failed("1.1")
    assert state.failed_versions == ("1.2", "1.1")
    assert UpdateState.from_json(json.loads(json.dumps(state.to_json()))) == state


def test_the_session_file_counts_only_for_a_living_kiosk(tmp_path: Path) -> None:
    status = RunStatus(tmp_path, "1.0")
    try:
        status.session(True)
        status.flush()
        assert session_active(tmp_path)
        status.session(False)
        status.flush()
        assert not session_active(tmp_path)
    finally:
        status.close()
    (tmp_path / "session.json").write_text(json.dumps({"active": True, "pid": 2**22 + 12345}), encoding="utf-8")
    assert not session_active(tmp_path)  # a crashed kiosk does not hold updates back forever


def test_health_is_written_with_version_and_devices(tmp_path: Path) -> None:
    status = RunStatus(tmp_path, "1.0")
    status.healthy(lambda: {"id_card": "ok"})
    status.close()
    data = json.loads((tmp_path / "health.json").read_text(encoding="utf-8"))
    assert data["version"] == "1.0" and data["pid"] == os.getpid() and data["devices"] == {"id_card": "ok"}
    assert RunStatus(tmp_path / "missing", "1.0").enabled is False


def test_the_heartbeat_answer_becomes_the_wish_file_and_the_state_the_heartbeat_report(tmp_path: Path) -> None:
    listener = UpdateWishListener(tmp_path)
    listener(HeartbeatReply(server_time=None, settings={"update": {"hold": True}}))  # type: ignore[arg-type]
    assert load_wish(tmp_path) == UpdateWish(hold=True)
    listener(HeartbeatReply(server_time=None, settings={}))  # type: ignore[arg-type]
    assert load_wish(tmp_path) == UpdateWish()
    assert heartbeat_update_report(tmp_path) is None


class FakeApt:
    """apt as the updater sees it: one installed version, a candidate, installs that always succeed."""

    def __init__(self, installed: str, candidate: str, refresh_ok: bool = True) -> None:
        self.version, self.offered, self.refresh_ok = installed, candidate, refresh_ok
        self.installs: list[str] = []

    def installed(self) -> str:
        return self.version

    def refresh(self, source: Path) -> tuple[bool, str]:
        return self.refresh_ok, "" if self.refresh_ok else "E: The repository is not signed."

    def candidate(self) -> str:
        return self.offered

    def install(self, version: str) -> tuple[bool, str]:
        self.installs.append(version)
        self.version = version
        return True, ""


def _updater(tmp_path: Path, apt: FakeApt, healthy_versions: set[str]) -> tuple[Updater, list[list[str]]]:
    base = load_settings(None, env={}, demo=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "run").mkdir()
    (tmp_path / "village-kiosk.sources").write_text("Types: deb\n", encoding="utf-8")
    updates = dataclasses.replace(base.updates, status_dir=tmp_path / "run", health_timeout_s=5,
                                  apt_source=tmp_path / "village-kiosk.sources", apt_pin_file=tmp_path / "pin.pref",
                                  restart_command=("restart",))
    settings = dataclasses.replace(base, data_dir=tmp_path / "data", updates=updates)
    restarts: list[list[str]] = []
    now = [1000.0]

    def run(cmd: list[str], **_kw: object) -> subprocess.CompletedProcess[str]:
        restarts.append(cmd)
        if apt.version in healthy_versions:
            (tmp_path / "run" / "health.json").write_text(
                json.dumps({"version": apt.version, "pid": os.getpid(), "at": now[0]}), encoding="utf-8")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    def sleep(s: float) -> None:
        now[0] += s

    updater = Updater(settings, apt=apt, run=run, clock=lambda: now[0], sleep=sleep,  # type: ignore[arg-type]
                      lock_file=tmp_path / "lock")
    return updater, restarts


def test_a_healthy_upgrade_is_kept(tmp_path: Path) -> None:
    apt = FakeApt("1.0", "1.1")
    updater, restarts = _updater(tmp_path, apt, {"1.0", "1.1"})
    state = updater.run()
    assert state.last_outcome == "installed" and state.installed_version == "1.1" and state.previous_version == "1.0"
    assert apt.installs == ["1.1"] and len(restarts) == 1


def test_an_unhealthy_release_is_rolled_back_remembered_and_pinned(tmp_path: Path) -> None:
    apt = FakeApt("1.0", "1.1")
    updater, restarts = _updater(tmp_path, apt, {"1.0"})
    state = updater.run()
    assert state.last_outcome == "rolled_back" and apt.installs == ["1.1", "1.0"] and len(restarts) == 2
    assert load_state(tmp_path / "data").failed_versions == ("1.1",)
    assert "Pin: version 1.1\nPin-Priority: -1" in (tmp_path / "pin.pref").read_text(encoding="utf-8")
    assert heartbeat_update_report(tmp_path / "data")["failed_versions"] == ["1.1"]  # type: ignore[index]
    again = updater.run()  # even if apt offered it again, it is not retried
    assert again.last_outcome == "skipped_failed" and apt.installs == ["1.1", "1.0"]


def test_nothing_is_installed_while_the_kiosk_is_in_use(tmp_path: Path) -> None:
    apt = FakeApt("1.0", "1.1")
    updater, restarts = _updater(tmp_path, apt, {"1.0", "1.1"})
    (tmp_path / "run" / "session.json").write_text(json.dumps({"active": True, "pid": os.getpid()}), encoding="utf-8")
    assert updater.run().last_outcome == "deferred" and apt.installs == [] and restarts == []


def test_a_refused_repository_installs_nothing(tmp_path: Path) -> None:
    apt = FakeApt("1.0", "1.1", refresh_ok=False)
    updater, restarts = _updater(tmp_path, apt, {"1.0", "1.1"})
    state = updater.run()
    assert state.last_outcome == "refused" and "not signed" in (state.last_detail or "") and apt.installs == []
