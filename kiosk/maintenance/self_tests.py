"""Device self-tests with typed results: status of every device, a card read, a QR scan, the test slip.

One implementation for the technician screens (on the running device manager) and for
`kiosk devices status|read-card|print-test` (on a manager of its own). Every function blocks: run it
off the GUI thread. Results hold no text for a screen; the caller words them.
"""

from __future__ import annotations

import enum
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from devices.base import (
    CardFailed,
    CardInserted,
    DeviceError,
    DeviceEvent,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    IdentityRead,
    QrScanned,
)
from devices.manager import DeviceManager
from devices.printer.profiles import PrinterProfileError
from devices.uri import DeviceUriError
from kiosk.clock import ServicePointClock
from kiosk.device_setup import build_device_manager
from kiosk.errors import PlainError
from kiosk.masking import mask_id_number, mask_name, mask_token
from kiosk.settings import Settings

KINDS = (DeviceKind.ID_CARD, DeviceKind.SS_CARD, DeviceKind.QR_SCANNER, DeviceKind.PRINTER, DeviceKind.CAMERA)
EssResolver = Callable[[str], IdentityRead]
T = TypeVar("T")


class DeviceSetupInvalid(PlainError):
    """A configured device address or printer profile cannot be used; `message` says which (plain Chinese)."""


def addresses(settings: Settings) -> dict[DeviceKind, str]:
    """The configured address of every device kind."""
    d = settings.devices
    return {DeviceKind.ID_CARD: d.id_card, DeviceKind.SS_CARD: d.ss_card, DeviceKind.QR_SCANNER: d.qr_scanner,
            DeviceKind.PRINTER: d.printer, DeviceKind.CAMERA: d.camera}


def open_devices(settings: Settings) -> DeviceManager:
    """A device manager of its own over the configured devices (not started); DeviceSetupInvalid if unusable."""
    try:
        return build_device_manager(settings, today=ServicePointClock(settings.service_point.zone).today)
    except (DeviceUriError, PrinterProfileError) as exc:
        raise DeviceSetupInvalid(str(exc.args[0])) from exc


@dataclass(frozen=True)
class DeviceCheck:
    """One device's state as a self-test reports it."""

    kind: DeviceKind
    address: str
    state: DeviceState
    message: str
    detail: str
    usable: bool

    @classmethod
    def of(cls, health: DeviceHealth, address: str = "") -> DeviceCheck:
        return cls(health.kind, address, health.state, health.message, health.detail, health.usable)

    def to_json(self) -> dict[str, Any]:
        return {"device": self.kind.value, "address": self.address, "state": self.state.value,
                "message": self.message, "detail": self.detail}


def device_status(manager: DeviceManager, settings: Settings, *, settle_s: float = 1.5,
                  monotonic: Callable[[], float] = time.monotonic) -> list[DeviceCheck]:
    """Every configured device's state, after giving the readers `settle_s` to report their first health.

    The manager must be started (its reader threads report health).
    """
    deadline = monotonic() + settle_s
    while monotonic() < deadline:
        if all(h.state != DeviceState.UNKNOWN for k, h in manager.health().items() if k != DeviceKind.PRINTER):
            break
        time.sleep(0.05)
    manager.refresh_printer()
    where = addresses(settings)
    return [DeviceCheck.of(h, where.get(kind, "")) for kind, h in manager.health().items()]


def own_health(manager: DeviceManager) -> dict[DeviceKind, DeviceHealth]:
    """Each device's own state, the printer asked afresh (the manager reports MAINTENANCE for all while a
    technician holds them)."""
    manager.refresh_printer()
    known = manager.device_health()
    return {k: known.get(k, DeviceHealth(k, DeviceState.NO_DEVICE, "")) for k in KINDS}


class CardOutcome(enum.StrEnum):
    READ = "read"
    FAILED = "failed"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class CardReadResult:
    """What a card self-test saw: an identity, a failure with its plain message, or nothing in time."""

    outcome: CardOutcome
    identity: IdentityRead | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is CardOutcome.READ


