"""我的办件: the resident's cases by review status and month; withdraw after confirming; resubmit a rejected one;
print the list shown (the catalogue says 可打印)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from kiosk.catalogue import ServiceItem
from kiosk.forms import prefill_from_payload
from kiosk.receipts.cases import my_cases_receipt
from kiosk.services import NotLoggedIn
from kiosk.values import CaseStatus, CaseView
from ui.context import UiContext, plain_message
from ui.flows.forms import open_form
from ui.flows.page_parts import PersonalPage, ScrollPager, buttons_row, clear_layout, rows_scroll
from ui.pages.base import Page
from ui.picker import pick
from ui.router import Router
from ui.text import tr
from ui.widgets import big_button, label

log = logging.getLogger(__name__)

# Tabs in the order a resident reads them: (status value or "" for all, label).
TABS: tuple[tuple[str, str], ...] = (
    ("", "personal_cases.tab_all"),
    (CaseStatus.AWAITING_UPLOAD.value, ""),
    (CaseStatus.PENDING.value, ""),
    (CaseStatus.APPROVED.value, ""),
    (CaseStatus.REJECTED.value, ""),
    (CaseStatus.WITHDRAWN.value, ""),
)
MONTHS_BACK = 12


def tab_label(status: str) -> str:
    return CaseStatus(status).label if status else tr("personal_cases.tab_all")


def last_months(today: date, n: int = MONTHS_BACK) -> list[str]:
    """This month and the n-1 before it, newest first, as 'YYYY-MM'."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out


def month_label(month: str) -> str:
    if not month:
        return tr("personal_cases.all_months")
    y, m = month.split("-")
    return tr("personal_cases.month", year=int(y), month=int(m))


