"""Technician subcommands for devices: status, read-card, print-test (JSON out, for SSH diagnostics)."""

from __future__ import annotations

import json
import queue
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TextIO

from devices.base import (
    CardFailed,
    CardInserted,
    DeviceError,
    DeviceEvent,
    DeviceHealth,
    IdentityRead,
    QrScanned,
)
from devices.manager import DeviceManager
from devices.printer.profiles import PrinterProfileError
from devices.uri import DeviceUriError
from kiosk.clock import ServicePointClock
from kiosk.device_setup import build_device_manager
from kiosk.masking import mask_id_number, mask_name
from kiosk.receipts import printer_test_receipt
from kiosk.settings import Settings

EssResolver = Callable[[str], IdentityRead]
CONFIG_EXIT = 2  # as `kiosk` does for any other bad configuration


def health_json(h: DeviceHealth, address: str = "") -> dict[str, Any]:
    return {"device": h.kind.value, "address": address, "state": h.state.value, "message": h.message,
            "detail": h.detail}


def identity_json(ident: IdentityRead, *, unmasked: bool) -> dict[str, Any]:
    """The identity read, as the technician command prints it (masked unless asked)."""

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


def _addresses(settings: Settings) -> dict[str, str]:
    d = settings.devices
    return {"id_card": d.id_card, "ss_card": d.ss_card, "qr_scanner": d.qr_scanner, "printer": d.printer}


def _build(settings: Settings, err: TextIO) -> DeviceManager | None:
    """The device manager, or None after telling the technician which device address is wrong."""
    try:
        return build_device_manager(settings, today=ServicePointClock(settings.service_point.zone).today)
    except (DeviceUriError, PrinterProfileError) as exc:
        print(f"配置错误：{exc.args[0]}", file=err)
        return None


def devices_status(settings: Settings, *, settle_s: float = 1.5, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """One JSON object per configured device; exit 0 when every device is usable, 1 otherwise (2: bad address)."""
    manager = _build(settings, err)
    if manager is None:
        return CONFIG_EXIT
    manager.start()
    try:
        deadline = time.monotonic() + settle_s
        while time.monotonic() < deadline:  # readers report their first health from their threads
            if all(h.state.value != "unknown" for k, h in manager.health().items() if k.value != "printer"):
                break
            time.sleep(0.05)
        manager.refresh_printer()
        addresses = _addresses(settings)
        ok = True
        for kind, h in manager.health().items():
            print(json.dumps(health_json(h, addresses.get(kind.value, "")), ensure_ascii=False), file=out)
            ok = ok and h.usable
        return 0 if ok else 1
    finally:
        manager.stop()


def read_card(settings: Settings, *, timeout_s: float, unmasked: bool, resolve_essc: EssResolver | None,
              out: TextIO = sys.stdout, err: TextIO = sys.stderr, manager: DeviceManager | None = None) -> int:
    """Wait for an ID card, a social security card or an e-SSC scan; print one JSON line."""
    own = manager is None
    manager = manager or _build(settings, err)
    if manager is None:
        return CONFIG_EXIT
    events: queue.Queue[DeviceEvent] = queue.Queue()
    unsubscribe = manager.subscribe(events.put)
    if own:
        manager.start()
    try:
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = events.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if isinstance(event, CardInserted):
                print(json.dumps(identity_json(event.identity, unmasked=unmasked), ensure_ascii=False), file=out)
                return 0
            if isinstance(event, QrScanned):
                if resolve_essc is None:
                    print("电子社保卡需联网向平台核验身份，平台未配置", file=err)
                    return 1
                try:
                    ident = resolve_essc(event.token)
                except Exception as exc:  # the platform's typed errors carry the plain message
                    print(f"电子社保卡核验失败：{getattr(exc, 'message', None) or exc}", file=err)
                    return 1
                print(json.dumps(identity_json(ident, unmasked=unmasked), ensure_ascii=False), file=out)
                return 0
            if isinstance(event, CardFailed):
                print(f"读卡失败（{event.source}）：{event.error.message}", file=err)
                return 1
        print(f"{timeout_s:g} 秒内没有读到卡或二维码", file=err)
        return 3
    finally:
        unsubscribe()
        if own:
            manager.stop()


def print_test(settings: Settings, *, out: TextIO = sys.stdout, err: TextIO = sys.stderr, now: datetime | None = None) -> int:
    """Print the test slip; report the printer's status before and after as JSON lines."""
    manager = _build(settings, err)
    if manager is None:
        return CONFIG_EXIT
    try:
        before = manager.refresh_printer()
        print(json.dumps({"phase": "before", **health_json(before, settings.devices.printer)},
                         ensure_ascii=False), file=out)
        try:
            after = manager.print_document(printer_test_receipt(settings, now or ServicePointClock(settings.service_point.zone).now()))
        except DeviceError as exc:
            print(json.dumps({"phase": "failed", "message": exc.message, "detail": exc.detail},
                             ensure_ascii=False), file=out)
            print(f"打印失败：{exc.message}", file=err)
            return 1
        print(json.dumps({"phase": "after", **health_json(after, settings.devices.printer)},
                         ensure_ascii=False), file=out)
        return 0
    finally:
        manager.stop()
