"""The 一寸电子照片: the crop guide, the JPEG, the photo question of a form, the contract's check, the setting."""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from devices.base import CameraFrame
from devices.camera.sim import SimCamera
from kiosk.forms import FieldKind, build_payload, check_answer, display_value, for_camera, load_forms
from kiosk.photo import MAX_PHOTO_BYTES, ONE_INCH_PX, PhotoInvalid, check_photo, guide_box, one_inch_jpeg
from kiosk.settings import ConfigError, load_settings
from sandbox.rules import RuleViolation, check_payload

TODAY = date(2026, 3, 1)


def test_the_guide_is_centred_in_the_one_inch_proportion() -> None:
    x, y, w, h = guide_box(640, 480)
    assert (x + w / 2, y + h / 2) == pytest.approx((320, 240), abs=1)
    assert w / h == pytest.approx(295 / 413, abs=0.01) and h == 432
    x, y, w, h = guide_box(200, 800)  # a narrow picture: the width decides
    assert w <= 200 and w / h == pytest.approx(295 / 413, abs=0.01)


def test_the_photo_is_what_lies_inside_the_guide_at_295_by_413() -> None:
    # a black picture whose guide area alone is white: the photo must come out white
    picture = Image.new("RGB", (640, 480), (0, 0, 0))
    x, y, w, h = guide_box(640, 480)
    picture.paste((255, 255, 255), (x, y, x + w, y + h))
    jpeg = one_inch_jpeg(CameraFrame(640, 480, picture.tobytes()))
    check_photo(jpeg)
    with Image.open(io.BytesIO(jpeg)) as img:
        assert img.format == "JPEG" and img.size == ONE_INCH_PX == (295, 413)
        assert img.info["dpi"] == pytest.approx((300, 300))
        assert min(ImageStat.Stat(img.convert("L")).mean) > 240
    assert len(jpeg) < MAX_PHOTO_BYTES


def test_a_simulator_picture_makes_a_valid_photo() -> None:
    sim = SimCamera()
    sim.start(lambda e: None)
    check_photo(one_inch_jpeg(sim.frame()))


@pytest.mark.parametrize("data", [b"", b"not a jpeg", "text", None])
def test_anything_else_is_not_a_photo(data: object) -> None:
    with pytest.raises(PhotoInvalid):
        check_photo(data)


def test_a_jpeg_of_another_size_or_a_png_is_not_a_photo() -> None:
    for fmt, size in (("JPEG", (300, 400)), ("PNG", ONE_INCH_PX)):
        out = io.BytesIO()
        Image.new("RGB", size, (200, 200, 200)).save(out, fmt)
        with pytest.raises(PhotoInvalid):
            check_photo(out.getvalue())
    with pytest.raises(PhotoInvalid):
        one_inch_jpeg(CameraFrame(10, 10, b"\0" * 10))  # not RGB of that size


def _form():
    return next(f for f in load_forms().values() if f.id == "hard_to_employ")


def test_with_a_camera_the_form_asks_for_the_photo_and_has_no_counter_notice() -> None:
    form = for_camera(_form(), True)
    assert "photo" in [f.id for f in form.steps] and not form.intro
    photo = form.field("photo")
    assert photo.kind is FieldKind.PHOTO and photo.required
    assert check_answer(photo, None, TODAY) == "请拍一张照片：点“拍照”，满意后点“使用这张”"
    assert check_answer(photo, b"\xff\xd8junk", TODAY) == "照片没有拍好，请点“重拍”"
    sim = SimCamera()
    sim.start(lambda e: None)
    jpeg = one_inch_jpeg(sim.frame())
    assert check_answer(photo, jpeg, TODAY) is None
    assert display_value(photo, jpeg) == "已拍照"
    answers = {"category": "残疾人", "job_intention": "40", "phone": "13700000000", "photo": jpeg}
    payload = build_payload(form, answers, confirmed=True)
    assert base64.b64decode(payload["photo_jpeg"]) == jpeg
    check_payload("hard_to_employ_registration", payload)  # what the platform accepts


def test_without_a_camera_the_photo_is_not_asked_and_the_start_says_it_is_taken_at_the_counter() -> None:
    form = for_camera(_form(), False)
    assert "photo" not in [f.id for f in form.fields]
    assert "一寸电子照片" in form.intro and "柜台拍摄" in form.intro
    payload = build_payload(form, {"category": "残疾人", "phone": "13700000000"}, confirmed=True)
    assert "photo_jpeg" not in payload
    check_payload("hard_to_employ_registration", payload)


def test_the_platform_refuses_a_photo_that_is_not_a_one_inch_jpeg() -> None:
    base = {"category": "残疾人", "commitment_confirmed": True}
    out = io.BytesIO()
    Image.new("RGB", (640, 480)).save(out, "JPEG")
    for bad in ("not base64!", base64.b64encode(b"\xff\xd8\xff\xe0junk").decode(), base64.b64encode(out.getvalue()).decode()):
        with pytest.raises(RuleViolation, match="photo_jpeg"):
            check_payload("hard_to_employ_registration", {**base, "photo_jpeg": bad})


def test_the_camera_setting(tmp_path: Path) -> None:
    assert load_settings(env={}).devices.camera == "sim://"  # the demo (no site file) has the simulator
    site = tmp_path / "site.toml"
    site.write_text('[kiosk]\ndemo = true\ndata_dir = "data"\n[devices]\ncamera = "none"\n', encoding="utf-8")
    assert load_settings(site, env={}).devices.camera == "none"
    site.write_text('[kiosk]\ndemo = true\ndata_dir = "data"\n[devices]\ncamera = "tcp://127.0.0.1:9100"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="摄像头不能使用 tcp 地址"):
        load_settings(site, env={})


def test_a_camera_that_fails_on_the_day_leaves_the_photo_to_the_counter() -> None:
    from kiosk.forms import PHOTO_AT_COUNTER

    form = for_camera(_form(), True)
    photo = form.field("photo")
    assert check_answer(photo, PHOTO_AT_COUNTER, TODAY) is None
    assert display_value(photo, PHOTO_AT_COUNTER) == "到柜台拍摄"
    answers = {"category": "残疾人", "phone": "13700000000", "photo": PHOTO_AT_COUNTER}
    assert "photo_jpeg" not in build_payload(form, answers, confirmed=True)


def test_the_camera_as_the_screens_see_it() -> None:
    from devices.base import DeviceGone, DeviceState
    from devices.factory import DeviceAddresses, build_device_manager
    from kiosk.photo import PhotoCamera

    def manager(camera: str):
        return build_device_manager(DeviceAddresses(id_card="none", ss_card="none", qr_scanner="none",
                                                    printer="sim://", printer_profile="generic-80", camera=camera))

    none = PhotoCamera(manager("none"))
    assert not none.present and not none.simulated and none.device == ""
    assert none.health().state is DeviceState.NO_DEVICE
    with pytest.raises(DeviceGone):
        none.frame()
    real = PhotoCamera(manager("v4l2:///dev/video7"))
    assert real.present and not real.simulated and real.device == "/dev/video7"
    sim_manager = manager("sim://")
    sim_manager.start()
    try:
        sim = PhotoCamera(sim_manager)
        assert sim.present and sim.simulated and sim.health().usable
        check_photo(one_inch_jpeg(sim.frame()))
    finally:
        sim_manager.stop()
