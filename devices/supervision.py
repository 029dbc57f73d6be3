"""What every card reader and scanner driver shares: health bookkeeping, safe event delivery, a supervised worker.

`DeviceEvents` keeps a driver's last known health and hands events to the subscriber's sink so that a
faulty subscriber never stops a device; `SimulatedDevice` adds the hand-driven simulators' start/stop
and unplug/plug-in. `SupervisedReader`
adds the worker thread of the real drivers: start/stop, and a supervision loop that runs the driver's
`_session()` again after a fault or an unplugged device, so a bug or a lost port never kills a reader
for good.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from devices.base import (
    SIMULATED_DETAIL,
    DeviceEvent,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    EventSink,
    HealthChanged,
)

log = logging.getLogger(__name__)


class DeviceEvents:
    """A driver's last known health and fault-tolerant event delivery (CardReaderDriver's health())."""

    kind: DeviceKind
    label = "device"  # a name for logs ("ID card reader"); never personal data
    log_events = False  # True: every event is logged at INFO (their reprs carry no personal data)

    def __init__(self, health: DeviceHealth) -> None:
        self._sink: EventSink | None = None
        self._health = health
        self._health_lock = threading.Lock()

    def health(self) -> DeviceHealth:
        """The last known health."""
        with self._health_lock:
            return self._health

    def _emit(self, *events: DeviceEvent) -> None:
        """Deliver events to the sink in order; nothing when there is no subscriber; a failing sink is logged."""
        sink = self._sink
        if sink is None:
            return
        for event in events:
            if self.log_events:
                log.info("%s event: %s", self.label, event)
            try:
                sink(event)
            except Exception:  # a faulty subscriber must not stop the device
                log.exception("%s: event sink failed on %s", self.label, type(event).__name__)

    def _report_health(self, health: DeviceHealth) -> bool:
        """Keep `health`; report HealthChanged when the state or message changed (a new detail alone is kept quietly).

        Returns True when it was reported.
        """
        with self._health_lock:
            before, self._health = self._health, health
        if (before.state, before.message) == (health.state, health.message):
            return False
        log.info("%s health: %s (%s)", self.label, health.state.value, health.detail)
        self._emit(HealthChanged(health))
        return True

    def _keep_health(self, health: DeviceHealth) -> None:
        """Keep `health` without reporting it (e.g. "stopped" after stop(): nobody listens any more)."""
        with self._health_lock:
            self._health = health


@dataclass(frozen=True)
class HealthTexts:
    """A device's plain health messages (its messages module's HEALTH_*)."""

    online: str
    no_device: str
    stopped: str


class SimulatedDevice(DeviceEvents):
    """A simulator driven by hand: stopped until start(), online while started, unplug()/plug_in() on demand."""

    def __init__(self, texts: HealthTexts) -> None:
        super().__init__(DeviceHealth(self.kind, DeviceState.OFFLINE, texts.stopped))
        self._texts = texts

    def start(self, sink: EventSink) -> None:
        """Go online and start delivering events to `sink`."""
        self._sink = sink
        self.plug_in()

    def stop(self) -> None:
        """Stop delivering events."""
        self._sink = None
        self._keep_health(DeviceHealth(self.kind, DeviceState.OFFLINE, self._texts.stopped))

    def unplug(self) -> None:
        """Simulate the device's cable being pulled."""
        self._report_health(DeviceHealth(self.kind, DeviceState.NO_DEVICE, self._texts.no_device, SIMULATED_DETAIL))

    def plug_in(self) -> None:
        """Simulate the device coming back."""
        self._report_health(DeviceHealth(self.kind, DeviceState.ONLINE, self._texts.online, SIMULATED_DETAIL))


class SupervisedReader(DeviceEvents):
    """A driver with its own worker thread that runs `_session()` again until stop() (CardReaderDriver).

    Subclasses write `_session()` (open the device, serve it until it is lost or stop is asked, return),
    and may override `_session_failed` (health after an unexpected exception), `_between_sessions`
    (e.g. a card on a lost reader counts as removed), `_wake` (interrupt a blocking wait for stop()) and
    `_stopped` (what health() says once stopped).
    """

    thread_name = "device-reader"

    def __init__(self, health: DeviceHealth, *, reconnect_interval: float = 1.0, stop_join: float = 2.0) -> None:
        super().__init__(health)
        self._reconnect_interval = reconnect_interval
        self._stop_join = stop_join
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, sink: EventSink) -> None:
        """Start the worker thread; events go to `sink` on that thread."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError(f"{type(self).__name__} already started")
        self._sink = sink
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the worker to stop (waking it from a blocking wait), join it, then say it is stopped."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            limit = self._stop_join if timeout is None else timeout
            deadline = time.monotonic() + limit
            while thread.is_alive() and time.monotonic() < deadline:
                self._wake()  # some waits only wake when one is in progress: repeat until the worker is out
                thread.join(0.05)
            if thread.is_alive():
                log.warning("%s worker did not stop within %.1f s", self.label, limit)
        self._stopped()

    @property
    def running(self) -> bool:
        """True while the worker thread is alive."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    # ---- supervision ----
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._session()
            except Exception as exc:  # supervisor: a bug must not kill the reader for good
                log.exception("%s worker failed; restarting", self.label)
                self._session_failed(exc)
            if self._stop.is_set():
                break
            self._between_sessions()
            self._stop.wait(self._reconnect_interval)

    def _session(self) -> None:
        raise NotImplementedError

    def _session_failed(self, exc: Exception) -> None:
        """Health after an unexpected exception in `_session` (the supervisor has logged it)."""
        self._report_health(DeviceHealth(self.kind, DeviceState.HARDWARE_ERROR, self.health().message, f"worker: {exc!r}"))

    def _between_sessions(self) -> None:
        """Called after a session ended while the reader keeps running (before the reconnect wait)."""

    def _wake(self) -> None:
        """Interrupt a blocking wait of the worker so it sees stop() (nothing by default)."""

    def _stopped(self) -> None:
        """After the worker has ended (nothing by default; the health stays the last known)."""
