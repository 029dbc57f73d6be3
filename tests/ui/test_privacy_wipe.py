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
    # Not only widgets: no core service object or UI page object keeps the person either.
    gone = personal_data_reachable_from({"core": world.core, "ui": ui},
                                        {"name": name, "ID number": id_number, "phone": PHONE})
    assert gone == [], "\n".join(gone[:20])


def _is_physical_card(obj: object) -> bool:
    """A simulator's card object is the card itself lying on the reader, not the kiosk's memory of it."""
    return type(obj).__name__ in ("CardModel", "CardProfile", "DemoResident")


def personal_data_reachable_from(roots: dict[str, object], secrets: dict[str, str],
                                 max_objects: int = 400_000) -> list[str]:
    """Walk attributes, containers and closures from `roots`; the paths of strings holding any secret."""
    import types

    found: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[str, object]] = list(roots.items())
    skip_types = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, int, float, bool,
                  bytes, type(None))
    while stack and len(seen) < max_objects:
        path, obj = stack.pop()
        if id(obj) in seen or isinstance(obj, skip_types) or _is_physical_card(obj):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            found += [f"{path} holds the {what}" for what, s in secrets.items() if s in obj]
            continue
        children: list[tuple[str, object]] = []
        if isinstance(obj, dict):
            children = [(f"{path}[{k!r}]", v) for k, v in obj.items()] + [(f"{path}.key", k) for k in obj]
        elif isinstance(obj, list | tuple | set | frozenset):
            children = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
        elif isinstance(obj, types.MethodType):
            children = [(f"{path}.__self__", obj.__self__)]
        else:
            attrs = getattr(obj, "__dict__", None)
            if isinstance(attrs, dict):
                children = [(f"{path}.{k}", v) for k, v in attrs.items()]
            for slot in getattr(type(obj), "__slots__", ()):
                if hasattr(obj, slot):
                    children.append((f"{path}.{slot}", getattr(obj, slot)))
            if hasattr(type(obj), "__dataclass_fields__"):
                children += [(f"{path}.{f}", getattr(obj, f, None)) for f in type(obj).__dataclass_fields__]
        stack.extend(children)
    return found


def test_the_last_social_security_card_resident_is_forgotten_at_logout(qtbot, world) -> None:
    """A card login with the card PIN given, then logout: no service object still holds the person."""
    resident = world.residents[0]
    services = world.core.services
    from devices.base import DeviceKind

    sim = world.sim(DeviceKind.SS_CARD)
    sim.insert(resident.ss_card)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: services.session is not None and services.session.login_method == "ss_card",
                    timeout=5000)
    qtbot.waitUntil(lambda: services.session is not None and (services.session.online
                                                            or bool(services.session.notice)), timeout=8000)
    assert services.ss_pin_needed()
    services.verify_ss_pin("123456")  # the simulated card's PIN (devices/sscard/cardmodel.py)
    assert not services.ss_pin_needed()
    secrets = {"name": resident.ss_card.name, "ID number": resident.ss_card.id_number}
    if services.session.phone:
        secrets["phone"] = services.session.phone
    assert personal_data_reachable_from({"core": world.core}, secrets), "the walk does find the session"

    world.ui.logout()
    sim.remove()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "attract", timeout=3000)
    qtbot.wait(200)
    assert services.session is None
    leftover = personal_data_reachable_from({"core": world.core, "ui": world.ui}, secrets)
    assert leftover == [], "\n".join(leftover[:20])
