"""A simulated camera for demos and UI tests: always there (unless unplugged by hand), showing a test picture."""

from __future__ import annotations

import threading

from devices.base import (
    SIMULATED_DETAIL,
    CameraFrame,
    DeviceGone,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    EventSink,
)
from devices.camera import messages
from devices.camera.picture import TestPicture
from devices.supervision import DeviceEvents


class SimCamera(DeviceEvents):
    """Same interface and health values as V4l2Camera; its pictures come from frame() (no I/O, any thread)."""

    kind = DeviceKind.CAMERA
    label = "simulated camera"
    device = ""
    simulated = True

    def __init__(self, picture: TestPicture | None = None) -> None:
        super().__init__(DeviceHealth(self.kind, DeviceState.OFFLINE, messages.HEALTH_STOPPED))
        self._picture = picture or TestPicture()
        self._lock = threading.Lock()

    def start(self, sink: EventSink) -> None:
        self._sink = sink
        self._report_health(DeviceHealth(self.kind, DeviceState.ONLINE, messages.HEALTH_ONLINE, SIMULATED_DETAIL))

    def stop(self) -> None:
        self._sink = None
        self._keep_health(DeviceHealth(self.kind, DeviceState.OFFLINE, messages.HEALTH_STOPPED))

    def frame(self) -> CameraFrame:
        """The next picture; DeviceGone while unplugged."""
        if not self.health().usable:
            raise DeviceGone(self.health().message or messages.HEALTH_NO_DEVICE, "simulated camera not online")
        with self._lock:
            return self._picture.frame()

    def unplug(self) -> None:
        """Simulate the camera's cable being pulled."""
        self._report_health(DeviceHealth(self.kind, DeviceState.NO_DEVICE, messages.HEALTH_NO_DEVICE, SIMULATED_DETAIL))

    def plug_in(self) -> None:
        """Simulate the camera coming back."""
        self._report_health(DeviceHealth(self.kind, DeviceState.ONLINE, messages.HEALTH_ONLINE, SIMULATED_DETAIL))
