"""配置: the effective settings with secrets hidden; the few a technician may change, validated, applied on restart."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton

from kiosk.maintenance.overrides import (
    EDITABLE,
    Editable,
    current_value,
    flatten,
    printer_profiles,
    read_overrides,
    save_overrides,
)
from kiosk.settings import ConfigError
from ui.picker import pick
from ui.tech.env import Panel, TechEnv
from ui.text import tr
from ui.vkb import keep_private
from ui.widgets import big_button, label


class ConfigPanel(Panel):
    """Read-only listing of Settings.redacted(); a small form for printer, device addresses and timeouts."""

    tab = "config"

    def __init__(self, env: TechEnv) -> None:
        super().__init__(env)
        self.body.addWidget(label("techConfigHeading", tr("tech_config.heading"), role="heading"))
        self.note = label("techConfigNote", tr("tech_config.note"), role="guidance")
        self.body.addWidget(self.note)
        self.body.addWidget(label("techConfigEditableHeading", tr("tech_config.editable"), role="cardTitle"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(12)
        self.fields: dict[tuple[str, str], QLineEdit | QPushButton] = {}
        self._values: dict[tuple[str, str], Any] = {}
        for row, e in enumerate(EDITABLE):
            name = f"{e.section}_{e.key}"
            grid.addWidget(label(f"techCfgLabel_{name}", tr(f"tech_config.{name}"), wrap=False), row, 0)
            w: QLineEdit | QPushButton
            if e.kind == "profile":
                w = pick = big_button(f"techCfg_{name}", tr(f"tech_config.{name}"))
                pick.clicked.connect(self._pick_profile)
            else:
                w = QLineEdit()
                w.setObjectName(f"techCfg_{name}")
                w.setAccessibleName(tr(f"tech_config.{name}"))
                w.setMinimumHeight(96)  # ≥ the 长辈模式 target size
                keep_private(w)
            self.fields[(e.section, e.key)] = w
            grid.addWidget(w, row, 1)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)
        from ui.vkb import VirtualKeyboard, keyboard_available

        self.keyboard = VirtualKeyboard() if keyboard_available() else None
        if self.keyboard is not None:
            self.body.addWidget(self.keyboard)
        actions = QHBoxLayout()
        self.save_button = big_button("techConfigSave", tr("tech_config.save"), role="primary")
        self.save_button.clicked.connect(self.save)
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        self.body.addLayout(actions)
        self.result = label("techConfigResult", "", role="guidance")
        self.result.hide()
        self.body.addWidget(self.result)
        self.body.addWidget(label("techConfigEffectiveHeading", tr("tech_config.effective"), role="cardTitle"))
        self.effective = QPlainTextEdit()
        self.effective.setObjectName("techConfigEffective")
        self.effective.setAccessibleName(tr("tech_config.effective"))
        self.effective.setReadOnly(True)
        self.effective.setProperty("verbatim", True)  # the settings file's own text, keys as the file writes them
        self.effective.setMinimumHeight(500)
        self.body.addWidget(self.effective)

    def refresh(self) -> None:
        settings = self.env.core.settings
        self.effective.setPlainText("\n".join(f"{k} = {v}" for k, v in flatten(settings.redacted())))
        overrides = read_overrides(settings)
        for e in EDITABLE:
            value = overrides.get(e.section, {}).get(e.key, current_value(settings, e))
            self._values[(e.section, e.key)] = value
            self._show_value(e, value)

    def _show_value(self, e: Editable, value: Any) -> None:
        w = self.fields[(e.section, e.key)]
        if isinstance(w, QPushButton):  # a printer profile: its Chinese description shown, its name kept
            text = dict(printer_profiles()).get(str(value), str(value))
            w.setProperty("value", str(value))
            w.setText(text)
            w.setAccessibleName(f"{tr('tech_config.devices_printer_profile')}：{text}")
        else:
            w.setText(str(value))

    def _field_text(self, e: Editable) -> str:
        w = self.fields[(e.section, e.key)]
        return str(w.property("value")) if isinstance(w, QPushButton) else w.text()

    def _pick_profile(self) -> None:
        e = EDITABLE[0]
        pick(self.env.ctx.window, tr("tech_config.pick_profile"), list(printer_profiles()),
             lambda v: self._show_value(e, v), current=self._field_text(e), columns=2)

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.setAccessibleName(text)
        self.result.show()

    def changes(self) -> dict[str, dict[str, Any]]:
        """Fields that differ from what is in force (or already saved); ConfigError for a non-number."""
        out: dict[str, dict[str, Any]] = {}
        for e in EDITABLE:
            text = self._field_text(e).strip()
            value: Any = text
            if e.kind in ("int", "float"):
                try:
                    value = int(text) if e.kind == "int" else float(text)
                except ValueError as exc:
                    raise ConfigError(tr("tech_config.not_number", key=tr(f"tech_config.{e.section}_{e.key}"))) from exc
            if value != self._values.get((e.section, e.key)):
                out.setdefault(e.section, {})[e.key] = value
        return out

    def save(self) -> None:
        try:
            changes = self.changes()
        except ConfigError as exc:
            self._say(tr("tech_config.invalid", message=exc.args[0]))
            return
        if not changes:
            self._say(tr("tech_config.nothing"))
            return
        settings, who, now = self.env.core.settings, self.env.who, self.env.now()

        def done(path) -> None:  # noqa: ANN001
            self._say(tr("tech_config.saved", path=path))
            self.env.audit("config_change", {"changes": changes})
            self.refresh()

        def failed(exc: BaseException) -> None:
            message = exc.args[0] if isinstance(exc, ConfigError) and exc.args else type(exc).__name__
            self._say(tr("tech_config.invalid", message=message))

        self.run(lambda: save_overrides(settings, changes, actor=who, now=now), done, failed)
