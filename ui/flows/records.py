"""Live personal records (pension, benefit payments, 就业创业证): PIN first for card logins, big paged rows, print."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget
from shiboken6 import isValid

from kiosk.catalogue import ServiceItem
from kiosk.clock import ServicePointClock
from kiosk.receipts.records import (
    PERIOD_OF_KIND,
    RECORD_NOUNS,
    StatementRow,
    certificate_lines,
    certificate_receipt,
    filter_rows,
    period_title,
    periods,
    record_statement_receipt,
    statement_rows,
    summary_lines,
)
from kiosk.services import NotLoggedIn
from kiosk.values import PinError
from ui.context import UiContext, plain_message
from ui.flows.page_parts import PersonalPage, ScrollPager, buttons_row, clear_layout, print_row, rows_scroll
from ui.pages.base import Page
from ui.picker import pick
from ui.pin_pad import PinPad
from ui.router import Router
from ui.text import tr
from ui.widgets import big_button, label, read_aloud_button

log = logging.getLogger(__name__)

# catalogue code -> the platform's record kind
RECORD_ROUTES: dict[str, str] = {
    "employee_pension_query": "employee_pension",
    "employee_pension_payments": "employee_pension_payments",
    "unemployment_benefit_payments": "unemployment_benefit_payments",
    "resident_pension_contributions": "resident_pension_contributions",
    "resident_pension_payments": "resident_pension_payments",
}
CERTIFICATE_CODES = ("employment_certificate_query", "employment_certificate_print")
SHORT_LINE = 20  # characters; longer lines of a row take the whole width (landscape)
SHORT_LINE_ELDERLY = 15


def _as_of(text: str, clock: ServicePointClock) -> str:
    """The platform's ISO time as the service point's local time (as given when it does not parse)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


class LiveRecordPage(PersonalPage):
    instruction_key = "voice.records"
    """Shared frame of a live query page: the PIN pad (card logins), a plain message, or the content."""

    def __init__(self, ctx: UiContext, item: ServiceItem, kind: str, prefix: str) -> None:
        self.kind = kind
        self.record: Any = None
        super().__init__(ctx, item, prefix, names="records", heading=item.name)

        self.pin_pad = PinPad(self._verify_pin)
        self.states.addWidget(self.pin_pad)

        self.message_panel = QWidget()
        self.message_panel.setObjectName("recordsMessagePanel")
        ml = QVBoxLayout(self.message_panel)
        ml.setSpacing(30)
        self.message = label("recordsMessage", "", role="guidance")
        self.message_hint = label("recordsMessageHint", "", role="hint")
        ml.addWidget(self.message)
        ml.addWidget(self.message_hint)
        self.retry_button = big_button("recordsRetry", tr("personal_records.retry"), role="primary")
        self.retry_button.clicked.connect(self.start)
        self.back_button = big_button("recordsBack", tr("personal_records.back"))
        self.back_button.clicked.connect(self.ctx.window.back)
        ml.addLayout(buttons_row(30, self.retry_button, self.back_button))
        ml.addStretch(1)
        self.states.addWidget(self.message_panel)

        self.content = QWidget()
        self.content.setObjectName("recordsContent")
        self.states.addWidget(self.content)
        self.build_content(self.content)
        ctx.window.elderly_changed.connect(self._mode_changed)

    # ---- to override ----
    def build_content(self, host: QWidget) -> None:
        raise NotImplementedError

    def show_record(self) -> None:
        raise NotImplementedError

    def forget_content(self) -> None:
        """Drop what the content shows."""

    # ---- flow ----
    def on_enter(self) -> None:
        self.start()

    def start(self) -> None:
        services = self.ctx.services
        if services.session is None:
            return
        if services.ss_pin_needed():
            self._ask_pin()
        else:
            self._load()

    def _ask_pin(self) -> None:
        self.pin_pad.reset()
        self.pin_pad.set_busy(True)
        self.states.setCurrentWidget(self.pin_pad)
        self.ctx.run(self.ctx.services.ss_pin_tries_left,
                     self._guard(self.pin_pad.ready), self._guard(self._pin_failed), busy=None)

    def _verify_pin(self, pin: str) -> None:
        services = self.ctx.services
        self.ctx.run(lambda: services.verify_ss_pin(pin),
                     self._guard(lambda _r: self._load()), self._guard(self._pin_failed),
                     busy=tr("personal_pin.checking"))


    def _pin_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PinError):
            self.pin_pad.show_refusal(exc)
            return
        self._show_message(plain_message(exc), retry=True)

    def _load(self) -> None:
        self.ctx.run(lambda: self.ctx.services.personal_record(self.kind), self._guard(self._loaded),
                     self._guard(self._load_failed), busy=tr("personal_records.loading"))

    def _loaded(self, record: Any) -> None:
        self.record = record
        if not record.found:
            self._show_message(tr("personal_records.not_found", what=RECORD_NOUNS.get(self.kind, self.item.name)),
                               hint=tr("personal_records.not_found_hint",
                                       counter=self.ctx.settings.service_point.counter), retry=False)
            return
        self.states.setCurrentWidget(self.content)
        self.show_record()

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, NotLoggedIn):
            return
        self._show_message(plain_message(exc), retry=True)

    def _show_message(self, text: str, *, hint: str = "", retry: bool) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message_hint.setText(hint)
        self.message_hint.setAccessibleName(hint)
        self.message_hint.setVisible(bool(hint))
        self.retry_button.setVisible(retry)
        self.states.setCurrentWidget(self.message_panel)

    def _mode_changed(self, _elderly: bool) -> None:
        if isValid(self) and self.record is not None and self.states.currentWidget() is self.content:
            self.show_record()

    # ---- Page ----
    def clear_personal(self) -> None:
        self._generation += 1
        self.record = None
        self.pin_pad.reset()
        self.message.setText("")
        self.message_hint.setText("")
        self.forget_content()
        self.states.setCurrentWidget(self.message_panel)

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self.pin_pad.set_portrait(portrait)
        if self.record is not None and self.states.currentWidget() is self.content:
            self.show_record()

    def _masked_person(self) -> tuple[str, str]:
        s = self.ctx.services.session
        return (s.identity.name, s.identity.id_number) if s is not None else ("", "")


