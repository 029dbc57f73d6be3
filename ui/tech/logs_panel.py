"""日志: the last masked log lines by level, and export to a mounted removable drive."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton

from kiosk.maintenance.logs import LEVELS, export_logs, removable_folders, tail_lines
from ui.picker import pick
from ui.tech.env import Panel, TechEnv
from ui.text import tr
from ui.widgets import big_button, label


class LogsPanel(Panel):
    """Last lines of kiosk.log (masked when written), filtered by level; export copies them to a drive."""

    tab = "logs"

    def __init__(self, env: TechEnv) -> None:
        super().__init__(env)
        self.level = "WARNING"
        top = QHBoxLayout()
        top.addWidget(label("techLogsHeading", tr("tech_logs.heading"), role="heading"), 1)
        self.export_button = big_button("techLogsExport", tr("tech_logs.export"), role="primary")
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.export_button)
        self.body.addLayout(top)
        levels = QHBoxLayout()
        levels.setSpacing(16)
        self.level_buttons: dict[str, QPushButton] = {}
        for lv in LEVELS:
            b = big_button(f"techLogsLevel_{lv}", tr(f"tech_logs.level_{lv}"))
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, v=lv: self.set_level(v))
            self.level_buttons[lv] = b
            levels.addWidget(b)
        self.refresh_button = big_button("techLogsRefresh", tr("tech_logs.refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        levels.addStretch(1)
        levels.addWidget(self.refresh_button)
        self.body.addLayout(levels)
        self.count = label("techLogsCount", "", role="hint")
        self.result = label("techLogsResult", "", role="guidance")
        self.result.hide()
        self.body.addWidget(self.result)
        self.body.addWidget(self.count)
        self.view = QPlainTextEdit()
        self.view.setObjectName("techLogView")
        self.view.setAccessibleName(tr("tech_logs.heading"))
        self.view.setReadOnly(True)
        self.view.setMinimumHeight(520)
        self.body.addWidget(self.view, 1)
        self.lines: list[str] = []
        self._mark()

    def _mark(self) -> None:
        for lv, b in self.level_buttons.items():
            b.setChecked(lv == self.level)
            b.setProperty("role", "primary" if lv == self.level else "")
            b.style().unpolish(b)
            b.style().polish(b)

    def set_level(self, level: str) -> None:
        self.level = level
        self._mark()
        self.refresh()

    def refresh(self) -> None:
        settings, level = self.env.core.settings, self.level
        self.run(lambda: tail_lines(settings, level), self._show, busy=None)

    def _show(self, lines: list[str]) -> None:
        self.lines = lines
        self.view.setPlainText("\n".join(lines) if lines else tr("tech_logs.empty"))
        self.view.verticalScrollBar().setValue(self.view.verticalScrollBar().maximum())
        self.count.setText(tr("tech_logs.count", count=len(lines)))

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.setAccessibleName(text)
        self.result.show()

    def export(self) -> None:
        roots = self.env.mount_roots
        self.run(lambda: removable_folders(roots), self._choose, busy=None)

    def _choose(self, folders: list[Path]) -> None:
        if not folders:
            self.env.ctx.overlay.failure(tr("tech_logs.no_drive"))
            return
        pick(self.env.ctx.window, tr("tech_logs.pick_drive"), [(str(f), str(f)) for f in folders],
             lambda chosen: self._export_to(Path(str(chosen))))

    def _export_to(self, target: Path) -> None:
        settings, now = self.env.core.settings, self.env.now()

        def done(folder: Path) -> None:
            self._say(tr("tech_logs.exported", folder=folder))
            self.env.audit("export_logs", {"target": str(target), "folder": folder.name})

        def failed(exc: BaseException) -> None:
            self._say(tr("tech_logs.export_failed", message=type(exc).__name__))
            self.env.audit("export_logs", {"target": str(target), "failed": type(exc).__name__})

        self.run(lambda: export_logs(settings, target, now), done, failed)
