"""Card on the reader → greeting by masked name on the home screen; logout wipes it."""

from __future__ import annotations

from datetime import UTC

from devices.base import DeviceKind
from tests.ui.conftest import login_with_id_card


def test_id_card_login_greets_by_masked_name_and_logout_wipes(qtbot, world) -> None:
    resident = login_with_id_card(qtbot, world, 0)
    ui = world.ui
    greeting = ui.home.greeting.text()
    assert resident.label in greeting and resident.id_card.name not in greeting
    assert ui.window.logout_button.isVisible()
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)  # platform login followed
    qtbot.mouseClick(ui.window.logout_button, qtbot_button())
    assert ui.window.current_page().page_id == "attract"
    assert world.core.services.session is None
    assert resident.id_card.name[0] not in ui.home.greeting.text()


def test_expired_card_is_refused_plainly(qtbot, world) -> None:
    from dataclasses import replace
    from datetime import date

    expired = replace(world.residents[0].id_card, valid_until=date(2020, 1, 1), expired=True)
    world.sim(DeviceKind.ID_CARD).place(expired)
    qtbot.waitUntil(lambda: world.ui.overlay.kind == "failure", timeout=3000)
    assert "过有效期" in world.ui.overlay.text.text()
    assert world.core.services.session is None
    assert world.ui.window.current_page().page_id == "attract"


def test_essc_scan_logs_in_through_the_platform(qtbot, world) -> None:
    resident = world.residents[1]
    world.sim(DeviceKind.QR_SCANNER).scan(resident.essc_token)
    qtbot.waitUntil(lambda: resident.label in world.ui.home.greeting.text(), timeout=5000)
    assert world.core.services.session.login_method == "essc"
    assert world.ui.window.current_page().page_id == "home"


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_an_unexpected_error_returns_to_the_attract_screen_with_a_plain_message(qtbot, world) -> None:
    import sys

    resident = login_with_id_card(qtbot, world, 0)
    try:
        raise RuntimeError(f"boom for {resident.id_card.id_number}")
    except RuntimeError:
        world.ui.on_unexpected(*sys.exc_info())
    assert world.ui.window.current_page().page_id == "attract"
    assert world.core.services.session is None
    assert world.ui.overlay.kind == "failure" and "系统出了点问题" in world.ui.overlay.text.text()
    assert "Traceback" not in world.ui.overlay.text.text()
    log_text = (world.core.settings.data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "boom for" in log_text and resident.id_card.id_number not in log_text


def test_an_essc_login_whose_platform_answer_has_a_bad_id_number_is_refused(qtbot, world, monkeypatch) -> None:
    from datetime import datetime, timedelta

    from kiosk.platform.models import PlatformLogin, Profile
    from tests.helpers.id_numbers import corrupt, fake_id_number

    platform = world.core.services.platform
    bad = corrupt(fake_id_number())

    def login_with_a_damaged_number(token: str) -> PlatformLogin:  # the platform answers, the number is wrong
        profile = Profile(person_id="P9999", name="周测试", id_number=bad, gender="男", birth_date="1990-03-07",
                          age=35, hard_to_employ=False, registrations={}, has_employment_certificate=False)
        return PlatformLogin(token="t" * 32, expires_at=datetime.now(UTC) + timedelta(minutes=10),
                             profile=profile)

    monkeypatch.setattr(platform, "login_essc", login_with_a_damaged_number)
    world.sim(DeviceKind.QR_SCANNER).scan("ESSC1.any-token-the-stand-in-answers")
    qtbot.waitUntil(lambda: world.ui.overlay.kind == "failure", timeout=5000)
    assert "身份证号码有误" in world.ui.overlay.text.text()
    assert world.core.services.session is None
    assert world.ui.window.current_page().page_id == "attract"


def test_a_card_lying_on_the_reader_before_the_screens_exist_is_read_into_a_session(qtbot, kiosk_core) -> None:
    """Issue 16 item 4b: after a restart with an ID card on the reader, the resident is greeted."""
    from kiosk.demo_residents import load_demo_residents
    from ui.app import KioskUi

    resident = load_demo_residents()[0]
    kiosk_core.devices.simulators[DeviceKind.ID_CARD].place(resident.id_card)  # reported before the UI listens
    ui = KioskUi(kiosk_core, kiosk_mode=False)
    qtbot.addWidget(ui.window)
    try:
        ui.window.setGeometry(0, 0, 1920, 1080)
        ui.window.show()
        qtbot.waitUntil(lambda: ui.window.current_page().page_id == "home"
                        and resident.label in ui.home.greeting.text(), timeout=5000)
        assert kiosk_core.services.session is not None
        assert kiosk_core.services.session.login_method == "id_card"
    finally:
        ui.close()


def test_the_same_card_put_back_at_once_after_logout_logs_in_again(qtbot, world) -> None:
    """Issue 16 item 4: 退出登录, take the card away, put it back within seconds → greeted again."""
    resident = login_with_id_card(qtbot, world, 0)
    qtbot.mouseClick(world.ui.window.logout_button, qtbot_button())
    assert world.core.services.session is None
    reader = world.sim(DeviceKind.ID_CARD)
    reader.take_away()
    reader.place(resident.id_card)  # well within the old 4-second repeat window
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "home"
                    and resident.label in world.ui.home.greeting.text(), timeout=5000)
    assert world.core.services.session is not None