class RecordPage(LiveRecordPage):
    """A record with rows (years or months): summary, a year/month choice, big paged rows, 打印."""

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        self.period = ""  # '' = all
        self.rows: list[StatementRow] = []
        self.row_widgets: list[QFrame] = []
        super().__init__(ctx, item, RECORD_ROUTES[item.code], "records")

    def build_content(self, host: QWidget) -> None:
        lay = QVBoxLayout(host)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        top = QHBoxLayout()
        top.setSpacing(20)
        self.summary = label("recordsSummary", "")
        top.addWidget(self.summary, 1)
        self.period_button = big_button("recordsPeriod", tr("personal_records.choose_period"))
        self.period_button.clicked.connect(self._choose_period)
        top.addWidget(self.period_button)
        lay.addLayout(top)
        self.scroll_area, self.rows_host = rows_scroll("records")
        lay.addWidget(self.scroll_area, 1)
        bar = QHBoxLayout()
        bar.setSpacing(20)
        self.pager = ScrollPager.with_buttons(self.scroll_area, "records", "personal_records")
        self.prev_button, self.next_button, self.page_label = self.pager.prev, self.pager.next, self.pager.page_label
        self.print_button = big_button("recordsPrint", tr("personal_records.print"), role="primary")
        self.print_button.clicked.connect(self.print_statement)
        self.pager.add_to(bar)
        bar.addStretch(1)
        bar.addWidget(read_aloud_button("recordsReadAloud"))
        bar.addWidget(self.print_button)
        lay.addLayout(bar)

    def show_record(self) -> None:
        data = self.record.data
        all_rows = statement_rows(self.kind, data)
        if self.period and self.period not in periods(self.kind, data):
            self.period = ""
        self.rows = filter_rows(all_rows, self.period)
        sep = tr("personal_records.summary_sep")
        as_of = tr("personal_records.as_of", time=_as_of(self.record.as_of, self.ctx.services.clock))
        summary = "\n".join(x for x in (sep.join(summary_lines(self.kind, data)), as_of) if x)
        self.summary.setText(summary)  # the record's state and when it was asked, beside the year/month choice
        self.summary.setAccessibleName(summary)
        by = PERIOD_OF_KIND.get(self.kind, "")
        if by:
            value = period_title(self.period) if self.period else tr(
                "personal_records.all_years" if by == "year" else "personal_records.all_months")
            text = tr("personal_records.choose_year" if by == "year" else "personal_records.choose_month", value=value)
            self.period_button.setText(text)
            self.period_button.setAccessibleName(text)
        self.period_button.setVisible(bool(by) and bool(all_rows))
        self._fill_page()

    def _fill_page(self) -> None:
        self.row_widgets = [self._row(i, row) for i, row in enumerate(self.rows)]
        self.pager.fill(self.rows_host, self.row_widgets, "recordsEmpty",
                        tr("personal_records.no_rows_in_period", period=period_title(self.period)))
        self.print_button.setEnabled(bool(self.rows))

    def _row(self, i: int, row: StatementRow) -> QFrame:
        """One year or month of the record: its title, its lines in one or two columns, a failed payment."""
        frame = QFrame()
        frame.setObjectName("cardPanel")
        frame.setAccessibleName(row.title)
        # landscape: the year/month on the left of its lines; portrait: above them (narrow screen)
        fl = QVBoxLayout(frame) if self._portrait else QHBoxLayout(frame)
        fl.setContentsMargins(24, 14, 24, 14)
        fl.setSpacing(8 if self._portrait else 24)
        title = label(f"recordsRowTitle_{i}", row.title, role="cardTitle", wrap=False)
        fl.addWidget(title)
        # landscape: short lines side by side in two columns (more rows per screen); long ones span both
        lines = QGridLayout()
        lines.setHorizontalSpacing(40)
        lines.setVerticalSpacing(6)
        columns = 1 if self._portrait else 2
        r = c = 0
        for j, line in enumerate(row.lines):
            wide = columns == 1 or len(line) > (SHORT_LINE_ELDERLY if self.ctx.window.elderly else SHORT_LINE)
            if wide and c:
                r, c = r + 1, 0
            lines.addWidget(label(f"recordsRowLine_{i}_{j}", line), r, c, 1, columns if wide else 1)
            r, c = (r + 1, 0) if wide or c + 1 >= columns else (r, c + 1)
        if row.failure:
            failure = label(f"recordsRowFailure_{i}", tr("personal_records.failed", reason=row.failure),
                            role="error")
            lines.addWidget(failure, r + (1 if c else 0), 0, 1, columns)
        for col in range(columns):
            lines.setColumnStretch(col, 1)
        fl.addLayout(lines, 1)
        return frame

    def _choose_period(self) -> None:
        if self.record is None:
            return
        by = PERIOD_OF_KIND.get(self.kind, "")
        all_label = tr("personal_records.all_years" if by == "year" else "personal_records.all_months")
        options = [("", all_label)] + [(p, period_title(p)) for p in periods(self.kind, self.record.data)]
        title = tr("personal_records.pick_year" if by == "year" else "personal_records.pick_month")
        pick(self.ctx.window, title, options, self._period_chosen, current=self.period)

    def _period_chosen(self, value: object) -> None:
        if not isValid(self) or self.record is None:
            return
        self.period = str(value)
        self.show_record()

    def print_statement(self) -> None:
        if self.record is None:
            return
        name, id_number = self._masked_person()
        record, period, settings, kind, title = self.record, self.period, self.ctx.settings, self.kind, self.item.name
        now = self.ctx.services.now
        self.ctx.print_document(lambda: record_statement_receipt(
            settings, title, kind, record.data, name=name, id_number=id_number, as_of=record.as_of, period=period,
            now=now()))

    def forget_content(self) -> None:
        self.rows = []
        self.period = ""
        self.pager.rows = []
        clear_layout(self.rows_host)
        self.row_widgets = []
        for w in (self.summary, self.page_label):
            w.setText("")
            w.setAccessibleName("")


