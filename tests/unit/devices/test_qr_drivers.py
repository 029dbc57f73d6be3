"""The keyboard-wedge and simulated QR scanners emit what a serial scanner would."""

from __future__ import annotations

from devices.base import CardFailed, CardReaderDriver, DeviceKind, DeviceState, HealthChanged, QrScanned
from devices.qr.driver import KeyboardWedgeQrScanner, SerialQrScanner
from devices.qr.sim import SimQrScanner
from devices.qr.tokens import QrRepeated
from tests.helpers.pty_peer import EventLog


def test_all_are_card_reader_drivers_of_kind_qr() -> None:
    for driver in (KeyboardWedgeQrScanner(), SimQrScanner(), SerialQrScanner("serial:///dev/null")):
        assert isinstance(driver, CardReaderDriver) and driver.kind is DeviceKind.QR_SCANNER


def test_wedge_keystrokes_with_enter() -> None:
    scanner, log = KeyboardWedgeQrScanner(), EventLog()
    scanner.start(log)
    try:
        for ch in "TOKEN-1\r":
            scanner.feed_key(ch)
        assert log.wait_count(QrScanned)[0].token == "TOKEN-1"
        assert log.events[0].health.state is DeviceState.ONLINE
    finally:
        scanner.stop()


def test_wedge_without_enter_ends_at_the_idle_gap() -> None:
    scanner, log = KeyboardWedgeQrScanner(idle_gap=0.05), EventLog()
    scanner.start(log)
    try:
        for ch in "NOENTER":
            scanner.feed_key(ch)
        assert log.wait_count(QrScanned)[0].token == "NOENTER"
    finally:
        scanner.stop()


def test_wedge_whole_text_and_repeat() -> None:
    scanner, log = KeyboardWedgeQrScanner(), EventLog()
    scanner.start(log)
    try:
        scanner.feed_text("TOKEN-2")
        scanner.feed_text("TOKEN-2")
        log.wait_count(CardFailed)
        assert [type(e) for e in log.events] == [HealthChanged, QrScanned, CardFailed]
        assert isinstance(log.events[2].error, QrRepeated)
    finally:
        scanner.stop()
    assert scanner.health().state is DeviceState.OFFLINE


def test_sim_scan_and_repeat_expiry() -> None:
    now = [0.0]
    sim, log = SimQrScanner(clock=lambda: now[0]), EventLog()
    sim.scan("T")
    sim.start(log)
    sim.scan("T")
    sim.scan("T")
    now[0] += 61
    sim.scan("T")
    sim.scan("X" * 600)
    assert [type(e) for e in log.events] == [HealthChanged, QrScanned, CardFailed, QrScanned, CardFailed]
