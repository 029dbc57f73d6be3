"""设备: live state of every device, the last error, and a self-test per device (card, QR, print)."""

from __future__ import annotations

import io
import json
import queue
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout

from devices.base import DeviceError, DeviceEvent, DeviceHealth, DeviceKind, DeviceState, QrScanned
from kiosk import cli_devices
from kiosk.masking import mask_token
from kiosk.receipts import printer_test_receipt
from ui.main_window import _LEVEL
from ui.tech.env import Panel, TechEnv
from ui.text import tr
from ui.widgets import Lamp, big_button, label

KINDS = (DeviceKind.ID_CARD, DeviceKind.SS_CARD, DeviceKind.QR_SCANNER, DeviceKind.PRINTER)
WAIT_S = 20.0


def state_text(h: DeviceHealth) -> str:
    return h.message or tr(f"status.{h.state.value}")


def real_health(devices: Any) -> dict[DeviceKind, DeviceHealth]:
    """Each device's own state (the manager reports MAINTENANCE for all while a technician holds them)."""
    devices.refresh_printer()
    known = devices.device_health()
    return {k: known.get(k, DeviceHealth(k, DeviceState.NO_DEVICE, "")) for k in KINDS}


def read_card_test(env: TechEnv, timeout_s: float = WAIT_S) -> dict[str, Any]:
    """`kiosk devices read-card` on the running device manager: the masked identity, or why not."""
    out, err = io.StringIO(), io.StringIO()
    rc = cli_devices.read_card(env.core.settings, timeout_s=timeout_s, unmasked=False, resolve_essc=None,
                               out=out, err=err, manager=env.core.devices)
    if rc == 0:
        return {"ok": True, **json.loads(out.getvalue().strip().splitlines()[-1])}
    return {"ok": False, "timeout": rc == 3, "message": err.getvalue().strip()}


def scan_qr_test(devices: Any, timeout_s: float = WAIT_S, clock: Callable[[], float] = time.monotonic) -> str | None:
    """Wait for one QR scan; the token itself is never kept or shown, only its length and ends."""
    events: queue.Queue[DeviceEvent] = queue.Queue()
    unsubscribe = devices.subscribe(events.put)
    try:
        deadline = clock() + timeout_s
        while (left := deadline - clock()) > 0:
            try:
                event = events.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if isinstance(event, QrScanned):
                t = event.token
                preview = f"{t[:2]}…{t[-2:]}" if len(t) > 8 else mask_token(t)
                return tr("tech_devices.qr_ok", length=len(t), preview=preview)
        return None
    finally:
        unsubscribe()


def print_test(env: TechEnv) -> dict[str, Any]:
    """Printer status, the test slip, status again. Goes to the driver: the manager refuses residents' prints
    during maintenance, and the technician is the one holding it."""
    devices = env.core.devices
    before = devices.refresh_printer()
    try:
        devices.technician_print(printer_test_receipt(env.core.settings, env.now()))
    except DeviceError as exc:
        return {"ok": False, "message": exc.message, "detail": exc.detail,
                "before": cli_devices.health_json(before)}
    after = devices.refresh_printer()
    return {"ok": True, "before": cli_devices.health_json(before), "after": cli_devices.health_json(after)}


class DeviceRow(QFrame):
    """One device: lamp, name, address, state, last error, its self-test button."""

    def __init__(self, kind: DeviceKind, address: str, test: QPushButton | None) -> None:
        super().__init__()
        self.setObjectName("cardPanel")
        lay = QGridLayout(self)
        lay.setContentsMargins(20, 14, 20, 14)
        lay.setHorizontalSpacing(20)
        self.lamp = Lamp()
        self.name = label(f"techDev_{kind.value}_name", tr(f"tech_devices.{kind.value}"), role="cardTitle", wrap=False)
        self.state = label(f"techDev_{kind.value}_state", "", wrap=True)
        self.address = label(f"techDev_{kind.value}_address", tr("tech_devices.address", address=address), role="hint")
        self.error = label(f"techDev_{kind.value}_error", tr("tech_devices.no_error"), role="hint")
        head = QHBoxLayout()
        head.addWidget(self.lamp)
        head.addWidget(self.name)
        head.addSpacing(20)
        head.addWidget(self.state, 2)
        lay.addLayout(head, 0, 0)
        lay.addWidget(self.address, 1, 0)
        lay.addWidget(self.error, 2, 0)
        self.extra = QVBoxLayout()
        lay.addLayout(self.extra, 3, 0)
        if test is not None:
            lay.addWidget(test, 0, 1, 2, 1)
        lay.setColumnStretch(0, 1)

    def show_health(self, h: DeviceHealth, last_error: str | None) -> None:
        self.lamp.set_level(_LEVEL[h.state])
        text = tr("tech_devices.state", state=state_text(h)) + (f"（{h.detail}）" if h.detail else "")
        self.state.setText(text)
        self.state.setAccessibleName(text)
        err = tr("tech_devices.last_error", error=last_error) if last_error else tr("tech_devices.no_error")
        self.error.setText(err)
        self.error.setAccessibleName(err)


