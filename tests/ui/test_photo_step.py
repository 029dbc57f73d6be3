"""就业困难人员求职登记's 一寸电子照片 taken on the kiosk (issue 11 §6): the simulated camera's live picture, 拍照 /
重拍 / 使用这张, the JPEG in the submission (encrypted in the outbox, nowhere else on disk) and at the platform.

The real camera path differs only in where the QImages come from (QtMultimedia's QVideoSink instead of the
simulator, ui/camera.py); this machine has no /dev/video device, so that part is untested here.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QLabel

from devices.base import DeviceKind
from sandbox import db as sandbox_db
from tests.helpers.forms_ui import Taps, assert_platform_rules, form_page, open_item, outbox_items, wait_state
from tests.ui.conftest import login_with_id_card

pytestmark = pytest.mark.timeout(90)


def _to_photo_step(qtbot, world, taps: Taps):
    open_item(qtbot, world, taps, "find_work", "S000-08")
    page = wait_state(qtbot, world, "confirm")  # with a camera there is no "photo at the counter" notice first
    assert page.gate is None and "柜台拍摄" not in page.form.intro
    taps.tap("formConfirmToggle")
    taps.tap("formConfirmContinue")
    wait_state(qtbot, world, "step:category")
    taps.pick_option("category", "残疾人")
    wait_state(qtbot, world, "step:job_intention")
    taps.pick_option("job_intention", world.core.services.session and page.steps["job_intention"].options[0].label)
    wait_state(qtbot, world, "step:phone")
    taps.tap("formNext_phone")
    wait_state(qtbot, world, "step:photo")
    return page


def test_the_photo_is_taken_on_the_kiosk_and_reaches_the_platform(qtbot, world, ui_sandbox) -> None:
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    page = _to_photo_step(qtbot, world, taps)
    step = page.steps["photo"]
    # the live picture runs: frames arrive, 拍照 is possible, the guide is drawn over it
    qtbot.waitUntil(lambda: step.source.latest is not None and taps.find("formPhotoTake_photo").isEnabled(), timeout=3000)
    first = step.source.latest
    qtbot.waitUntil(lambda: step.source.latest is not first, timeout=3000)
    assert step.preview.guide and step.preview.image is not None
    taps.tap("formPhotoTake_photo")
    assert taps.find("formPhotoUse_photo").isVisible() and not step.preview.guide
    assert not step.source.timer.isActive()  # the camera rests while the resident looks at the photo
    taps.tap("formPhotoRetake_photo")
    assert step.value is None and step.source.timer.isActive()
    taps.tap("formPhotoTake_photo")
    taken = step.value
    taps.tap("formPhotoUse_photo")
    wait_state(qtbot, world, "review")
    assert "已拍照" in page.review.findChild(QLabel, "formRow_photo_value").text()
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")

    [item] = outbox_items(world, "hard_to_employ_registration")
    assert_platform_rules(item)
    jpeg = base64.b64decode(item.payload["payload"]["photo_jpeg"])
    assert jpeg == taken
    with Image.open(io.BytesIO(jpeg)) as img:
        assert (img.format, img.size) == ("JPEG", (295, 413))
    # the photo is nowhere on disk in clear: the outbox holds it encrypted, nothing else holds it at all
    needles = (jpeg[:64], base64.b64encode(jpeg[:48]))  # the bytes, and as the JSON payload carries them
    for path in Path(world.core.settings.data_dir).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(n in content for n in needles), path

    world.core.sync.run_once()
    after = world.core.database.outbox.get(item.key)
    assert after.case_no, (after.state, after.last_error)
    with ui_sandbox.platform.Session() as s:
        received = s.get(sandbox_db.Case, after.case_no).payload["photo_jpeg"]
    with Image.open(io.BytesIO(base64.b64decode(received))) as img:
        assert (img.format, img.size) == ("JPEG", (295, 413))

    world.ui.logout()  # the session ends: the page and its pictures are gone
    qtbot.waitUntil(lambda: step.value is None and step.source.latest is None, timeout=3000)


def test_a_camera_that_fails_lets_the_resident_have_the_photo_taken_at_the_counter(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    page = _to_photo_step(qtbot, world, taps)
    world.sim(DeviceKind.CAMERA).unplug()
    taps.tap("formPhotoCounter_photo")
    wait_state(qtbot, world, "review")
    assert "到柜台拍摄" in page.review.findChild(QLabel, "formRow_photo_value").text()
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    [item] = outbox_items(world, "hard_to_employ_registration")
    assert "photo_jpeg" not in item.payload["payload"]
    assert_platform_rules(item)
    assert form_page(world).state == "done"


def test_a_picture_of_any_width_converts_row_by_row(qtbot) -> None:
    from PySide6.QtGui import QColor, QImage

    from ui.camera import camera_frame

    image = QImage(301, 7, QImage.Format.Format_RGB32)  # 903 bytes a row: padded to 904 in RGB888
    image.fill(QColor(10, 20, 30))
    image.setPixelColor(300, 6, QColor(200, 100, 50))
    frame = camera_frame(image)
    assert (frame.width, frame.height, len(frame.rgb)) == (301, 7, 301 * 7 * 3)
    assert frame.rgb[:3] == bytes((10, 20, 30)) and frame.rgb[-3:] == bytes((200, 100, 50))


def test_a_real_camera_that_qt_cannot_find_says_so_plainly(qtbot, tmp_path) -> None:
    """The QtMultimedia path on this machine (no video device): the resident is told, nothing crashes."""
    from ui.camera import QtCameraSource

    source = QtCameraSource(str(tmp_path / "video0"))
    with qtbot.waitSignal(source.failed, timeout=5000) as failed:
        source.start()
    assert failed.args == ["摄像头暂时不能使用。"]
    source.stop()