class CasesPage(PersonalPage):
    """The list, filtered by a status tab and a month; each case shows its status, reason and actions."""

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        super().__init__(ctx, item, "cases", names="cases", heading=item.name or tr("personal_cases.title"))
        self.status = ""
        self.month = ""
        self.cases: list[CaseView] = []
        self.row_widgets: list[QFrame] = []
        self._pending_withdraw: CaseView | None = None
        self.loads = 0  # answers shown so far (tests and tours wait on it)

        # the list
        self.list_view = QWidget()
        self.list_view.setObjectName("casesList")
        ll = QVBoxLayout(self.list_view)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.setSpacing(12)
        self.tabs_grid = QGridLayout()
        self.tabs_grid.setSpacing(14)
        self.tabs: dict[str, QPushButton] = {}
        for status, _key in TABS:
            b = big_button(f"casesTab_{status or 'all'}", tab_label(status))
            b.clicked.connect(lambda _=False, s=status: self.set_status(s))
            self.tabs[status] = b
        ll.addLayout(self.tabs_grid)
        self.month_button = big_button("casesMonth", tr("personal_cases.pick_month"))
        self.month_button.clicked.connect(self._choose_month)
        self.notice = label("casesNotice", "", role="hint")
        self.notice.hide()
        ll.addWidget(self.notice)
        self.scroll_area, self.rows_host = rows_scroll("cases")
        ll.addWidget(self.scroll_area, 1)
        bar = QHBoxLayout()  # the month choice sits with the page buttons: the list keeps the height
        bar.setSpacing(20)
        bar.addWidget(self.month_button)
        bar.addSpacing(20)
        self.pager = ScrollPager.with_buttons(self.scroll_area, "cases", "personal_cases")
        self.prev_button, self.next_button, self.page_label = self.pager.prev, self.pager.next, self.pager.page_label
        self.pager.add_to(bar)
        bar.addStretch(1)
        # the catalogue says 可打印: the list as shown (this tab and month), the identity masked on paper
        self.print_button = big_button("casesPrint", tr("personal_cases.print"), role="primary")
        self.print_button.clicked.connect(self.print_list)
        self.print_button.setEnabled(False)
        bar.addWidget(self.print_button)
        # portrait has no room for the month, the pager and 打印 in one row: 打印 gets a row above it
        self.print_row = QHBoxLayout()
        self.print_row.addStretch(1)
        self.bar = bar
        ll.addLayout(self.print_row)
        ll.addLayout(bar)
        self.states.addWidget(self.list_view)

        # the withdrawal confirmation
        self.confirm_view = QWidget()
        self.confirm_view.setObjectName("withdrawConfirm")
        cl = QVBoxLayout(self.confirm_view)
        cl.setSpacing(30)
        cl.addStretch(1)
        self.confirm_question = label("withdrawQuestion", tr("personal_cases.confirm_question"), role="guidance")
        self.confirm_case = label("withdrawCase", "", role="heading")
        cl.addWidget(self.confirm_question)
        cl.addWidget(self.confirm_case)
        self.confirm_yes = big_button("withdrawYes", tr("personal_cases.confirm_yes"), role="danger")
        self.confirm_no = big_button("withdrawNo", tr("personal_cases.confirm_no"), role="primary")
        self.confirm_yes.clicked.connect(self._withdraw_confirmed)
        self.confirm_no.clicked.connect(self._withdraw_cancelled)
        cl.addLayout(buttons_row(40, self.confirm_no, self.confirm_yes))
        cl.addStretch(2)
        self.states.addWidget(self.confirm_view)

        ctx.window.elderly_changed.connect(self._mode_changed)
        self._place_tabs()
        self._mark_filters()

    # ---- layout ----
    def _place_tabs(self) -> None:
        cols = 3 if self._portrait else 6
        for b in self.tabs.values():
            self.tabs_grid.removeWidget(b)
        for i, (status, _key) in enumerate(TABS):
            self.tabs_grid.addWidget(self.tabs[status], i // cols, i % cols)

    def _mark_filters(self) -> None:
        for status, b in self.tabs.items():
            chosen = status == self.status
            text = tab_label(status)
            b.setText(f"✔ {text}" if chosen else text)
            b.setAccessibleName(text)
            b.setProperty("role", "primary" if chosen else "")
            b.style().unpolish(b)
            b.style().polish(b)
        text = tr("personal_cases.choose_month", value=month_label(self.month))
        self.month_button.setText(text)
        self.month_button.setAccessibleName(text)

    def _mode_changed(self, _elderly: bool) -> None:
        if isValid(self):
            self._place_tabs()
            self._fill_page()

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self.bar.removeWidget(self.print_button)
        self.print_row.removeWidget(self.print_button)
        (self.print_row if portrait else self.bar).addWidget(self.print_button)
        self._place_tabs()
        self._fill_page()

    # ---- loading ----
    def on_enter(self) -> None:
        self.states.setCurrentWidget(self.list_view)
        self.reload()

    def reload(self, *, quiet: bool = False) -> None:
        """Ask for the list again (quiet: no 请稍候 panel, e.g. while a success message shows)."""
        services = self.ctx.services
        if services.session is None:
            return
        month, status = self.month or None, self.status or None
        self.ctx.run(lambda: services.my_cases(month=month, status=status), self._guard(self._loaded),
                     self._guard(self._failed), busy=None if quiet else tr("personal_cases.loading"))

    def _loaded(self, cases: list[CaseView]) -> None:
        self.loads += 1
        self.cases = list(cases)
        session = self.ctx.services.session
        offline = session is not None and not session.online
        self.notice.setText(tr("personal_cases.not_online_note") if offline else "")
        self.notice.setAccessibleName(self.notice.text())
        self.notice.setVisible(offline)
        self._fill_page()
        self.print_button.setEnabled(bool(self.cases))

    def print_list(self) -> None:
        """Print the cases shown now: title, status, number, time, a rejection's reason; name and ID masked."""
        session = self.ctx.services.session
        if session is None or not self.cases:
            return
        cases, settings, now = list(self.cases), self.ctx.settings, self.ctx.services.now
        name, id_number = session.identity.name, session.identity.id_number
        scope = tr("personal_cases.print_scope", status=tab_label(self.status), month=month_label(self.month))
        self.ctx.print_document(lambda: my_cases_receipt(
            settings, cases, name=name, id_number=id_number, scope=scope, number_of=case_number, now=now()))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, NotLoggedIn):
            return
        self.ctx.overlay.failure(plain_message(exc))

    def set_status(self, status: str) -> None:
        self.status = status
        self._mark_filters()
        self.reload()

    def _choose_month(self) -> None:
        options = [("", tr("personal_cases.all_months"))]
        options += [(m, month_label(m)) for m in last_months(self.ctx.services.today())]
        pick(self.ctx.window, tr("personal_cases.pick_month"), options, self._month_chosen, current=self.month)

    def _month_chosen(self, value: object) -> None:
        if not isValid(self):
            return
        self.month = str(value)
        self._mark_filters()
        self.reload()

    # ---- rows ----
    def _fill_page(self) -> None:
        if self.status or self.month:
            empty = tr("personal_cases.empty_filtered", month=month_label(self.month), status=tab_label(self.status))
        else:
            empty = tr("personal_cases.empty")
        self.row_widgets = []
        self.pager.fill(self.rows_host, [self._row(i, case) for i, case in enumerate(self.cases)], "casesEmpty", empty)

    def _row(self, i: int, case: CaseView) -> QFrame:
        frame = QFrame()
        frame.setObjectName("cardPanel")
        frame.setAccessibleName(case.title)
        fl = QHBoxLayout(frame)
        fl.setContentsMargins(24, 14, 24, 14)
        fl.setSpacing(24)
        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(label(f"casesRowTitle_{i}", case.title, role="cardTitle"))
        status = label(f"casesRowStatus_{i}", tr("personal_cases.status", status=case.status_label),
                       role="error" if case.status is CaseStatus.REJECTED else "guidance")
        text.addWidget(status)
        when = self.ctx.services.clock.local(case.submitted_at)
        line = tr("personal_cases.submitted", time=f"{when:%Y-%m-%d %H:%M}")
        number = case_number(case)
        if number:
            line += tr("personal_cases.sep") + tr("personal_cases.number", number=number)
        text.addWidget(label(f"casesRowTime_{i}", line))
        if case.status is CaseStatus.REJECTED and case.reason:
            text.addWidget(label(f"casesRowReason_{i}", tr("personal_cases.reason", reason=case.reason), role="error"))
        fl.addLayout(text, 1)
        actions = QVBoxLayout()
        actions.setSpacing(14)
        if case.can_withdraw:
            b = big_button(f"casesWithdraw_{i}", tr("personal_cases.withdraw"), role="danger")
            b.clicked.connect(lambda _=False, c=case: self.ask_withdraw(c))
            actions.addWidget(b)
        if case.status is CaseStatus.REJECTED and case.key:
            b = big_button(f"casesResubmit_{i}", tr("personal_cases.resubmit"), role="primary")
            b.clicked.connect(lambda _=False, c=case: self.resubmit(c))
            actions.addWidget(b)
        actions.addStretch(1)
        fl.addLayout(actions)
        self.row_widgets.append(frame)
        return frame

    # ---- withdraw ----
    def ask_withdraw(self, case: CaseView) -> None:
        self._pending_withdraw = case
        self.confirm_case.setText(case.title)
        self.confirm_case.setAccessibleName(case.title)
        self.states.setCurrentWidget(self.confirm_view)
        self.confirm_no.setFocus()

    def _withdraw_cancelled(self) -> None:
        self._pending_withdraw = None
        self.states.setCurrentWidget(self.list_view)

    def _withdraw_confirmed(self) -> None:
        case, self._pending_withdraw = self._pending_withdraw, None
        self.states.setCurrentWidget(self.list_view)
        if case is None:
            return
        services = self.ctx.services

        def done(message: str) -> None:
            self.ctx.overlay.success(message)
            self.reload(quiet=True)

        self.ctx.run(lambda: services.withdraw(case), self._guard(done), self._guard(self._failed))

    # ---- resubmit ----
    def resubmit(self, case: CaseView) -> None:
        services = self.ctx.services
        self.ctx.run(lambda: services.case_payload(case),
                     self._guard(lambda answers: self._open_form(case, answers)), self._guard(self._failed))

    def _open_form(self, case: CaseView, payload: dict[str, Any]) -> None:
        """Open the item's form with the case's answers (the stored payload turned back into field answers)."""
        definitions = self.ctx.forms
        item = item_for_case(self.ctx, case.kind, payload)
        if item is None or item.id not in definitions:
            ids = [i for i, d in definitions.items() if d.kind == case.kind]
            item = _catalogue_item(self.ctx, ids[0]) if ids else None
        if item is None:
            log.warning("resubmission of a %s case: no form for it", case.kind)
            self.ctx.overlay.failure(tr("personal_cases.resubmit_unavailable"))
            return
        open_form(self.ctx, item, prefill=prefill_from_payload(definitions[item.id], payload))

    # ---- Page ----
    def clear_personal(self) -> None:
        self._generation += 1
        self.cases = []
        self.print_button.setEnabled(False)
        self._pending_withdraw = None
        self.confirm_case.setText("")
        self.status = ""
        self.month = ""
        clear_layout(self.rows_host)
        self.row_widgets = []
        self.states.setCurrentWidget(self.list_view)


