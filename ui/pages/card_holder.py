"""The 3rd-generation social security card login: the card's PIN, then the platform names the holder.

Such a card shows this kiosk only its number (no PSAM to unlock the holder file). The resident types
the card's PIN, which the card itself checks; the platform then names the person. Offline that cannot
work: the page says so plainly and offers the ID card on the same screen (an ID card placed on the
reader now logs in as usual).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.services import CardNeedsNetwork
from kiosk.values import IdentityRead, PinError
from ui.context import UiContext, plain_message
from ui.pages.base import Page
from ui.pin_pad import PinPad
from ui.text import tr
from ui.widgets import CardPictogram, big_button, label

log = logging.getLogger(__name__)


class CardHolderPage(Page):
    """PIN pad for a card that hides its holder; the offline explanation with the ID-card offer."""

    page_id = "card_holder"
    personal = True
    show_nav = False
    instruction_key = "voice.pin"
    logged_in = Signal(object)  # the ResidentSession
    cancelled = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardHolderPage")
        self.ctx = ctx
        self._identity: IdentityRead | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 30, 60, 30)
        outer.setSpacing(24)
        self.states = QStackedWidget()
        outer.addWidget(self.states, 1)

        self.pin_pad = PinPad(self.verify_pin)
        self.pin_pad.title.setText(tr("card_holder.title"))
        self.pin_pad.why.setText(tr("card_holder.why"))
        self.pin_pad.why.setAccessibleName(tr("card_holder.why"))
        self.states.addWidget(self.pin_pad)

        self.offline_panel = QWidget()
        self.offline_panel.setObjectName("cardHolderOffline")
        ol = QVBoxLayout(self.offline_panel)
        ol.setSpacing(24)
        ol.addWidget(label("cardHolderOfflineHeading", tr("card_holder.offline_heading"), role="heading"))
        self.offline_message = label("cardHolderOfflineMessage", "", role="guidance")
        ol.addWidget(self.offline_message)
        self.id_card_picture = CardPictogram("id_card")
        self.id_card_picture.setObjectName("cardHolderIdCardPicture")
        ol.addWidget(self.id_card_picture, 1)
        self.id_card_offer = label("cardHolderIdCardOffer", tr("card_holder.id_card_offer"), role="guidance")
        self.id_card_offer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ol.addWidget(self.id_card_offer)
        counter = ctx.settings.service_point.counter
        self.offline_more = label("cardHolderOfflineMore", tr("card_holder.id_card_offer_more", counter=counter),
                                  role="hint")
        ol.addWidget(self.offline_more)
        self.states.addWidget(self.offline_panel)

        row = QHBoxLayout()
        self.cancel_button = big_button("cardHolderCancel", tr("card_holder.cancel"))
        self.cancel_button.clicked.connect(self.cancelled)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        outer.addLayout(row)

    # ---- flow ----
    def begin(self, identity: IdentityRead) -> None:
        """A card that hides its holder was read: ask how many PIN tries it has left (or say it needs the network)."""
        self._identity = identity
        self.pin_pad.reset()
        self.pin_pad.set_busy(True)
        self.states.setCurrentWidget(self.pin_pad)
        self.ctx.window.go(self.page_id, remember=False)
        self.ctx.run(lambda: self.ctx.services.card_holder_login_start(identity), self.pin_pad.ready, self._failed,
                     busy=None)

    def verify_pin(self, pin: str) -> None:
        """The PIN pad's digits: checked by the card, then the platform names the holder (off the GUI thread)."""
        identity = self._identity
        if identity is None:
            return
        services = self.ctx.services
        self.ctx.run(lambda: services.login_card_holder(identity, pin), self._done, self._failed,
                     busy=tr("card_holder.checking"))

    def _done(self, session: Any) -> None:
        self._identity = None
        if session is not None:  # None: the resident left before the platform answered
            self.logged_in.emit(session)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, PinError):
            self.pin_pad.show_refusal(exc)
            return
        if isinstance(exc, CardNeedsNetwork):
            self.show_offline(exc.message)
            return
        log.info("card holder login failed: %s", type(exc).__name__)
        self.cancelled.emit()
        self.ctx.overlay.failure(plain_message(exc))

    def card_removed(self) -> None:
        """The card left the reader: at the PIN pad that ends the attempt; the offline offer of the ID card stays."""
        self._identity = None
        if self.states.currentWidget() is not self.offline_panel:
            self.cancelled.emit()

    def show_offline(self, message: str) -> None:
        """The card can be read only with the network: say so and offer the ID card here."""
        self.offline_message.setText(message)
        self.offline_message.setAccessibleName(message)
        self.states.setCurrentWidget(self.offline_panel)

    # ---- Page ----
    def clear_personal(self) -> None:
        self._identity = None
        self.pin_pad.reset()
        self.offline_message.setText("")
        self.states.setCurrentWidget(self.pin_pad)

    def set_portrait(self, portrait: bool) -> None:
        self.pin_pad.set_portrait(portrait)