def identity_json(ident: IdentityRead, *, unmasked: bool) -> dict[str, Any]:
    """The identity read, as a technician sees it (masked unless asked)."""

    def day(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "source": ident.source,
        "id_number": ident.id_number if unmasked else mask_id_number(ident.id_number),
        "name": ident.name if unmasked else mask_name(ident.name),
        "gender": ident.gender,
        "nation": ident.nation,
        "birth_date": day(ident.birth_date),
        "valid_until": "长期" if ident.long_term else day(ident.valid_until),
        "card_number": ident.card_number,
        "card_type": ident.card_type,
        "expired": ident.expired,
        "partial": ident.partial,
    }


# Plain messages of the card self-test (data, in one place).
CARD_MESSAGES = {
    "essc_no_platform": "电子社保卡需联网向平台核验身份，平台未配置",
    "essc_failed": "电子社保卡核验失败：{message}",
    "read_failed": "读卡失败（{source}）：{message}",
    "timeout": "{seconds:g} 秒内没有读到卡或二维码",
}


def _first_answer(manager: DeviceManager, timeout_s: float, monotonic: Callable[[], float],
                  answer: Callable[[DeviceEvent], T | None]) -> T | None:
    """The first non-None `answer` to the manager's events within `timeout_s` (None: none in time)."""
    events: queue.Queue[DeviceEvent] = queue.Queue()
    unsubscribe = manager.subscribe(events.put)
    try:
        deadline = monotonic() + timeout_s
        while (left := deadline - monotonic()) > 0:
            try:
                event = events.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            result = answer(event)
            if result is not None:
                return result
        return None
    finally:
        unsubscribe()


def read_card(manager: DeviceManager, *, timeout_s: float, resolve_essc: EssResolver | None = None,
              monotonic: Callable[[], float] = time.monotonic) -> CardReadResult:
    """Wait for an ID card, a social security card or an e-SSC scan on a started manager."""

    def answer(event: DeviceEvent) -> CardReadResult | None:
        if isinstance(event, CardInserted):
            return CardReadResult(CardOutcome.READ, event.identity)
        if isinstance(event, QrScanned):
            if resolve_essc is None:
                return CardReadResult(CardOutcome.FAILED, message=CARD_MESSAGES["essc_no_platform"])
            try:
                return CardReadResult(CardOutcome.READ, resolve_essc(event.token))
            except Exception as exc:  # noqa: BLE001  the platform's typed errors carry the plain message
                message = getattr(exc, "message", None) or str(exc)
                return CardReadResult(CardOutcome.FAILED, message=CARD_MESSAGES["essc_failed"].format(message=message))
        if isinstance(event, CardFailed):
            return CardReadResult(CardOutcome.FAILED, message=CARD_MESSAGES["read_failed"].format(
                source=event.source, message=event.error.message))
        return None

    result = _first_answer(manager, timeout_s, monotonic, answer)
    return result or CardReadResult(CardOutcome.TIMEOUT, message=CARD_MESSAGES["timeout"].format(seconds=timeout_s))


@dataclass(frozen=True)
class QrScanResult:
    """A QR self-test's scan: the token itself is never kept, only its length and a masked preview."""

    length: int
    preview: str


def scan_qr(manager: DeviceManager, *, timeout_s: float,
            monotonic: Callable[[], float] = time.monotonic) -> QrScanResult | None:
    """Wait for one QR scan (None: nothing scanned in time)."""

    def answer(event: DeviceEvent) -> QrScanResult | None:
        if not isinstance(event, QrScanned):
            return None
        t = event.token
        return QrScanResult(len(t), f"{t[:2]}…{t[-2:]}" if len(t) > 8 else mask_token(t))

    return _first_answer(manager, timeout_s, monotonic, answer)


@dataclass(frozen=True)
class PrintTestResult:
    """The printer before the test slip, after it (None when printing failed), and why it failed."""

    before: DeviceCheck
    after: DeviceCheck | None
    message: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.after is not None


def print_test(manager: DeviceManager, document: object, *, as_technician: bool, address: str = "") -> PrintTestResult:
    """Printer status, the test slip, status again.

    `as_technician`: the kiosk's own manager is held in maintenance and refuses residents' prints, so the
    technician's slip goes to the driver; a manager of its own (the command line) prints as usual.
    """
    before = DeviceCheck.of(manager.refresh_printer(), address)
    try:
        if as_technician:
            manager.technician_print(document)
            after = manager.refresh_printer()
        else:
            after = manager.print_document(document)
    except DeviceError as exc:
        return PrintTestResult(before, None, exc.message, exc.detail)
    return PrintTestResult(before, DeviceCheck.of(after, address))
