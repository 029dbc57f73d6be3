"""The camera device kind: the simulator's pictures and health, the V4L2 node's health, addresses, the manager."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest

from devices.base import SIMULATED_DETAIL, CameraDriver, DeviceGone, DeviceKind, DeviceState, HealthChanged
from devices.camera import messages
from devices.camera.sim import SimCamera
from devices.camera.v4l2 import (
    V4L2_CAP_DEVICE_CAPS,
    V4L2_CAP_VIDEO_CAPTURE,
    VIDIOC_QUERYCAP,
    V4l2Camera,
    health_of,
    parse_capability,
)
from devices.factory import DeviceAddresses, build_device_manager, check_address
from devices.uri import DeviceUriError, parse_device_uri
from tests.helpers.pty_peer import EventLog


def test_the_simulator_is_a_camera_driver_whose_pictures_run() -> None:
    sim, log = SimCamera(), EventLog()
    assert isinstance(sim, CameraDriver) and sim.simulated and sim.device == ""
    sim.start(log)
    assert [type(e) for e in log.events] == [HealthChanged]
    health = sim.health()
    assert health.state is DeviceState.ONLINE and health.detail == SIMULATED_DETAIL
    first, second = sim.frame(), sim.frame()
    assert (first.width, first.height) == (640, 480) and len(first.rgb) == 640 * 480 * 3
    assert first.rgb != second.rgb  # a live picture: the bar moves from frame to frame
    assert "rgb" not in repr(first)  # a picture of a person is personal: never in a log line


def test_an_unplugged_simulator_says_so_and_gives_no_picture() -> None:
    sim, log = SimCamera(), EventLog()
    sim.start(log)
    sim.unplug()
    assert sim.health().state is DeviceState.NO_DEVICE and sim.health().message == messages.HEALTH_NO_DEVICE
    with pytest.raises(DeviceGone):
        sim.frame()
    sim.plug_in()
    assert sim.health().usable and sim.frame().width == 640
    assert [e.health.state for e in log.events] == [DeviceState.ONLINE, DeviceState.NO_DEVICE, DeviceState.ONLINE]


def test_querycap_is_the_kernels_number() -> None:
    assert VIDIOC_QUERYCAP == 0x80685600  # _IOR('V', 0, struct v4l2_capability) in linux/videodev2.h


def _capability(caps: int, device_caps: int = 0) -> bytes:
    return struct.pack("=16s32s32sIII3I", b"uvcvideo", b"USB Camera: HD Webcam", b"usb-0000:00:14.0-3",
                       0x060100, caps, device_caps, 0, 0, 0)


def test_a_capability_reply_is_decoded() -> None:
    cap = parse_capability(_capability(V4L2_CAP_VIDEO_CAPTURE))
    assert (cap.driver, cap.card, cap.bus_info) == ("uvcvideo", "USB Camera: HD Webcam", "usb-0000:00:14.0-3")
    assert cap.captures_video
    # a node that reports its own caps: the metadata node of a UVC camera has no video capture
    meta = parse_capability(_capability(V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_DEVICE_CAPS, device_caps=0x00800000))
    assert not meta.captures_video


def test_a_missing_node_is_no_device(tmp_path: Path) -> None:
    h = health_of(str(tmp_path / "video0"))
    assert h.kind is DeviceKind.CAMERA and h.state is DeviceState.NO_DEVICE
    assert h.message == messages.HEALTH_NO_DEVICE


@pytest.mark.parametrize("make", [lambda p: "/dev/null", lambda p: str(p / "plain-file")])
def test_a_node_that_is_not_a_v4l2_device_is_not_a_camera(tmp_path: Path, make) -> None:
    (tmp_path / "plain-file").write_bytes(b"x")
    h = health_of(make(tmp_path))  # the kernel answers VIDIOC_QUERYCAP with ENOTTY
    assert h.state is DeviceState.HARDWARE_ERROR and h.message == messages.HEALTH_NOT_A_CAMERA


def test_camera_addresses() -> None:
    assert parse_device_uri("v4l2:///dev/video0").target == "/dev/video0"
    with pytest.raises(DeviceUriError, match="v4l2:///dev/video0"):
        parse_device_uri("v4l2://video0")
    for ok in ("v4l2:///dev/video2", "sim://", "none"):
        check_address(DeviceKind.CAMERA, ok)
    with pytest.raises(DeviceUriError, match="摄像头不能使用 serial 地址"):
        check_address(DeviceKind.CAMERA, "serial:///dev/ttyUSB0")


def _addresses(camera: str) -> DeviceAddresses:
    return DeviceAddresses(id_card="none", ss_card="none", qr_scanner="none", printer="sim://",
                           printer_profile="generic-80", camera=camera, status_interval_s=60)


def _wait(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_manager_watches_a_v4l2_camera_and_reports_its_health(tmp_path: Path) -> None:
    manager = build_device_manager(_addresses(f"v4l2://{tmp_path}/video0"))  # no such node
    assert isinstance(manager.camera, V4l2Camera) and DeviceKind.CAMERA not in manager.simulators
    heard = EventLog()
    manager.subscribe(heard)
    manager.start()
    try:
        _wait(lambda: manager.health()[DeviceKind.CAMERA].state is DeviceState.NO_DEVICE)
        assert any(isinstance(e, HealthChanged) and e.health.kind is DeviceKind.CAMERA for e in heard.events)
    finally:
        manager.stop()
    assert manager.camera.health().state is DeviceState.OFFLINE


def test_no_camera_and_a_simulated_one() -> None:
    assert build_device_manager(_addresses("none")).camera is None
    manager = build_device_manager(_addresses("sim://"))
    assert manager.simulators[DeviceKind.CAMERA] is manager.camera
    manager.start()
    try:
        assert manager.health()[DeviceKind.CAMERA].state is DeviceState.ONLINE
    finally:
        manager.stop()
