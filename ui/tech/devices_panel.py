"""设备: live state of every device, the last error, and a self-test per device (card, QR, print)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout

from kiosk.maintenance.overrides import printer_profiles
from kiosk.maintenance.self_tests import (
    KINDS,
    CardOutcome,
    CardReadResult,
    PrintTestResult,
    QrScanResult,
    identity_json,
    own_health,
    print_test,
    read_card,
    scan_qr,
)
from kiosk.receipts import printer_test_receipt
from kiosk.values import DeviceHealth, DeviceKind
from ui.main_window import _LEVEL
from ui.tech.env import Panel, TechEnv
from ui.text import tr
from ui.widgets import Lamp, big_button, label

WAIT_S = 20.0


def state_text(h: DeviceHealth) -> str:
    return h.message or tr(f"status.{h.state.value}")


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
                     DeviceKind.QR_SCANNER: d.qr_scanner, DeviceKind.PRINTER: d.printer,
                     DeviceKind.CAMERA: d.camera}
        self.add_heading_with_refresh("techDevicesHeading", tr("tech_devices.heading"),
                                      "techDevicesRefresh", tr("tech_devices.refresh"))
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
        name = self.env.core.settings.devices.printer_profile
        described = dict(printer_profiles()).get(name, "?")
        return tr("tech_devices.profile", name=name, description=described)

    # ---- status ----
    def refresh(self) -> None:
        devices = self.env.core.devices
        if devices is None:
            return
        self.run(lambda: own_health(devices), self._show, busy=None)

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
        devices = self.env.core.devices

        def done(r: CardReadResult) -> None:
            if r.identity is not None:
                shown = identity_json(r.identity, unmasked=False)
                text = tr("tech_devices.card_ok", source=shown["source"], id_number=shown["id_number"],
                          name=shown["name"], gender=shown["gender"] or "—", valid_until=shown["valid_until"] or "—")
                if r.identity.partial:
                    text += tr("tech_devices.card_partial")
                self.env.audit("self_test_card", {"ok": True, "source": r.identity.source})
            elif r.outcome is CardOutcome.TIMEOUT:
                text = tr("tech_devices.card_timeout", seconds=seconds)
                self.env.audit("self_test_card", {"ok": False, "reason": "timeout"})
            else:
                text = tr("tech_devices.card_failed", message=r.message)
                self.env.audit("self_test_card", {"ok": False, "reason": r.message[:200]})
            self._say(text)
            self.refresh()

        self.run(lambda: read_card(devices, timeout_s=WAIT_S),
                 done, busy=tr("tech_devices.wait_card", seconds=seconds))

    def test_qr(self) -> None:
        seconds = int(WAIT_S)
        devices = self.env.core.devices

        def done(scan: QrScanResult | None) -> None:
            text = tr("tech_devices.qr_ok", length=scan.length, preview=scan.preview) if scan else None
            self._say(text or tr("tech_devices.qr_timeout", seconds=seconds))
            self.env.audit("self_test_qr", {"ok": scan is not None})
            self.refresh()

        self.run(lambda: scan_qr(devices, timeout_s=WAIT_S),
                 done, busy=tr("tech_devices.wait_qr", seconds=seconds))

    def test_print(self) -> None:
        """Printer status, the test slip, status again. Goes to the driver: the manager refuses residents' prints
        during maintenance, and the technician is the one holding it."""
        devices = self.env.core.devices
        document = printer_test_receipt(self.env.core.settings, self.env.now())

        def done(r: PrintTestResult) -> None:
            before = r.before.message or tr(f"status.{r.before.state.value}")
            if r.after is not None:
                after = r.after.message or tr(f"status.{r.after.state.value}")
                self._say(tr("tech_devices.print_ok", before=before, after=after))
            else:
                self._say(tr("tech_devices.print_failed", message=r.message, before=before))
            self.env.audit("self_test_print", {"ok": r.ok, "before": r.before.state.value,
                                               "after": r.after.state.value if r.after else None})
            self.refresh()

        self.run(lambda: print_test(devices, document, as_technician=True),
                 done, busy=tr("tech_devices.printing"))


__all__ = ["DevicesPanel"]
