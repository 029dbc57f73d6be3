"""问题反映: category (routed by the platform), description, suggestion, optional status snapshot; earlier reports."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QPlainTextEdit, QPushButton, QWidget

from kiosk import __version__
from kiosk.maintenance.fault_reports import (
    CATEGORIES,
    FaultReportForm,
    FaultReportInvalid,
    FaultReports,
    expected_route,
    snapshot,
)
from kiosk.maintenance.self_tests import own_health
from kiosk.maintenance.sync import SyncDiagnostics
from kiosk.platform import FaultReport, PlatformError
from ui.tech.env import Panel, TechEnv
from ui.text import tr
from ui.vkb import keep_private
from ui.widgets import big_button, label


class FaultsPanel(Panel):
    """The form and the list; a report goes into the outbox at once and is sent by the sync worker."""

    tab = "faults"

    def __init__(self, env: TechEnv) -> None:
        super().__init__(env)
        core = env.core
        self.reports = FaultReports(core.database, core.platform, kick=core.sync.kick)
        self.body.addWidget(label("techFaultsHeading", tr("tech_faults.heading"), role="heading"))
        self.body.addWidget(label("techFaultsHint", tr("tech_faults.hint"), role="hint"))
        self.body.addWidget(label("techFaultsCategoryLabel", tr("tech_faults.category"), role="cardTitle"))
        cats = QHBoxLayout()
        cats.setSpacing(16)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.category_buttons: dict[str, QPushButton] = {}
        for i, c in enumerate(CATEGORIES):
            text = tr("tech_faults.category_choice", category=c, route=expected_route(c))
            b = big_button(f"techFaultCategory_{i}", text)
            b.setCheckable(True)
            b.toggled.connect(lambda _on=False, btn=b: self._mark(btn))
            self.group.addButton(b)
            self.category_buttons[c] = b
            cats.addWidget(b)
        self.body.addLayout(cats)
        form = QGridLayout()
        form.setVerticalSpacing(12)
        self.description = self._text("techFaultDescription", "description")
        self.suggestion = self._text("techFaultSuggestion", "suggestion")
        form.addWidget(label("techFaultDescriptionLabel", tr("tech_faults.description"), wrap=False), 0, 0)
        form.addWidget(self.description, 0, 1)
        form.addWidget(label("techFaultSuggestionLabel", tr("tech_faults.suggestion"), wrap=False), 1, 0)
        form.addWidget(self.suggestion, 1, 1)
        form.setColumnStretch(1, 1)
        self.body.addLayout(form)
        self.keyboard = self._keyboard()
        if self.keyboard is not None:
            self.body.addWidget(self.keyboard)
        row = QHBoxLayout()
        self.snapshot_button = big_button("techFaultSnapshot", tr("tech_faults.snapshot_on"))
        self.snapshot_button.setCheckable(True)
        self.snapshot_button.setChecked(True)
        self.snapshot_button.toggled.connect(self._snapshot_text)
        self.submit_button = big_button("techFaultSubmit", tr("tech_faults.submit"), role="primary")
        self.submit_button.clicked.connect(self.submit)
        row.addWidget(self.snapshot_button)
        row.addStretch(1)
        row.addWidget(self.submit_button)
        self.body.addLayout(row)
        self.result = label("techFaultResult", "", role="guidance")
        self.result.hide()
        self.body.addWidget(self.result)
        self.add_heading_with_refresh("techFaultListHeading", tr("tech_faults.list_heading"),
                                      "techFaultRefresh", tr("tech_faults.refresh"), role="cardTitle")
        self.list = label("techFaultList", tr("tech_faults.list_empty"))
        self.body.addWidget(self.list)
        self.body.addStretch(1)
        self.remote: tuple[FaultReport, ...] = ()

    def _text(self, name: str, key: str) -> QPlainTextEdit:
        w = QPlainTextEdit()
        w.setObjectName(name)
        w.setAccessibleName(tr(f"tech_faults.{key}"))
        w.setPlaceholderText(tr(f"tech_faults.{key}_placeholder"))
        w.setFixedHeight(150)
        keep_private(w)  # a fault description may name a resident: the keyboard learns nothing from it
        return w

    @staticmethod
    def _keyboard() -> QWidget | None:
        from ui.vkb import VirtualKeyboard, keyboard_available

        return VirtualKeyboard() if keyboard_available() else None

    def _mark(self, button: QPushButton) -> None:
        button.setProperty("role", "primary" if button.isChecked() else "")
        button.style().unpolish(button)
        button.style().polish(button)

    def _snapshot_text(self, on: bool) -> None:
        text = tr("tech_faults.snapshot_on") if on else tr("tech_faults.snapshot_off")
        self.snapshot_button.setText(text)
        self.snapshot_button.setAccessibleName(text)

    def category(self) -> str:
        for c, b in self.category_buttons.items():
            if b.isChecked():
                return c
        return ""

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.setAccessibleName(text)
        self.result.show()

    def submit(self) -> None:
        form = FaultReportForm(self.category(), self.description.toPlainText(), self.suggestion.toPlainText(),
                               include_snapshot=self.snapshot_button.isChecked())
        try:
            checked = form.checked()
        except FaultReportInvalid as exc:
            self._say(tr("tech_faults.invalid", message=exc.message))
            return
        core, who = self.env.core, self.env.who

        def work() -> Any:
            snap = None
            if checked.include_snapshot:
                sync = SyncDiagnostics(core.settings, core.database, core.sync).snapshot().to_json()
                health = own_health(core.devices).values() if core.devices is not None else ()
                snap = snapshot(health, sync, app_version=__version__, reporter=who)
            return self.reports.queue(checked, snap)

        def done(item: Any) -> None:
            self._say(tr("tech_faults.queued", category=checked.category, route=expected_route(checked.category)))
            self.env.audit("fault_report", {"key": item.key, "category": checked.category})
            self.description.clear()
            self.suggestion.clear()
            self.group.setExclusive(False)
            for b in self.category_buttons.values():
                b.setChecked(False)
            self.group.setExclusive(True)
            self.refresh()

        self.run(work, done)

    def refresh(self) -> None:
        reports = self.reports

        def work() -> tuple[list[Any], tuple[FaultReport, ...] | None]:
            local = reports.local()
            try:
                remote: tuple[FaultReport, ...] | None = reports.remote()
            except PlatformError:
                remote = None
            return local, remote

        self.run(work, self._show, busy=None)

    def _show(self, result: tuple[list[Any], tuple[FaultReport, ...] | None]) -> None:
        local, remote = result
        self.remote = remote or ()
        lines = [tr("tech_faults.row_pending", title=r.title, when=self.env.core.clock.local(r.submitted_at).strftime("%m-%d %H:%M"))
                 for r in local if not r.uploaded]
        for r in self.remote:
            lines.append(tr("tech_faults.row_sent", report_no=r.report_no, category=r.category, routed_to=r.routed_to,
                            status=tr(f"tech_faults.status_{r.status}"), when=r.created_at[:16].replace("T", " ")))
            if r.response and r.answered_by:
                lines.append(tr("tech_faults.row_answer_by", answered_by=r.answered_by, response=r.response,
                                deadline=r.deadline or "—"))
            elif r.response:
                lines.append(tr("tech_faults.row_answer", response=r.response, deadline=r.deadline or "—"))
            elif r.level:  # unanswered, from a platform that says where it is
                key = "tech_faults.row_level_overdue" if r.overdue else "tech_faults.row_level"
                due = r.due_at[:16].replace("T", " ") if r.due_at else "—"
                lines.append(tr(key, level=r.level, due=due)
                             + (tr("tech_faults.row_escalated") if r.escalated else ""))
        if remote is None:
            lines.append(tr("tech_faults.offline"))
        text = "\n".join(lines) or tr("tech_faults.list_empty")
        self.list.setText(text)
        self.list.setAccessibleName(text)
