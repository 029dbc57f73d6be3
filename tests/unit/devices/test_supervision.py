"""The one supervision base of the reader drivers (devices/supervision.py): restart after faults, safe delivery, stop."""

from __future__ import annotations

import threading

from devices.base import CardRemoved, DeviceEvent, DeviceHealth, DeviceKind, DeviceState, HealthChanged
from devices.idcard.driver import IdCardReader
from devices.idcard.sim import SimIdCardReader
from devices.qr.driver import KeyboardWedgeQrScanner, SerialQrScanner
from devices.qr.sim import SimQrScanner
from devices.sscard.pcsc_driver import SsCardReader
from devices.sscard.sim import SimSsCardReader
from devices.supervision import DeviceEvents, SupervisedReader


class Flaky(SupervisedReader):
    """A session that fails twice with a bug, then serves until stop() wakes it."""

    kind = DeviceKind.QR_SCANNER
    label = "flaky test reader"

    def __init__(self) -> None:
        super().__init__(DeviceHealth(self.kind, DeviceState.UNKNOWN, "starting"), reconnect_interval=0.01)
        self.sessions = 0
        self.woken = threading.Event()
        self.between = 0

    def _session(self) -> None:
        self.sessions += 1
        if self.sessions <= 2:
            raise ZeroDivisionError("a bug in the driver")
        self._report_health(DeviceHealth(self.kind, DeviceState.ONLINE, "ready", f"session {self.sessions}"))
        self.woken.wait(5)

    def _between_sessions(self) -> None:
        self.between += 1
        self._emit(CardRemoved("essc"))

    def _wake(self) -> None:
        self.woken.set()


def test_a_session_that_fails_is_run_again_and_stop_wakes_it() -> None:
    events: list[DeviceEvent] = []
    reader = Flaky()
    reader.start(events.append)
    deadline = threading.Event()
    for _ in range(200):
        if reader.health().state == DeviceState.ONLINE:
            break
        deadline.wait(0.01)
    assert reader.sessions == 3 and reader.running
    reader.stop(timeout=2.0)
    assert not reader.running and reader.between == 2
    healths = [e.health for e in events if isinstance(e, HealthChanged)]
    # the first fault is reported (state changed), the second one is the same state and message: kept quietly
    assert [(h.state, h.message) for h in healths] == [(DeviceState.HARDWARE_ERROR, "starting"),
                                                       (DeviceState.ONLINE, "ready")]
    assert "ZeroDivisionError" in healths[0].detail


def test_a_failing_subscriber_does_not_stop_the_events(caplog) -> None:
    got: list[DeviceEvent] = []

    def sink(event: DeviceEvent) -> None:
        got.append(event)
        raise RuntimeError("subscriber bug")

    source = DeviceEvents(DeviceHealth(DeviceKind.ID_CARD, DeviceState.UNKNOWN, "x"))
    source.kind = DeviceKind.ID_CARD
    source._sink = sink
    source._emit(CardRemoved("id_card"), CardRemoved("ss_card"))
    assert len(got) == 2 and "event sink failed" in caplog.text


def test_every_reader_driver_and_simulator_uses_the_base() -> None:
    for driver in (IdCardReader, SerialQrScanner, KeyboardWedgeQrScanner, SsCardReader, SimSsCardReader):
        assert issubclass(driver, SupervisedReader), driver
    for sim in (SimIdCardReader, SimQrScanner):
        assert issubclass(sim, DeviceEvents), sim
