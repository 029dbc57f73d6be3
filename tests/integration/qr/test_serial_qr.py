"""The serial QR scanner driver against a pty peer playing the scanner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.base import CardFailed, DeviceState, HealthChanged, QrScanned
from devices.qr.driver import SerialQrScanner
from devices.qr.tokens import QrRepeated, QrUnreadable
from tests.helpers.pty_peer import EventLog, PtyPeer

pytestmark = pytest.mark.integration


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "ttyQR"


@pytest.fixture
def scanner_peer(link: Path) -> Iterator[PtyPeer]:
    with PtyPeer(link=link) as peer:
        yield peer


@pytest.fixture
def scanner(link: Path, scanner_peer: PtyPeer) -> Iterator[tuple[SerialQrScanner, EventLog]]:
    driver, log = SerialQrScanner(f"serial://{link}?baud=9600", reconnect_interval=0.05, max_length=64), EventLog()
    driver.start(log)
    log.wait_for(lambda events: any(isinstance(e, HealthChanged) for e in events))
    yield driver, log
    driver.stop()


def tokens(log: EventLog) -> list[str]:
    return [e.token for e in log.of(QrScanned)]


@pytest.mark.parametrize("end", [b"\r", b"\r\n", b"\n"], ids=["CR", "CRLF", "LF"])
def test_terminated_scan(scanner: tuple[SerialQrScanner, EventLog], scanner_peer: PtyPeer, end: bytes) -> None:
    driver, log = scanner
    scanner_peer.send(b"ESSC-TOKEN-0001" + end + b"ESSC-TOKEN-0002" + end)
    log.wait_count(QrScanned, 2)
    assert tokens(log) == ["ESSC-TOKEN-0001", "ESSC-TOKEN-0002"]
    assert driver.health().state is DeviceState.ONLINE and not log.of(CardFailed)


def test_unterminated_scan_ends_after_the_idle_gap(
    scanner: tuple[SerialQrScanner, EventLog], scanner_peer: PtyPeer
) -> None:
    _, log = scanner
    scanner_peer.send(b"NO-TERMINATOR-42")
    log.wait_count(QrScanned)
    assert tokens(log) == ["NO-TERMINATOR-42"]


def test_scan_split_into_single_bytes(scanner: tuple[SerialQrScanner, EventLog], scanner_peer: PtyPeer) -> None:
    _, log = scanner
    scanner_peer.send(b"SPLIT-SCAN-777\r\n", split=True)
    log.wait_count(QrScanned)
    assert tokens(log) == ["SPLIT-SCAN-777"]


def test_garbage_is_stripped(scanner: tuple[SerialQrScanner, EventLog], scanner_peer: PtyPeer) -> None:
    _, log = scanner
    scanner_peer.send(b"\x00\x02\xffCLEAN\x1b-TOKEN\x7f\x03\r\n")
    log.wait_count(QrScanned)
    assert tokens(log) == ["CLEAN-TOKEN"]


def test_too_long_scan_is_refused_and_the_next_one_works(
    scanner: tuple[SerialQrScanner, EventLog], scanner_peer: PtyPeer
) -> None:
    _, log = scanner
    scanner_peer.send(b"L" * 200 + b"\rAFTER-LONG\r")
    log.wait_count(QrScanned)
    (failed,) = log.of(CardFailed)
    assert isinstance(failed.error, QrUnreadable) and tokens(log) == ["AFTER-LONG"]


def test_same_token_twice_is_refused(scanner: tuple[SerialQrScanner, EventLog], scanner_peer: PtyPeer) -> None:
    _, log = scanner
    scanner_peer.send(b"ONCE-ONLY\r")
    log.wait_count(QrScanned)
    scanner_peer.send(b"ONCE-ONLY\r")
    (failed,) = log.wait_count(CardFailed)
    assert isinstance(failed.error, QrRepeated)
    assert failed.error.message == "该二维码已使用，请在手机上刷新电子社保卡后重新扫描"


def test_unplug_and_replug(scanner: tuple[SerialQrScanner, EventLog], scanner_peer: PtyPeer, link: Path) -> None:
    driver, log = scanner
    scanner_peer.disconnect()
    log.wait_for(lambda events: driver.health().state is DeviceState.NO_DEVICE)
    with PtyPeer(link=link) as again:
        log.wait_for(lambda events: [e.health.state for e in log.of(HealthChanged)][-1] is DeviceState.ONLINE
                     and len(log.of(HealthChanged)) >= 3)
        again.send(b"AFTER-REPLUG\r")
        log.wait_count(QrScanned)
        assert [e.health.state for e in log.of(HealthChanged)] == [
            DeviceState.ONLINE, DeviceState.NO_DEVICE, DeviceState.ONLINE]
    assert tokens(log) == ["AFTER-REPLUG"]
