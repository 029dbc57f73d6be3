"""Technician subcommands `kiosk devices status|read-card|print-test`: arguments in, JSON lines out.

The self-tests are kiosk/maintenance/self_tests.py's, shared with the technician screens; this module
only builds the command's own device manager and formats the results.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import IO

from devices.manager import DeviceManager
from kiosk.clock import ServicePointClock
from kiosk.maintenance.self_tests import (
    CardOutcome,
    DeviceSetupInvalid,
    EssResolver,
    device_status,
    identity_json,
    open_devices,
    print_test,
    read_card,
)
from kiosk.receipts import printer_test_receipt
from kiosk.settings import Settings

CONFIG_EXIT = 2  # as `kiosk` does for any other bad configuration
TIMEOUT_EXIT = 3


def _build(settings: Settings, err: IO[str]) -> DeviceManager | None:
    """The device manager, or None after telling the technician which device address is wrong."""
    try:
        return open_devices(settings)
    except DeviceSetupInvalid as exc:
        print(f"配置错误：{exc.message}", file=err)
        return None


def _line(data: object, out: IO[str]) -> None:
    print(json.dumps(data, ensure_ascii=False), file=out)


def devices_status(settings: Settings, *, settle_s: float = 1.5, out: IO[str] = sys.stdout,
                   err: IO[str] = sys.stderr) -> int:
    """One JSON object per configured device; exit 0 when every device is usable, 1 otherwise (2: bad address)."""
    manager = _build(settings, err)
    if manager is None:
        return CONFIG_EXIT
    manager.start()
    try:
        checks = device_status(manager, settings, settle_s=settle_s)
    finally:
        manager.stop()
    for check in checks:
        _line(check.to_json(), out)
    return 0 if all(c.usable for c in checks) else 1


def read_card_command(settings: Settings, *, timeout_s: float, unmasked: bool, resolve_essc: EssResolver | None,
                      out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """Wait for an ID card, a social security card or an e-SSC scan; print one JSON line."""
    manager = _build(settings, err)
    if manager is None:
        return CONFIG_EXIT
    manager.start()
    try:
        result = read_card(manager, timeout_s=timeout_s, resolve_essc=resolve_essc)
    finally:
        manager.stop()
    if result.identity is not None:
        _line(identity_json(result.identity, unmasked=unmasked), out)
        return 0
    print(result.message, file=err)
    return TIMEOUT_EXIT if result.outcome is CardOutcome.TIMEOUT else 1


def print_test_command(settings: Settings, *, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr,
                       now: datetime | None = None) -> int:
    """Print the test slip; report the printer's status before and after as JSON lines."""
    manager = _build(settings, err)
    if manager is None:
        return CONFIG_EXIT
    document = printer_test_receipt(settings, now or ServicePointClock(settings.service_point.zone).now())
    try:
        result = print_test(manager, document, as_technician=False, address=settings.devices.printer)
    finally:
        manager.stop()
    _line({"phase": "before", **result.before.to_json()}, out)
    if result.after is None:
        _line({"phase": "failed", "message": result.message, "detail": result.detail}, out)
        print(f"打印失败：{result.message}", file=err)
        return 1
    _line({"phase": "after", **result.after.to_json()}, out)
    return 0
