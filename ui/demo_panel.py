"""The presenter's control panel in demo mode: put sample cards on the simulated readers, and so on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.demo_residents import DemoResident
from kiosk.values import DeviceKind
from ui.text import tr
from ui.widgets import big_button, label

log = logging.getLogger(__name__)


class DemoPanel(QFrame):
    """Buttons that drive the `sim://` devices exactly as a resident's hands would."""

    def __init__(self, simulators: dict[DeviceKind, object], residents: Sequence[DemoResident],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoPanel")
        self.setFixedWidth(300)
        self._sims = simulators
        self._residents = list(residents)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)
        lay.addWidget(label("demoTitle", tr("demo.panel_title")))

        def add(name: str, text: str, slot: Callable[[], object]) -> None:
            b = big_button(name, text)
            b.clicked.connect(lambda _=False: slot())
            lay.addWidget(b)

        for i, r in enumerate(self._residents[:3]):
            lay.addWidget(label(f"demoResident{i}", r.label))
            add(f"demoPlaceId{i}", tr("demo.place_id"), partial(self.place_id_card, r))
            add(f"demoInsertSs{i}", tr("demo.insert_ss"), partial(self.insert_ss_card, r))
            if r.ss_card_third_gen is not None:
                add(f"demoInsertSsThirdGen{i}", tr("demo.insert_ss_third_gen"), partial(self.insert_third_gen_card, r))
            add(f"demoScanEssc{i}", tr("demo.scan_essc"), partial(self.scan_essc, r))
        add("demoTakeId", tr("demo.take_id"), self.take_id_card)
        add("demoPullSs", tr("demo.pull_ss"), self.pull_ss_card)
        add("demoPaperOut", tr("demo.paper_out"), lambda: self.set_paper_out(True))
        add("demoPaperOk", tr("demo.paper_ok"), lambda: self.set_paper_out(False))
        lay.addStretch(1)

    def _sim(self, kind: DeviceKind) -> object | None:
        sim = self._sims.get(kind)
        if sim is None:
            log.warning("demo panel: %s is not a simulator in this configuration", kind.value)
        return sim

    def place_id_card(self, resident: DemoResident) -> None:
        if (sim := self._sim(DeviceKind.ID_CARD)) is not None:
            sim.place(resident.id_card)  # type: ignore[attr-defined]

    def take_id_card(self) -> None:
        if (sim := self._sim(DeviceKind.ID_CARD)) is not None:
            sim.take_away()  # type: ignore[attr-defined]

    def insert_ss_card(self, resident: DemoResident) -> None:
        if (sim := self._sim(DeviceKind.SS_CARD)) is not None:
            sim.insert(resident.ss_card)  # type: ignore[attr-defined]

    def insert_third_gen_card(self, resident: DemoResident) -> None:
        """The resident's card as a 3rd-generation chip: the PIN pad, then the platform names them."""
        if (sim := self._sim(DeviceKind.SS_CARD)) is not None and resident.ss_card_third_gen is not None:
            sim.insert(resident.ss_card_third_gen)  # type: ignore[attr-defined]

    def pull_ss_card(self) -> None:
        if (sim := self._sim(DeviceKind.SS_CARD)) is not None:
            sim.remove()  # type: ignore[attr-defined]

    def scan_essc(self, resident: DemoResident) -> None:
        if (sim := self._sim(DeviceKind.QR_SCANNER)) is not None and resident.essc_token:
            sim.scan(resident.essc_token)  # type: ignore[attr-defined]

    def set_paper_out(self, out: bool) -> None:
        if (sim := self._sim(DeviceKind.PRINTER)) is not None:
            sim.set_paper_out(out)  # type: ignore[attr-defined]
