"""A simulated camera for demos and UI tests: always there (unless unplugged by hand), showing a test picture."""

from __future__ import annotations

import threading

from devices.base import CameraFrame, DeviceGone, DeviceKind
from devices.camera import messages
from devices.camera.picture import TestPicture
from devices.supervision import HealthTexts, SimulatedDevice


class SimCamera(SimulatedDevice):
    """Same interface and health values as V4l2Camera; its pictures come from frame() (no I/O, any thread)."""

    kind = DeviceKind.CAMERA
    label = "simulated camera"
    device = ""
    simulated = True

    def __init__(self, picture: TestPicture | None = None) -> None:
        super().__init__(HealthTexts(messages.HEALTH_ONLINE, messages.HEALTH_NO_DEVICE, messages.HEALTH_STOPPED))
        self._picture = picture or TestPicture()
        self._lock = threading.Lock()

    def frame(self) -> CameraFrame:
        """The next picture; DeviceGone while unplugged."""
        if not self.health().usable:
            raise DeviceGone(self.health().message or messages.HEALTH_NO_DEVICE, "simulated camera not online")
        with self._lock:
            return self._picture.frame()