class DevicesPanel(Panel):
    """Devices and self-tests; every test is audited."""

    tab = "devices"

    def __init__(self, env: TechEnv) -> None:
        super().__init__(env)
        d = env.core.settings.devices
        addresses = {DeviceKind.ID_CARD: d.id_card, DeviceKind.SS_CARD: d.ss_card,
                     DeviceKind.QR_SCANNER: d.qr_scanner, DeviceKind.PRINTER: d.printer}
        top = QHBoxLayout()
        top.addWidget(label("techDevicesHeading", tr("tech_devices.heading"), role="heading"), 1)
        self.refresh_button = big_button("techDevicesRefresh", tr("tech_devices.refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        self.body.addLayout(top)
        self.result = label("techTestResult", tr("tech_devices.result_none"), role="guidance")
        self.body.addWidget(self.result)
        self.tests: dict[str, QPushButton] = {
            "card": big_button("techTestCard", tr("tech_devices.test_card"), role="primary"),
            "qr": big_button("techTestQr", tr("tech_devices.test_qr"), role="primary"),
            "print": big_button("techTestPrint", tr("tech_devices.test_print"), role="primary"),
        }
        self.tests["card"].clicked.connect(self.test_card)
        self.tests["qr"].clicked.connect(self.test_qr)
        self.tests["print"].clicked.connect(self.test_print)
        test_for = {DeviceKind.ID_CARD: self.tests["card"], DeviceKind.QR_SCANNER: self.tests["qr"],
                    DeviceKind.PRINTER: self.tests["print"]}
        self.rows: dict[DeviceKind, DeviceRow] = {}
        for kind in KINDS:
            row = DeviceRow(kind, addresses[kind], test_for.get(kind))
            self.rows[kind] = row
            self.body.addWidget(row)
        self.profile = label("techPrinterProfile", self._profile_text(), role="hint")
        self.rows[DeviceKind.PRINTER].extra.addWidget(self.profile)
        self.body.addStretch(1)
        self.health: dict[DeviceKind, DeviceHealth] = {}

    def _profile_text(self) -> str:
        from ui.tech.diagnostics import printer_profiles

        name = self.env.core.settings.devices.printer_profile
        described = dict(printer_profiles()).get(name, "?")
        return tr("tech_devices.profile", name=name, description=described)

    # ---- status ----
    def refresh(self) -> None:
        devices = self.env.core.devices
        if devices is None:
            return
        self.run(lambda: real_health(devices), self._show, busy=None)

    def _show(self, health: dict[DeviceKind, DeviceHealth]) -> None:
        self.health = health
        for kind, h in health.items():
            self.rows[kind].show_health(h, self.env.last_errors.get(kind))

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.setAccessibleName(text)

    # ---- self-tests ----
    def test_card(self) -> None:
        seconds = int(WAIT_S)
        self._say(tr("tech_devices.wait_card", seconds=seconds))

        def done(r: dict[str, Any]) -> None:
            if r["ok"]:
                text = tr("tech_devices.card_ok", source=r["source"], id_number=r["id_number"], name=r["name"],
                          gender=r.get("gender") or "—", valid_until=r.get("valid_until") or "—")
                if r.get("partial"):
                    text += tr("tech_devices.card_partial")
                self.env.audit("self_test_card", {"ok": True, "source": r["source"]})
            elif r.get("timeout"):
                text = tr("tech_devices.card_timeout", seconds=seconds)
                self.env.audit("self_test_card", {"ok": False, "reason": "timeout"})
            else:
                text = tr("tech_devices.card_failed", message=r["message"])
                self.env.audit("self_test_card", {"ok": False, "reason": r["message"][:200]})
            self._say(text)
            self.refresh()

        self.run(lambda: read_card_test(self.env), done, busy=tr("tech_devices.wait_card", seconds=seconds))

    def test_qr(self) -> None:
        seconds = int(WAIT_S)
        devices = self.env.core.devices

        def done(text: str | None) -> None:
            self._say(text or tr("tech_devices.qr_timeout", seconds=seconds))
            self.env.audit("self_test_qr", {"ok": text is not None})
            self.refresh()

        self.run(lambda: scan_qr_test(devices), done, busy=tr("tech_devices.wait_qr", seconds=seconds))

    def test_print(self) -> None:
        def done(r: dict[str, Any]) -> None:
            before = r["before"]["message"] or tr(f"status.{r['before']['state']}")
            if r["ok"]:
                after = r["after"]["message"] or tr(f"status.{r['after']['state']}")
                self._say(tr("tech_devices.print_ok", before=before, after=after))
            else:
                self._say(tr("tech_devices.print_failed", message=r["message"], before=before))
            self.env.audit("self_test_print", {"ok": r["ok"], "before": r["before"]["state"],
                                               "after": r.get("after", {}).get("state")})
            self.refresh()

        self.run(lambda: print_test(self.env), done, busy=tr("tech_devices.printing"))

    def rows_text(self) -> dict[str, str]:
        """What each row says (tests)."""
        return {k.value: r.state.text() for k, r in self.rows.items()}


__all__ = ["DevicesPanel", "print_test", "read_card_test", "real_health", "scan_qr_test"]
