"""Voice guidance and the tactile keypad on the real KioskUi: key events only, every utterance recorded."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QPushButton, QWidget

from devices.base import DeviceKind
from kiosk.speech import RecordingEngine
from tests.ui.conftest import login_with_id_card

FULL_ID = re.compile(r"\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx]")
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class Keypad:
    """Presses keypad keys on the window as a USB keypad would, and listens to what the kiosk says."""

    def __init__(self, qtbot, world) -> None:
        self.qtbot, self.world = qtbot, world
        self.window = world.ui.window
        self.speech = world.core.speech
        assert isinstance(self.speech.engine, RecordingEngine)
        self.engine: RecordingEngine = self.speech.engine
        self.window.activateWindow()


    def press(self, key: Qt.Key) -> None:
        target = QApplication.focusWidget() or self.window
        QTest.keyClick(target, key)
        self.settle()

    def settle(self) -> None:
        """Let the posted work run (the focus is said on the next turn of the event loop), then the speech queue."""
        for _ in range(3):
            QApplication.processEvents()
        self.speech.wait_idle(3)

    def heard(self) -> list[str]:
        self.settle()
        return self.engine.texts()

    def since(self, mark: int) -> list[str]:
        return self.heard()[mark:]

    def mark(self) -> int:
        return len(self.heard())

    def focused(self) -> QWidget | None:
        return QApplication.focusWidget()

    def focus_on(self, name: str, *, limit: int = 40, key: Qt.Key = Qt.Key.Key_Down) -> None:
        """Press 下 until the control `name` has the focus (each step is heard)."""
        for _ in range(limit):
            w = self.focused()
            if w is not None and w.objectName() == name:
                return
            self.press(key)
        raise AssertionError(f"{name} never got the focus; it is on {self.focused() and self.focused().objectName()}")

    def page(self):
        return self.window.current_page()


def wait_page(qtbot, window, page_id: str):
    qtbot.waitUntil(lambda: window.current_page().page_id == page_id, timeout=5000)
    return window.current_page()


def no_personal_numbers(texts: list[str]) -> None:
    for t in texts:
        assert not FULL_ID.search(t) and not FULL_PHONE.search(t), t


@pytest.fixture
def keypad(qtbot, world) -> Keypad:
    panel = getattr(world.ui, "demo_panel", None)
    if panel is not None:
        panel.hide()
    k = Keypad(qtbot, world)
    k.press(Qt.Key.Key_F1)  # 帮助 on the attract screen: voice and keypad mode together
    return k


def test_help_on_the_attract_screen_turns_on_voice_and_keypad_mode(qtbot, world, keypad: Keypad) -> None:
    assert keypad.speech.enabled and world.ui.voice.keypad_mode
    heard = keypad.heard()
    assert heard[0].startswith("语音已打开")
    assert any("欢迎使用" in t for t in heard), heard
    assert any("请把身份证放在下方读卡区" in t for t in heard), heard
    assert world.ui.attract.voice_button.text() == "语音：开"
    assert world.ui.voice.ring.isVisible(), "the focus ring shows in keypad mode"


def test_card_then_jobs_near_my_village_then_detail_then_print_by_keys_only(qtbot, world, keypad: Keypad) -> None:
    window = world.ui.window
    login_with_id_card(qtbot, world, 0)
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
    # home: its title and instruction, the focus on the first tile
    qtbot.waitUntil(lambda: keypad.focused() is not None and keypad.focused().objectName().startswith("homeGroup_"),
                    timeout=3000)
    heard = keypad.heard()
    assert any("您好" in t for t in heard) and any("请选择要办理的业务" in t for t in heard), heard
    assert keypad.focused().objectName() == "homeGroup_find_work"
    assert heard[-1] == keypad.focused().accessibleName()

    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)  # 确认: 我要找工作
    group = wait_page(qtbot, window, "group_find_work")
    qtbot.waitUntil(lambda: keypad.focused() is not None and group.isAncestorOf(keypad.focused()), timeout=3000)
    heard = keypad.since(mark)
    assert "我要找工作" in heard[0], heard
    keypad.focus_on("item_3")  # 固定工岗位信息查询: the service point's town preselected
    assert keypad.heard()[-1] == keypad.focused().accessibleName()

    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    page = qtbot.waitUntil(lambda: window.current_page().page_id.endswith("_3"), timeout=5000) or keypad.page()
    heard = keypad.since(mark)
    assert heard[0] == page.heading.text() and "结果列表" in heard[1], heard
    qtbot.waitUntil(lambda: len(page.results.rows()) > 0, timeout=5000)
    assert all("玉泉镇" in r.lines[1] for r in page.results.rows()), "jobs near my village"
    # 下 until the result list: each row is heard as it is reached
    view = page.results.view
    for _ in range(30):
        if keypad.focused() is view:
            break
        keypad.press(Qt.Key.Key_Down)
    assert keypad.focused() is view
    first = page.results.rows()[0]
    assert keypad.heard()[-1] == first.spoken()
    keypad.press(Qt.Key.Key_Down)
    second = page.results.rows()[1]
    assert keypad.heard()[-1] == second.spoken() and view.currentIndex().row() == 1
    keypad.press(Qt.Key.Key_Up)
    assert keypad.heard()[-1] == first.spoken()

    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)  # 确认 on the row: its detail
    detail = wait_page(qtbot, window, "jobs_detail_fixed_jobs")
    assert detail.title.text() == first.title
    qtbot.waitUntil(lambda: keypad.focused() is not None and detail.isAncestorOf(keypad.focused()), timeout=3000)
    heard = keypad.since(mark)
    assert heard[0] == first.title and "打印" in heard[1], heard

    # 朗读 reads the page in order, the pay said in Chinese
    keypad.focus_on("jobDetailReadAloud")
    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    read = keypad.since(mark)
    assert read[0] == first.title and read[1] == first.right, read
    spoken = keypad.engine.spoken()[-len(read):]
    assert not re.search(r"\d", spoken[1]), spoken[1]  # 五千四百到七千一百元每月, not digits

    keypad.focus_on("jobDetailPrint")
    printer = world.sim(DeviceKind.PRINTER)
    before = len(printer.printed)
    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(printer.printed) > before, timeout=5000)
    qtbot.waitUntil(lambda: "打印完成" in " ".join(keypad.since(mark)), timeout=5000)
    assert first.title in printer.printed[-1]

    # 返回 goes back to the list
    qtbot.waitUntil(lambda: world.ui.overlay.kind != "success" or not world.ui.overlay.isVisible(), timeout=3000)
    keypad.press(Qt.Key.Key_Escape)
    assert window.current_page() is page
    no_personal_numbers(keypad.heard())


def test_card_then_my_pension_then_print_by_keys_only(qtbot, world, keypad: Keypad) -> None:
    window = world.ui.window
    resident = login_with_id_card(qtbot, world, 0)
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
    qtbot.waitUntil(lambda: keypad.focused() is not None and keypad.focused().objectName().startswith("homeGroup_"),
                    timeout=3000)
    keypad.focus_on("homeGroup_social_insurance")
    assert keypad.heard()[-1] == keypad.focused().accessibleName()
    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    wait_page(qtbot, window, "group_social_insurance")
    assert "我要办社保" in keypad.since(mark)[0]
    keypad.focus_on("item_25")  # 企业职工基本养老保险参保情况查询
    assert "养老保险" in keypad.heard()[-1]

    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    page = qtbot.waitUntil(lambda: window.current_page().page_id.endswith("_25"), timeout=5000) or keypad.page()
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.content, timeout=8000)
    heard = keypad.since(mark)
    at = heard.index(page.heading.text())  # after 正在查询 (the load starts as the page opens): the title
    assert "养老保险" in heard[at] and "打印" in heard[at + 1], heard

    keypad.focus_on("recordsReadAloud")
    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    read = keypad.since(mark)
    assert any("2008" in t for t in read), read  # the rows shown, in order
    assert any("二〇〇八年" in s for s in keypad.engine.spoken()[-len(read):])

    keypad.focus_on("recordsPrint")
    printer = world.sim(DeviceKind.PRINTER)
    before = len(printer.printed)
    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(printer.printed) > before, timeout=8000)
    qtbot.waitUntil(lambda: "打印完成" in " ".join(keypad.since(mark)), timeout=5000)
    assert "企业职工基本养老保险参保情况查询" in "".join(printer.printed[-1].split())
    heard = keypad.heard()
    no_personal_numbers(heard)
    assert all(resident.id_card.id_number not in t for t in heard)


def test_every_page_the_router_opens_announces_a_title_and_no_personal_number_is_said(qtbot, world) -> None:
    from ui.voice import page_title
    from ui.widgets import READ_ALOUD

    ui = world.ui
    window, router, speech = ui.window, ui.router, world.core.speech
    engine: RecordingEngine = speech.engine
    login_with_id_card(qtbot, world, 0)
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
    ui.voice.set_voice(True)
    items = [i for g in world.core.catalogue.groups() for i in world.core.catalogue.items_in(g)]
    assert len(items) > 30
    opened = 0
    for item in items:
        for open_page in (router.open, router.open_guidance):
            ui.overlay.clear()
            window.go_home()
            speech.wait_idle(3)
            mark = len(engine.texts())
            open_page(item)
            page = window.current_page()
            if page.page_id == "home":  # not offered to this resident: said plainly instead
                assert ui.overlay.kind == "failure"
                continue
            opened += 1
            title = page_title(page)
            assert title.strip(), f"{item.id} {page.page_id} has no title"
            speech.wait_idle(3)
            assert title in engine.texts()[mark:], (item.id, page.page_id, engine.texts()[mark:])
            qtbot.waitUntil(lambda: ui.overlay.kind != "busy", timeout=8000)
            for b in page.findChildren(QPushButton):
                if b.property(READ_ALOUD) and b.isVisible():
                    b.click()  # read the whole page aloud: contacts and numbers on it included
    assert opened > 60
    # a job's detail shows its contact's phone on screen; said aloud it is only its last digits
    page = ui.window.current_page()
    heard = engine.texts() + engine.spoken()
    no_personal_numbers(heard)
    assert world.residents[0].id_card.id_number not in " ".join(heard)
    assert page is not None


def test_a_job_detail_read_aloud_says_the_contact_phone_only_by_its_last_digits(qtbot, world, keypad: Keypad) -> None:
    from ui.flows.jobs_search import open_job

    ui = world.ui
    ui.browse()
    rec = next(r for r in world.core.services.search("fixed_jobs", __import__("offline_cache").SearchQuery()).items
               if r.get("contact_phone"))
    open_job(ui.ctx, "fixed_jobs", rec.id, "jobs_detail_fixed_jobs")
    detail = wait_page(qtbot, ui.window, "jobs_detail_fixed_jobs")
    assert rec["contact_phone"] in " ".join(detail.field_texts()), "the screen shows the phone"
    mark = keypad.mark()
    detail.read_button.click()
    heard = keypad.since(mark)
    spoken = keypad.engine.spoken()[-len(heard):]
    assert any("尾号" in s for s in spoken), spoken
    no_personal_numbers(heard + spoken)


@pytest.mark.parametrize(("portrait", "elderly"), [(False, False), (True, False), (False, True), (True, True)])
def test_the_focus_ring_is_large_and_visible_in_both_orientations_and_elderly_mode(
        qtbot, world, keypad: Keypad, portrait: bool, elderly: bool) -> None:
    window = world.ui.window
    if portrait:
        window.setFixedSize(1080, 1920)
    login_with_id_card(qtbot, world, 0)
    if elderly:
        window.set_elderly(True)
        assert keypad.speech.enabled, "voice is on in 长辈模式"
    qtbot.waitUntil(lambda: keypad.focused() is not None and keypad.focused().objectName().startswith("homeGroup_"),
                    timeout=3000)
    keypad.press(Qt.Key.Key_Down)
    ring = world.ui.voice.ring
    focus = keypad.focused()
    assert ring.isVisible()
    top_left = focus.mapTo(window, focus.rect().topLeft())
    assert ring.geometry().contains(top_left) and ring.width() >= focus.width() + 2 * ring.WIDTH
    shot = window.grab().toImage()
    colour = shot.pixelColor(ring.x() + ring.WIDTH // 2 + 2, ring.y() + ring.height() // 2)
    from ui.theme import theme_for

    expected = theme_for(elderly).colours.focus.lower()
    assert colour.name() == expected, (colour.name(), expected)
    assert isinstance(focus, QPushButton | QAbstractItemView)


def test_paper_out_is_said_and_back_acknowledges_it(qtbot, world, keypad: Keypad) -> None:
    """Errors and device prompts are heard: the printer's notice line, then the print failure."""
    ui = world.ui
    ui.browse()
    world.sim(DeviceKind.PRINTER).set_paper_out(True)
    qtbot.waitUntil(lambda: any("缺纸" in t for t in keypad.heard()), timeout=8000)  # the status notice
    from ui.flows.jobs_search import open_job

    rec = world.core.services.search("fixed_jobs", __import__("offline_cache").SearchQuery()).items[0]
    open_job(ui.ctx, "fixed_jobs", rec.id, "jobs_detail_fixed_jobs")
    wait_page(qtbot, ui.window, "jobs_detail_fixed_jobs")
    keypad.focus_on("jobDetailPrint")
    mark = keypad.mark()
    keypad.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ui.overlay.kind == "failure", timeout=5000)
    assert any("打印机缺纸" in t for t in keypad.since(mark)), keypad.since(mark)
    keypad.press(Qt.Key.Key_Escape)  # 返回 on a message: 知道了
    assert not ui.overlay.isVisible() and ui.window.current_page().page_id == "jobs_detail_fixed_jobs"


def test_the_idle_warning_countdown_is_said(qtbot, world, keypad: Keypad) -> None:
    ui = world.ui
    now = [1000.0]
    ui.watch.clock = lambda: now[0]
    login_with_id_card(qtbot, world, 0)
    policy = ui.watch.policy
    mark = keypad.mark()  # before the clock moves: mark() lets Qt run, and the watch's own timer may tick then
    now[0] += policy.idle_warning_s + 1
    ui.watch.tick()
    assert ui.watch.warning.isVisible()
    first = keypad.since(mark)
    assert first and "秒" in first[0], first  # then the focused 继续使用
    now[0] += 0.4
    ui.watch.tick()  # the same second: not said again
    assert keypad.since(mark) == first
    # the focus is on 继续使用: 确认 keeps the session
    qtbot.waitUntil(lambda: keypad.focused() is ui.watch.warning.keep, timeout=3000)
    keypad.press(Qt.Key.Key_Return)
    assert not ui.watch.warning.isVisible() and world.core.services.session is not None
