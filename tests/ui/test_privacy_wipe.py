"""Leaving safely: after a session times out, nothing personal remains in any widget or model.

The resident logs in with an ID card, types their phone on a form, opens a live pension record,
opens 我的办件 with a submitted case, browses jobs — then walks away. The idle warning counts down
and ends the session. Every widget's text, tooltip and accessible name, every item model's data,
and the services' memory are then searched for the person's name, ID number and phone.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QTextEdit, QWidget

from kiosk.session import Phase
from tests.helpers.forms_ui import Taps, fill_current_form, open_item
from tests.ui.conftest import login_with_id_card

PHONE = "13912345678"


def _texts_of_widget(w: QWidget) -> list[str]:
    out = [w.toolTip(), w.accessibleName(), w.accessibleDescription(), w.windowTitle()]
    if isinstance(w, QLabel | QAbstractButton | QLineEdit):
        out.append(w.text())
    if isinstance(w, QTextEdit):
        out.append(w.toPlainText())
    return out


def _texts_of_model(model: QAbstractItemModel) -> list[str]:
    out: list[str] = []

    def walk(parent: QModelIndex) -> None:
        for r in range(model.rowCount(parent)):
            for c in range(max(1, model.columnCount(parent))):
                idx = model.index(r, c, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                             Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.UserRole):
                    value = model.data(idx, role)
                    if value is not None:
                        out.append(str(value))
                if model.hasChildren(idx):
                    walk(idx)

    walk(QModelIndex())
    return out


def _in_demo_panel(w: QWidget) -> bool:
    """The presenter's panel lists the sample residents by design (demo mode only); it is not the session."""
    while w is not None:
        if w.objectName() == "demoPanel":
            return True
        w = w.parentWidget()
    return False


def everything_on_screen_and_in_models() -> str:
    texts: list[str] = []
    for top in QApplication.topLevelWidgets():
        for w in [top, *top.findChildren(QWidget)]:
            if not _in_demo_panel(w):
                texts += _texts_of_widget(w)
        for model in top.findChildren(QAbstractItemModel):
            texts += _texts_of_model(model)
    return "\n".join(t for t in texts if t)


def test_timeout_leaves_nothing_personal_behind(qtbot, world, monkeypatch) -> None:
    resident = login_with_id_card(qtbot, world, 0)
    name, id_number = resident.id_card.name, resident.id_card.id_number
    ui, taps = world.ui, Taps(qtbot, world)
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)

    # 1. a registration with the phone typed on the keypad, submitted and uploaded
    import tests.helpers.forms_ui as forms_ui

    plain_answer = forms_ui.valid_answer
    monkeypatch.setattr(forms_ui, "valid_answer",
                        lambda f, today: PHONE if f.kind.value == "phone" else plain_answer(f, today))
    open_item(qtbot, world, taps, "find_work", "1")
    qtbot.waitUntil(lambda: world.ui.window.current_page().state != "loading", timeout=5000)
    review = fill_current_form(qtbot, world, taps)
    assert review.state == "review" and PHONE[-4:] in everything_on_screen_and_in_models()
    taps.tap("formSubmit")
    qtbot.waitUntil(lambda: getattr(world.ui.window.current_page(), "state", "") == "done", timeout=5000)
    world.core.sync.run_once()

    # 2. a live personal record and 我的办件
    ui.router.open(world.core.catalogue.by_code("employee_pension_query"))
    qtbot.waitUntil(lambda: ui.overlay.kind != "busy", timeout=5000)
    ui.router.open(world.core.catalogue.by_code("my_cases"))
    qtbot.waitUntil(lambda: "固定工求职登记" in everything_on_screen_and_in_models(), timeout=5000)

    # 3. public job search while logged in
    ui.router.open(world.core.catalogue.by_code("fixed_job_search"))
    qtbot.wait(300)

    # The person's data really was in the kiosk's memory while they were here.
    outbox_payloads = str(world.core.database.outbox.get(
        world.core.database.cases.list_for_person(world.core.services.session.person_key)[0].key,
        with_payload=True).payload)
    assert PHONE in outbox_payloads and id_number in outbox_payloads

    # The resident walks away: the idle warning counts down, then the session ends by itself.
    watch = ui.watch
    start = watch.clock()
    watch.clock = lambda: start + world.core.settings.timeouts.idle_warning_s + 1_000
    watch.last_activity = start
    state = watch.tick()
    if state.phase is not Phase.EXPIRED:
        watch.clock = lambda: start + 10_000
        state = watch.tick()
    qtbot.waitUntil(lambda: ui.window.current_page().page_id == "attract", timeout=3000)
    qtbot.wait(200)  # let deleteLater() of the transient pages run

    assert world.core.services.session is None
    leftover = everything_on_screen_and_in_models()
    for secret, what in ((name, "name"), (id_number, "ID number"), (id_number[-6:], "ID number tail"),
                         (PHONE, "phone"), (resident.label, "masked name")):
        assert secret not in leftover, f"the resident's {what} is still on a widget or in a model"
    assert world.core.names.snapshot() == (), "the log filter's name list was not cleared"
