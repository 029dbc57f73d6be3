"""A V4L2 camera's presence and health (`v4l2:///dev/video0`): VIDIOC_QUERYCAP on the device node, every few seconds.

Only presence is checked here: the picture is read by the UI through QtMultimedia (which opens the same node),
so the devices layer needs no Qt. Opening a V4L2 node and asking its capabilities does not disturb a stream.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import struct
from dataclasses import dataclass

from devices.base import CameraFrame, DeviceError, DeviceHealth, DeviceKind, DeviceState
from devices.camera import messages
from devices.supervision import SupervisedReader
from devices.uri import DeviceUri

log = logging.getLogger(__name__)

# struct v4l2_capability (linux/videodev2.h): driver[16] card[32] bus_info[32] version capabilities
# device_caps reserved[3] — 104 bytes; VIDIOC_QUERYCAP = _IOR('V', 0, struct v4l2_capability).
_CAPABILITY = struct.Struct("=16s32s32sIII3I")
VIDIOC_QUERYCAP = (2 << 30) | (_CAPABILITY.size << 16) | (ord("V") << 8) | 0
V4L2_CAP_VIDEO_CAPTURE = 0x00000001
V4L2_CAP_DEVICE_CAPS = 0x80000000


@dataclass(frozen=True)
class Capability:
    """What a V4L2 node says it is."""

    driver: str
    card: str
    bus_info: str
    capabilities: int
    device_caps: int

    @property
    def captures_video(self) -> bool:
        """This node delivers pictures (its own caps when it reports them, else the whole device's)."""
        caps = self.device_caps if self.capabilities & V4L2_CAP_DEVICE_CAPS else self.capabilities
        return bool(caps & V4L2_CAP_VIDEO_CAPTURE)

    @property
    def detail(self) -> str:
        return f"{self.card} ({self.driver}, {self.bus_info})"


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def parse_capability(buf: bytes) -> Capability:
    """Decode a struct v4l2_capability."""
    driver, card, bus, _version, caps, device_caps, *_ = _CAPABILITY.unpack(buf)
    return Capability(_text(driver), _text(card), _text(bus), caps, device_caps)


def query_capability(path: str) -> Capability:
    """Open the node and ask VIDIOC_QUERYCAP (blocking, a few ms); OSError as the kernel says."""
    fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        buf = bytearray(_CAPABILITY.size)
        fcntl.ioctl(fd, VIDIOC_QUERYCAP, buf, True)
        return parse_capability(bytes(buf))
    finally:
        os.close(fd)


def health_of(path: str) -> DeviceHealth:
    """The camera's health as its node answers now."""
    kind = DeviceKind.CAMERA
    try:
        cap = query_capability(path)
    except FileNotFoundError:
        return DeviceHealth(kind, DeviceState.NO_DEVICE, messages.HEALTH_NO_DEVICE, f"{path}: not found")
    except PermissionError as exc:
        return DeviceHealth(kind, DeviceState.HARDWARE_ERROR, messages.HEALTH_NO_ACCESS, f"{path}: {exc.strerror}")
    except OSError as exc:
        if exc.errno in (errno.ENODEV, errno.ENXIO):  # unplugged while the node was still there
            return DeviceHealth(kind, DeviceState.NO_DEVICE, messages.HEALTH_NO_DEVICE, f"{path}: {exc.strerror}")
        if exc.errno in (errno.ENOTTY, errno.EINVAL):
            return DeviceHealth(kind, DeviceState.HARDWARE_ERROR, messages.HEALTH_NOT_A_CAMERA,
                                f"{path}: not a V4L2 device ({exc.strerror})")
        return DeviceHealth(kind, DeviceState.HARDWARE_ERROR, messages.HEALTH_FAILED, f"{path}: {exc.strerror}")
    if not cap.captures_video:
        return DeviceHealth(kind, DeviceState.HARDWARE_ERROR, messages.HEALTH_NOT_A_CAMERA,
                            f"{path}: {cap.detail} has no video capture")
    return DeviceHealth(kind, DeviceState.ONLINE, messages.HEALTH_ONLINE, f"{path}: {cap.detail}")


class V4l2Camera(SupervisedReader):
    """Watches one V4L2 node: health on start, then again every `interval` seconds (unplug, replug)."""

    kind = DeviceKind.CAMERA
    label = "camera"
    thread_name = "camera-watch"
    simulated = False

    def __init__(self, device: str, *, interval: float = 5.0) -> None:
        super().__init__(DeviceHealth(self.kind, DeviceState.UNKNOWN, ""), reconnect_interval=interval)
        self.device = device

    @classmethod
    def from_uri(cls, uri: DeviceUri) -> V4l2Camera:
        return cls(uri.target)

    def _session(self) -> None:
        """One look at the node; the supervisor waits `interval` before the next."""
        self._report_health(health_of(self.device))

    def _stopped(self) -> None:
        self._keep_health(DeviceHealth(self.kind, DeviceState.OFFLINE, messages.HEALTH_STOPPED))

    def frame(self) -> CameraFrame:
        """A real camera's picture is read by the UI (QtMultimedia), never here."""
        raise DeviceError(messages.NO_FRAMES_HERE, f"{self.device}: capture is done by the UI")
