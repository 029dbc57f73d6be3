"""The photo step's live picture: from the simulated camera (pulled from the core), or a real one via QtMultimedia.

Both give QImages through the same `FrameSource` signals, and a taken picture goes the same way from then on
(`camera_frame` → kiosk.photo.one_inch_jpeg). A real camera is opened by its V4L2 node (devices.camera, e.g.
/dev/video0) among QMediaDevices' video inputs; QtMultimedia delivers its frames without blocking the GUI
thread. Frames live only in memory.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from kiosk.photo import PhotoCamera
from kiosk.values import CameraFrame, DeviceError
from ui.text import tr

if TYPE_CHECKING:  # QtMultimedia is loaded only when a real camera is used
    from PySide6.QtMultimedia import QCamera, QCameraDevice, QMediaCaptureSession, QVideoSink

log = logging.getLogger(__name__)

SIM_INTERVAL_MS = 100  # the simulator's preview: ten pictures a second


def qimage_of(frame: CameraFrame) -> QImage:
    """A QImage owning a copy of the frame's pixels."""
    return QImage(frame.rgb, frame.width, frame.height, frame.width * 3, QImage.Format.Format_RGB888).copy()


def camera_frame(image: QImage) -> CameraFrame:
    """The picture as 8-bit RGB rows (what kiosk.photo crops and encodes)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    raw = bytes(rgb.constBits())
    if stride != w * 3:  # rows padded to 4 bytes: keep the pixels only
        raw = b"".join(raw[y * stride:y * stride + w * 3] for y in range(h))
    return CameraFrame(w, h, raw[:w * h * 3])


class FrameSource(QObject):
    """A running picture: `frame` for each new one, `failed` with the plain message when it cannot run."""

    frame = Signal(QImage)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.latest: QImage | None = None

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def _deliver(self, image: QImage) -> None:
        if image.isNull():
            return
        self.latest = image
        self.frame.emit(image)

    def forget(self) -> None:
        """Drop the last picture (a session ended)."""
        self.latest = None


class SimFrameSource(FrameSource):
    """The simulated camera's pictures, pulled from the core on a timer (drawing one is cheap and does no I/O)."""

    def __init__(self, camera: PhotoCamera, interval_ms: int = SIM_INTERVAL_MS) -> None:
        super().__init__()
        self.camera = camera
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._tick()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        try:
            frame = self.camera.frame()
        except DeviceError as exc:
            self.timer.stop()
            log.warning("simulated camera gives no picture: %s", exc.detail or exc.message)
            self.failed.emit(exc.message)
            return
        self._deliver(qimage_of(frame))


class QtCameraSource(FrameSource):
    """A real camera through QtMultimedia: QCamera → QMediaCaptureSession → QVideoSink, frames as QImages."""

    def __init__(self, device: str) -> None:
        super().__init__()
        self.device = device
        self._camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None
        self._sink: QVideoSink | None = None

    def _find(self) -> QCameraDevice | None:
        from PySide6.QtMultimedia import QMediaDevices

        wanted = {self.device, os.path.realpath(self.device)}  # a udev link names the same node
        for dev in QMediaDevices.videoInputs():
            node = bytes(dev.id().data()).decode("utf-8", "replace")
            if node in wanted or os.path.realpath(node) in wanted:
                return dev
        return None

    def start(self) -> None:
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QVideoSink

        if self._camera is None:
            dev = self._find()
            if dev is None:
                log.warning("camera %s is not among the video inputs Qt sees", self.device)
                self.failed.emit(tr("forms_photo.camera_failed"))
                return
            camera = QCamera(dev)
            session = QMediaCaptureSession()
            sink = QVideoSink()
            session.setCamera(camera)
            session.setVideoSink(sink)
            sink.videoFrameChanged.connect(lambda f: self._deliver(f.toImage()))
            camera.errorOccurred.connect(self._error)
            self._camera, self._session, self._sink = camera, session, sink
        self._camera.start()

    def _error(self, _error: object, text: str) -> None:
        log.warning("camera %s failed: %s", self.device, text)
        self.failed.emit(tr("forms_photo.camera_failed"))

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()


def make_frame_source(camera: PhotoCamera) -> FrameSource:
    """The simulator's or the real camera's picture source."""
    return SimFrameSource(camera) if camera.simulated else QtCameraSource(camera.device)
