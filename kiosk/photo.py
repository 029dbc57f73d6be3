"""The 一寸电子照片 of the photo step: the crop guide, the JPEG, and the camera as the screens see it.

A one-inch photo is 25 × 35 mm; at 300 dpi that is 295 × 413 pixels. The kiosk crops the camera's picture
to the guide shown on the preview and encodes it as a JPEG in memory. The plain (white or blue) background a
registration may require is the counter's concern, not this kiosk's: the kiosk takes the picture as it is.
The JPEG goes only into the submission's payload (encrypted in the outbox); it is never written anywhere else.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from devices.base import CameraFrame, DeviceGone, DeviceHealth, DeviceKind, DeviceState
from devices.manager import DeviceManager

ONE_INCH_PX = (295, 413)  # width, height: 25 × 35 mm at 300 dpi
ONE_INCH_DPI = 300
JPEG_QUALITY = 90
MAX_PHOTO_BYTES = 200_000  # a 295 × 413 JPEG at quality 90 is some 20–60 KB; the contract allows this much
NO_CAMERA = "本机没有摄像头"
GUIDE_HEIGHT = 0.9  # the guide's share of the picture's height (room around the head and shoulders)


class PhotoInvalid(ValueError):
    """Bytes that are not a one-inch JPEG photo."""


def guide_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The crop guide on a picture of width × height: (x, y, w, h), centred, in the 295:413 proportion."""
    gw_ratio, gh_ratio = ONE_INCH_PX
    h = int(height * GUIDE_HEIGHT)
    w = h * gw_ratio // gh_ratio
    if w > width:  # a very narrow picture: the width decides
        w = width
        h = w * gh_ratio // gw_ratio
    return (width - w) // 2, (height - h) // 2, w, h


def one_inch_jpeg(frame: CameraFrame) -> bytes:
    """The part of the picture inside the guide, scaled to 295 × 413, as a JPEG (300 dpi, no other metadata)."""
    if len(frame.rgb) != frame.width * frame.height * 3:
        raise PhotoInvalid(f"frame of {frame.width}x{frame.height} has {len(frame.rgb)} bytes, not RGB")
    picture = Image.frombytes("RGB", (frame.width, frame.height), frame.rgb)
    x, y, w, h = guide_box(frame.width, frame.height)
    photo = picture.crop((x, y, x + w, y + h)).resize(ONE_INCH_PX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=JPEG_QUALITY, dpi=(ONE_INCH_DPI, ONE_INCH_DPI))
    return out.getvalue()


def check_photo(data: object) -> None:
    """Raise PhotoInvalid unless `data` is a JPEG of 295 × 413 pixels within MAX_PHOTO_BYTES."""
    if not isinstance(data, bytes) or not data.startswith(b"\xff\xd8"):
        raise PhotoInvalid("not JPEG bytes")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoInvalid(f"{len(data)} bytes, more than {MAX_PHOTO_BYTES}")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "JPEG" or img.size != ONE_INCH_PX:
                raise PhotoInvalid(f"{img.format} {img.size}, not a {ONE_INCH_PX} JPEG")
    except (UnidentifiedImageError, OSError) as exc:
        raise PhotoInvalid(f"unreadable JPEG: {exc}") from exc


@dataclass(frozen=True)
class PhotoCamera:
    """The camera as the screens use it: is there one, what to open, its health, the simulator's pictures.

    A real camera (`device`, e.g. /dev/video0) is opened by the UI with QtMultimedia; the simulator's pictures
    come from frame(). Built over the device manager by KioskCore.camera.
    """

    devices: DeviceManager

    @property
    def present(self) -> bool:
        """A camera is configured (v4l2:// or sim://): the form takes the photo instead of sending the resident
        to the counter."""
        return self.devices.camera is not None

    @property
    def simulated(self) -> bool:
        camera = self.devices.camera
        return camera is not None and camera.simulated

    @property
    def device(self) -> str:
        """The V4L2 node the UI opens ("" for the simulator or none)."""
        camera = self.devices.camera
        return "" if camera is None else camera.device

    def health(self) -> DeviceHealth:
        return self.devices.health().get(DeviceKind.CAMERA, DeviceHealth(DeviceKind.CAMERA, DeviceState.NO_DEVICE, ""))

    def frame(self) -> CameraFrame:
        """The simulator's next picture (DeviceError for a real camera, DeviceGone while unplugged)."""
        camera = self.devices.camera
        if camera is None:
            raise DeviceGone(NO_CAMERA, "devices.camera = none")
        return camera.frame()