class CertificatePage(LiveRecordPage):
    """《就业创业证》: number, status, issuing office; prints only when the platform says it is printable."""

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        self.value_labels: list[QWidget] = []
        super().__init__(ctx, item, "employment_certificate", "certificate")

    def build_content(self, host: QWidget) -> None:
        lay = QVBoxLayout(host)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(14)
        self.card = QFrame()
        self.card.setObjectName("cardPanel")
        self.card_lines = QVBoxLayout(self.card)
        self.card_lines.setContentsMargins(30, 20, 30, 20)
        self.card_lines.setSpacing(12)
        lay.addWidget(self.card)
        self.as_of = label("certAsOf", "", role="hint")
        lay.addWidget(self.as_of)
        self.printable_note = label("certPrintable", "", role="guidance")
        lay.addWidget(self.printable_note)
        lay.addStretch(1)
        bar, self.print_button = print_row("certPrint", tr("personal_records.cert_print"), self.print_certificate)
        bar.insertWidget(0, read_aloud_button("certReadAloud"))
        lay.addLayout(bar)

    def show_record(self) -> None:
        data = self.record.data
        clear_layout(self.card_lines)
        if not data.get("has_certificate", True):
            reason = str(data.get("not_printable_reason") or "")
            self._show_message(tr("personal_records.cert_none", reason=reason), retry=False)
            return
        for i, (k, v) in enumerate(certificate_lines(data)):
            line = label(f"certLine_{i}", f"{k}：{v}", role="cardTitle" if i == 0 else "")
            self.card_lines.addWidget(line)
            line.show()
        as_of = tr("personal_records.as_of", time=_as_of(self.record.as_of, self.ctx.services.clock))
        self.as_of.setText(as_of)
        self.as_of.setAccessibleName(as_of)
        printable = bool(data.get("printable"))
        if printable:
            note = tr("personal_records.cert_printable")
        else:
            reason = str(data.get("not_printable_reason") or tr("personal_records.cert_not_printable_default"))
            note = tr("personal_records.cert_not_printable", reason=reason)
        self.printable_note.setText(note)
        self.printable_note.setAccessibleName(note)
        self.printable_note.setProperty("role", "guidance" if printable else "error")
        self.printable_note.style().unpolish(self.printable_note)
        self.printable_note.style().polish(self.printable_note)
        self.print_button.setVisible(printable)

    def print_certificate(self) -> None:
        if self.record is None or not self.record.data.get("printable"):
            return
        name, id_number = self._masked_person()
        record, settings, now = self.record, self.ctx.settings, self.ctx.services.now
        self.ctx.print_document(lambda: certificate_receipt(settings, record.data, name=name, id_number=id_number,
                                                            as_of=record.as_of, now=now()))

    def forget_content(self) -> None:
        clear_layout(self.card_lines)
        for w in (self.as_of, self.printable_note):
            w.setText("")
            w.setAccessibleName("")
        self.print_button.hide()


def _reuse(ctx: UiContext, page_id: str, cls: type[LiveRecordPage]) -> LiveRecordPage | None:
    """The page already in the stack for this item, if any (opening an item twice reuses its page)."""
    try:
        page = ctx.window.page(page_id)
    except KeyError:
        return None
    return page if isinstance(page, cls) and isValid(page) else None


def record_page(ctx: UiContext, item: ServiceItem) -> Page:
    return _reuse(ctx, f"records_{item.id}", RecordPage) or RecordPage(ctx, item)


def certificate_page(ctx: UiContext, item: ServiceItem) -> Page:
    return _reuse(ctx, f"certificate_{item.id}", CertificatePage) or CertificatePage(ctx, item)


def register(router: Router) -> None:
    for code in RECORD_ROUTES:
        router.register(code, record_page)
    for code in CERTIFICATE_CODES:
        router.register(code, certificate_page)