def _local_no(key: str) -> str:
    from kiosk.services import local_case_no

    return local_case_no(key)


def case_number(case: CaseView) -> str:
    """The platform's case number, else the kiosk's own (a case not yet uploaded), else nothing."""
    return case.case_no or (_local_no(case.key) if case.key else "")


def item_for_case(ctx: UiContext, kind: str, answers: dict[str, Any]) -> ServiceItem | None:
    """The catalogue item a case was submitted from (the variant from its answers, e.g. job_type fixed/gig)."""
    variant = answers.get("job_type")
    for v in ([str(variant)] if isinstance(variant, str) else []) + [None]:
        try:
            return ctx.catalogue.by_code(kind, v)
        except KeyError:
            continue
    matches = [i for i in ctx.catalogue if i.code == kind]
    return matches[0] if matches else None


def _catalogue_item(ctx: UiContext, item_id: str) -> ServiceItem | None:
    try:
        return ctx.catalogue.item(item_id)
    except KeyError:
        return None


def cases_page(ctx: UiContext, item: ServiceItem) -> Page:
    try:
        page = ctx.window.page(f"cases_{item.id}")
    except KeyError:
        return CasesPage(ctx, item)
    return page if isinstance(page, CasesPage) and isValid(page) else CasesPage(ctx, item)


def register(router: Router) -> None:
    router.register("my_cases", cases_page)
