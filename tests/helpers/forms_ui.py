"""Driving the register-and-apply forms in UI tests: click by objectName, count taps, read the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from devices.base import DeviceKind, IdentityRead
from sandbox.rules import check_payload, id_check_digit


class Taps:
    """Counts every click a resident makes (keypad digits are counted apart)."""

    def __init__(self, qtbot: Any, world: Any) -> None:
        self.qtbot = qtbot
        self.world = world
        self.count = 0
        self.digits = 0

    @property
    def window(self) -> QWidget:
        return self.world.ui.window

    def find(self, name: str, cls: type = QPushButton) -> Any:
        """The visible widget with this objectName (waits for it)."""
        found: list[Any] = []

        def visible() -> bool:
            found[:] = [w for w in self.window.findChildren(cls, name) if w.isVisible()]
            return bool(found)

        self.qtbot.waitUntil(visible, timeout=5000)
        return found[0]

    def tap(self, name: str) -> QPushButton:
        b = self.find(name)
        self.qtbot.waitUntil(b.isEnabled, timeout=3000)
        self.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
        self.count += 1
        return b

    def keypad(self, field_id: str, digits: str) -> None:
        """Type on a form's keypad, key by key (not counted as taps)."""
        for ch in digits:
            b = self.find(f"keypad_{field_id}_{ch}")
            self.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
            self.digits += 1

    def pick_option(self, field_id: str, label: str) -> None:
        """Tap the option with this label (inline buttons or the paged picker)."""
        for b in self.window.findChildren(QPushButton):
            if b.isVisible() and b.objectName().startswith(f"formOption_{field_id}_") and b.accessibleName() == label:
                self.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
                self.count += 1
                return
        self.tap(f"formChange_{field_id}")
        panel = self.window.findChild(QWidget, "choicePanel")
        for _ in range(10):
            b = panel.option_button(label)
            if b is not None:
                self.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
                self.count += 1
                return
            self.qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)
        raise AssertionError(f"no option {label}")


def form_page(world: Any) -> Any:
    page = world.ui.window.current_page()
    assert page.page_id.startswith("form_"), page.page_id
    return page


def wait_state(qtbot: Any, world: Any, state: str, timeout: int = 5000) -> Any:
    qtbot.waitUntil(lambda: getattr(world.ui.window.current_page(), "state", "") == state, timeout=timeout)
    return world.ui.window.current_page()


def open_item(qtbot: Any, world: Any, taps: Taps, group_slug: str, item_id: str) -> Any:
    taps.tap(f"homeGroup_{group_slug}")
    taps.tap(f"item_{item_id}")
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == f"form_{item_id}", timeout=3000)
    return world.ui.window.current_page()


def outbox_items(world: Any, kind: str | None = None) -> list[Any]:
    """Queued/any outbox items (with decrypted payloads) of the kiosk's database."""
    from sqlalchemy import text

    db = world.core.database
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT key FROM outbox ORDER BY created_at")).all()
    items = [db.outbox.get(r[0], with_payload=True) for r in rows]
    return [i for i in items if kind is None or i.kind == kind]


def assert_platform_rules(item: Any) -> None:
    """The stored body passes the sandbox's payload rules (what the platform enforces)."""
    check_payload(item.kind, dict(item.payload["payload"]))


def id_number_for(birth: date, serial: str = "123") -> str:
    """A valid fake resident ID number (天镇县 140222) born on `birth`; odd serial → male."""
    first17 = f"140222{birth:%Y%m%d}{serial}"
    return first17 + id_check_digit(first17)


def person_born(world: Any, birth: date, *, name: str = "测试人", gender: str = "男", serial: str = "123") -> IdentityRead:
    """A modified ID card read: demo resident 0's card with another person's birth date, number and name."""
    base = world.residents[0].id_card
    return replace(base, id_number=id_number_for(birth, serial), name=name, gender=gender, birth_date=birth)


def login_identity(qtbot: Any, world: Any, identity: IdentityRead) -> None:
    world.sim(DeviceKind.ID_CARD).place(identity)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "home"
                    and world.core.services.session is not None, timeout=5000)


def dead_platform(world: Any) -> None:
    """Point the kiosk's platform client at a port nobody listens on (127.0.0.1 only)."""
    from tests.helpers.ports import dead_url

    world.core.platform.base_url = dead_url()


def valid_answer(f: Any, today: date) -> str:
    """Keypad digits a resident would type for a field (valid for its rules)."""
    from datetime import timedelta

    kind = f.kind.value
    if kind == "phone":
        return "13700000000"
    if kind == "date":
        lo = today + timedelta(days=f.min_days) if f.min_days is not None else today - timedelta(days=400)
        hi = today + timedelta(days=f.max_days) if f.max_days is not None else today + timedelta(days=400)
        d = min(max(today - timedelta(days=20), lo), hi)
        if f.not_before:
            d = max(d, today + timedelta(days=3))
            d = min(d, hi)
        return f"{d:%Y%m%d}"
    if kind in ("amount", "number"):
        return str(max(f.min or 1, min(200, f.max or 200)))
    return "12345678"


def fill_current_form(qtbot: Any, world: Any, taps: Taps) -> Any:
    """Answer every screen of the open form with the first option / a valid value, up to the review."""
    today = world.core.services.today()
    for _ in range(40):
        page = form_page(world)
        state = page.state
        if state == "review":
            return page
        if state == "confirm":
            taps.tap("formConfirmToggle")
            taps.tap("formConfirmContinue")
            continue
        if state == "formEligible":
            taps.tap("formEligibleStart")
            continue
        if state == "formIntro":
            taps.tap("formIntroStart")
            continue
        assert state.startswith("step:"), state
        fid = state[5:]
        f = page.form.field(fid)
        step = page.steps[fid]
        if f.kind.value in ("choice", "code"):
            if step.value is not None and not step.option_buttons:
                taps.tap(f"formNext_{fid}")
            else:
                taps.pick_option(fid, step.options[0].label)
        elif f.kind.value == "photo":  # the kiosk's camera (the simulator in UI tests)
            if step.value is None:
                taps.tap(f"formPhotoTake_{fid}")
            taps.tap(f"formPhotoUse_{fid}")
        elif step.keypad is not None:
            if step.value in (None, ""):
                taps.keypad(fid, valid_answer(f, today))
            taps.tap(f"formNext_{fid}")
        else:
            step.edit.setText("天镇县测试单位")
            taps.tap(f"formNext_{fid}")
        qtbot.waitUntil(lambda s=state: form_page(world).state != s, timeout=3000)
    raise AssertionError("the form did not reach its review")
