"""The demo's scripted tour: drive the simulators and the flows through the main screens, one PNG each."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from kiosk.demo_residents import load_demo_residents

if TYPE_CHECKING:
    from ui.app import KioskUi

log = logging.getLogger(__name__)

Step = tuple[str, Callable[[], None]]


def in_order(*actions: Callable[[], None]) -> Callable[[], None]:
    """One tour step that does several things, one after the other."""
    def run() -> None:
        for action in actions:
            action()

    return run
DEMO_CARD_PIN = "123456"  # the demo cards' PIN, printed in the README
# 全程代理: the demo workers of sandbox/demo_staff.json (王春梅 of this service point; 周文斌, unused 120 days)
DEMO_STAFF_ESSC = "DEMO-ESSC-S0001"
DEMO_STAFF_PIN = "135790"
LOCKED_DEMO_STAFF = "YQ-LJZ-02"


class Tour:
    """A list of (name, action) steps; after each action settles, the window is grabbed to a PNG.

    A step whose action fails is logged and the tour fails at the end (exit code 1), but the other
    screens are still written, so one broken screen does not hide the rest.
    """

    SETTLE_MS = 900

    def __init__(self, ui: KioskUi, out: Path) -> None:
        self.ui = ui
        self.out = out
        self.out.mkdir(parents=True, exist_ok=True)
        self.exit_code = 0
        self.written: list[Path] = []
        self.steps = self._script()
        self._i = 0

    # ---- the script ----
    def _script(self) -> list[Step]:
        ui = self.ui
        residents = load_demo_residents(today=ui.core.clock.today())
        panel = getattr(ui, "demo_panel", None)
        first = residents[0] if residents else None
        steps: list[Step] = [("attract", lambda: None)]
        if panel is not None:
            steps.append(("attract-demo-panel", lambda: ui.window.side_toggle.setChecked(True)))

            def card_on_reader() -> None:
                ui.window.side_toggle.setChecked(False)
                if first:
                    panel.place_id_card(first)
                else:
                    ui.browse()

            steps.append(("card-on-reader-home", card_on_reader))
        else:
            steps.append(("home-browse", ui.browse))
        main: list[Step] = [
            ("home", ui.window.go_home),
            ("group-find-work", lambda: ui.window.go("group_find_work")),
            ("fixed-job-search", lambda: self._open("fixed_job_search")),
            ("fixed-job-detail", self._open_first_row),
            ("job-recommendations", lambda: self._open("fixed_job_recommendation")),
            ("form-fixed-job-seeker", lambda: self._open("job_seeker_registration", "fixed")),
            ("form-unemployment", lambda: self._open("unemployment_registration")),
            # 就业困难人员求职登记's 一寸电子照片: the live picture with the guide, then the photo taken
            ("form-hard-to-employ", lambda: self._open("hard_to_employ_registration")),
            ("form-photo", self._photo_step),
            ("form-photo-taken", self._take_photo),
            # its 办事指南 (一次性告知), as a resident reaches it: the navigation bar of the item's own page
            ("guidance-kiosk-item", self._guide_of_current),
            ("group-social-insurance", lambda: ui.window.go("group_social_insurance")),
            ("group-social-insurance-counter", lambda: self._scroll_to_end("group_social_insurance")),
            ("group-learn-skills", lambda: ui.window.go("group_learn_skills")),
            ("group-ss-card", lambda: ui.window.go("group_ss_card")),
            ("group-internship", lambda: ui.window.go("group_internship")),
            ("record-employee-pension", lambda: self._open("employee_pension_query")),
            ("my-cases", lambda: self._open("my_cases")),
            ("guidance-counter-item", lambda: self._open_item("16")),
            # 单位业务: employer-side matters, each a 办事指南 with the web hall's QR code
            ("group-employer", lambda: ui.window.go("group_employer")),
            ("guidance-employer-item", lambda: self._open_item("S002-02")),
        ]
        steps += main[1:]
        # The pinyin keyboard under a free-text question, then with 你好 typed on it (招聘零工登记's 其他说明).
        steps.append(("form-gig-hiring", lambda: self._open("gig_hiring_registration")))
        steps.append(("form-pinyin-keyboard", lambda: self._free_text("description")))
        steps.append(("form-pinyin-typed", lambda: self._type_pinyin("description", "nihao")))
        # The same screens again in 长辈模式 (bigger text and targets, fewer items per screen).
        # The tactile keypad: the large focus ring on a home tile and on a job in the result list.
        steps.append(("keypad-focus-home", lambda: self._keypad_focus("home")))
        steps.append(("keypad-focus-job-list", lambda: self._keypad_focus_list("fixed_job_search")))
        steps.append(("home-elderly", self._home_elderly))
        steps += [(f"{name}-elderly", action) for name, action in main[1:]]
        steps.append(("keypad-focus-home-elderly", lambda: self._keypad_focus("home")))
        steps.append(("attract-after-logout", ui.logout))
        # What residents see while a technician holds the devices: one notice, lamps 维护中.
        devices = ui.core.devices
        if devices is not None:
            steps.append(("attract-maintenance", lambda: devices.set_maintenance(True)))
            steps.append(("attract-maintenance-elderly", lambda: ui.window.set_elderly(True)))
            steps.append(("attract-maintenance-over", in_order(lambda: devices.set_maintenance(False),
                                                               lambda: ui.window.set_elderly(False))))
        # A 3rd-generation social security card without a PSAM: the PIN pad, the platform names the holder;
        # and what the same card gets offline (the plain message with the ID-card offer).
        third = next((r for r in residents if r.ss_card_third_gen is not None), None)
        if panel is not None and third is not None:
            from kiosk.services import MESSAGES

            steps.append(("third-gen-card-pin", lambda: panel.insert_third_gen_card(third)))
            steps.append(("third-gen-card-home", lambda: ui.card_holder.verify_pin(DEMO_CARD_PIN)))
            steps.append(("third-gen-card-offline", in_order(
                ui.logout, lambda: ui.window.go("card_holder", remember=False),
                lambda: ui.card_holder.show_offline(MESSAGES["third_gen_needs_network"]))))
            steps.append(("third-gen-card-out", panel.pull_ss_card))
        # 全程代理: a worker logs in with their own e-SSC, the resident confirms with their ID card; a worker
        # whose account lay unused for 3 months is refused by the platform.
        if panel is not None and first is not None:
            def resident_card() -> None:
                panel.take_id_card()
                panel.place_id_card(first)

            def done() -> None:
                ui.window.set_elderly(False)
                ui.logout()

            steps.append(("staff-login", self._staff_start))
            steps.append(("staff-logged-in", lambda: ui.staff_page.login_with_essc(DEMO_STAFF_ESSC)))
            steps.append(("staff-resident-home", resident_card))
            steps.append(("staff-locked-account", lambda: self._staff_pin(LOCKED_DEMO_STAFF)))
            steps.append(("staff-locked-account-elderly", lambda: ui.window.set_elderly(True)))
            steps.append(("staff-done", done))
        return steps

    def _staff_start(self) -> None:
        self.ui.logout()
        self.ui.assist()

    def _staff_pin(self, staff_no: str) -> None:
        """A new worker login by staff number and the demo PIN."""
        self._staff_start()
        page = self.ui.staff_page
        page.staff_no.setText(staff_no)
        page.pin.setText(DEMO_STAFF_PIN)
        page.login_with_pin()

    def _photo_step(self) -> None:
        """The open form's photo question (the demo's simulated camera runs on it)."""
        page = self.ui.window.current_page()
        if "photo" not in getattr(page, "steps", {}):
            raise RuntimeError(f"no photo question on {page.page_id} (no camera configured?)")
        page.edit_field("photo")  # type: ignore[attr-defined]

    def _take_photo(self) -> None:
        step = self._free_text_step("photo")
        step.take_photo()  # type: ignore[attr-defined]
        if getattr(step, "value", None) is None:
            raise RuntimeError("the photo step took no photo")

    def _open(self, code: str, variant: str | None = None) -> None:
        item = self.ui.core.catalogue.by_code(code, variant) if variant else self.ui.core.catalogue.by_code(code)
        self.ui.router.open(item)

    def _keypad_focus(self, page_id: str) -> None:
        """Keypad mode on a page: the focus on its second control, as after one press of 下."""
        voice = self.ui.voice
        if voice is None:
            raise RuntimeError("no voice guidance")
        self.ui.window.go(page_id)
        self.ui.window.activateWindow()
        voice.set_keypad_mode(True)
        voice.focus_first(self.ui.window.current_page())
        voice.handle("down")

    def _keypad_focus_list(self, code: str) -> None:
        voice = self.ui.voice
        if voice is None:
            raise RuntimeError("no voice guidance")
        self._open(code)
        page = self.ui.window.current_page()
        results = getattr(page, "results", None)
        if results is None:
            raise RuntimeError(f"no result list on {page.page_id}")
        voice.set_keypad_mode(True)
        QTimer.singleShot(self.SETTLE_MS // 2, lambda: voice.focus_widget(results.view))

    def _home_elderly(self) -> None:
        """Keypad mode off again, then home in 长辈模式."""
        if self.ui.voice is not None:
            self.ui.voice.set_keypad_mode(False)
        self.ui.window.go_home()
        self.ui.window.set_elderly(True)

    def _guide_of_current(self) -> None:
        if not self.ui.window.guide_button.isVisible():
            raise RuntimeError(f"no 办事指南 button on {self.ui.window.current_page().page_id}")
        self.ui.window.guide_button.click()

    def _open_item(self, item_id: str) -> None:
        self.ui.router.open(self.ui.core.catalogue.item(item_id))

    def _scroll_to_end(self, page_id: str) -> None:
        """The lower part of a long group page (its 柜台办理 section)."""
        self.ui.window.go(page_id)
        page = self.ui.window.current_page()
        for area in page.findChildren(QScrollArea):
            area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())

    def _free_text_step(self, field_id: str) -> QWidget:
        page = self.ui.window.current_page()
        steps = getattr(page, "steps", {})
        if field_id not in steps:
            raise RuntimeError(f"no question {field_id} on {page.page_id}")
        return steps[field_id]

    def _free_text(self, field_id: str) -> None:
        """Show a free-text question of the open form with its keyboard, the text field focused."""
        self.ui.window.current_page().edit_field(field_id)  # type: ignore[attr-defined]
        step = self._free_text_step(field_id)
        edit = getattr(step, "edit", None)
        if edit is None:
            raise RuntimeError(f"question {field_id} has no text field")
        self.ui.window.activateWindow()
        edit.setFocus()

    def _type_pinyin(self, field_id: str, letters: str) -> None:
        """Type pinyin letters on the on-screen keyboard and take its first candidate."""
        keyboard = getattr(self._free_text_step(field_id), "keyboard", None)
        if keyboard is None or not keyboard.ready:
            raise RuntimeError("the pinyin keyboard is not loaded")
        if not keyboard.type_pinyin(letters):
            raise RuntimeError(f"the pinyin keyboard offered no candidate for {letters}")

    def _open_first_row(self) -> None:
        page = self.ui.window.current_page()
        results = getattr(page, "results", None)
        if results is None or not results.rows():
            raise RuntimeError(f"no result rows on {page.page_id}")
        page.open_row(results.rows()[0].key)  # type: ignore[attr-defined]

    # ---- running ----
    @property
    def orientation(self) -> str:
        return "portrait" if self.ui.window.height() > self.ui.window.width() else "landscape"

    def start(self) -> None:
        QTimer.singleShot(self.SETTLE_MS, self._next)

    def _next(self) -> None:
        if self._i >= len(self.steps):
            log.info("tour wrote %d screenshots to %s", len(self.written), self.out)
            QApplication.quit()
            return
        name, action = self.steps[self._i]
        try:
            action()
        except Exception:
            log.exception("tour step %s failed", name)
            self.exit_code = 1
        QTimer.singleShot(self.SETTLE_MS, lambda: self._shoot(name))

    def _shoot(self, name: str) -> None:
        path = self.out / f"{self._i + 1:02d}-{name}-{self.orientation}.png"
        if not self.ui.window.grab().save(str(path)):
            log.error("could not write %s", path)
            self.exit_code = 1
        else:
            self.written.append(path)
            print(path, flush=True)
        self._i += 1
        self._next()
