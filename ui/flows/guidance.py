"""办事指南 of any item (一次性告知): what it is, who qualifies, what to bring, time limit, where — and a printed slip.

Counter-only items open it directly; kiosk items reach it from the navigation bar of their own page.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.catalogue import ServiceItem
from kiosk.receipts.guidance import guidance_slip_receipt
from ui.context import UiContext
from ui.pages.base import Page
from ui.qr_widget import QrLabel
from ui.router import Router
from ui.text import tr
from ui.widgets import big_button, label, read_aloud_button, touch_scroll


class GuidancePage(Page):
    """The 一次性告知 page of one item; the same content prints as the slip."""

    instruction_key = "voice.guidance"

    transient = True

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        super().__init__()
        self.page_id = f"guidance_{item.id}"
        self.setObjectName("guidancePage")
        self.ctx = ctx
        self.item = item
        sp = ctx.settings.service_point
        self.slip = ctx.catalogue.guidance_slip(item, sp.name, sp.counter, phone=sp.phone)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(60, 24, 60, 24)
        lay.setSpacing(16)
        lay.addWidget(label("guidanceTitle", item.name, role="heading"))
        intro = tr("guidance.intro") if item.is_guidance else tr("guidance.intro_kiosk")
        if item.web_hall:
            intro = tr("guidance.intro_web_hall")
        lay.addWidget(label("guidanceIntro", intro, role="hint"))
        self.web_hall_qr: QrLabel | None = None
        if item.web_hall and sp.web_hall_url:  # 单位业务: the province's web hall, one scan away
            qr_row = QHBoxLayout()
            self.web_hall_qr = QrLabel("guidanceWebHallQr", tr("guidance.web_hall_qr"), side=200)
            self.web_hall_qr.set_payload(sp.web_hall_url)
            qr_row.addWidget(self.web_hall_qr)
            qr_text = QVBoxLayout()
            qr_text.addWidget(label("guidanceWebHallCaption", tr("guidance.web_hall_qr"), role="guidance"))
            qr_text.addWidget(label("guidanceWebHallUrl", sp.web_hall_url, role="hint"))
            qr_row.addLayout(qr_text, 1)
            lay.addLayout(qr_row)
        scroll = QScrollArea()
        scroll.setObjectName("guidanceScroll")
        scroll.setWidgetResizable(True)
        inner = QWidget()
        body = QVBoxLayout(inner)
        body.setSpacing(10)
        for i, section in enumerate(self.slip.sections):
            body.addWidget(label(f"guidanceHeading{i}", f"【{section.heading}】", role="heading"))
            for j, line in enumerate(section.lines):
                body.addWidget(label(f"guidanceLine{i}_{j}", line))
        body.addStretch(1)
        scroll.setWidget(inner)
        touch_scroll(scroll.viewport())
        self.scroll_area = scroll
        lay.addWidget(scroll, 1)
        row = QHBoxLayout()
        # Swiping works, but a villager may not know it: visible buttons scroll a screenful.
        self.up_button = big_button("guidanceScrollUp", tr("guidance.scroll_up"))
        self.down_button = big_button("guidanceScrollDown", tr("guidance.scroll_down"))
        self.up_button.clicked.connect(lambda: self._page(-1))
        self.down_button.clicked.connect(lambda: self._page(1))
        row.addWidget(self.up_button)
        row.addWidget(self.down_button)
        row.addStretch(1)
        row.addWidget(read_aloud_button("guidanceReadAloud"))
        self.print_button = big_button("guidancePrint", tr("guidance.print"), role="primary")
        self.print_button.clicked.connect(self.print_slip)
        row.addWidget(self.print_button)
        lay.addLayout(row)

    def _page(self, direction: int) -> None:
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.value() + direction * max(1, self.scroll_area.viewport().height() - 60))

    def print_slip(self) -> None:
        self.ctx.print_document(lambda: guidance_slip_receipt(self.ctx.settings, self.slip, self.ctx.services.now(),
                                                              web_hall=self.item.web_hall))


def register(router: Router) -> None:
    router.register_guidance(GuidancePage)
