"""The device manager: owns every driver and its threads, keeps health, fans out events."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.base import (
    CameraDriver,
    CardFailed,
    CardInserted,
    CardReaderDriver,
    CardRemoved,
    DeviceError,
    DeviceEvent,
    DeviceGone,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    EventSink,
    HealthChanged,
    PrinterDriver,
    SsCardPinReader,
)

log = logging.getLogger(__name__)

MAINTENANCE_MESSAGE = "设备维护中，请稍后再来，或到柜台办理"
START_FAILED_MESSAGE = "设备启动失败，请联系工作人员"
# Card sources whose readers report the card's removal: only their last card event is current state.
# (An e-SSC scan or a refused QR code is a moment, not something lying on a reader: never replayed.)
PRESENCE_SOURCES = ("id_card", "ss_card")


class DeviceManager:
    """Starts and stops the drivers, polls the printer's status, and publishes one event stream.

    Card readers run their own supervised threads and report through `_on_event`; the printer is
    asked for its status by the manager's poller every `status_interval_s`. Subscribers are called on
    the thread that produced the event (the UI bridges them to its own thread).

    Late listeners learn the current state: `subscribe` first replays, to the new sink only, the
    health each device has reported and the card lying on each reader (its CardInserted or
    CardFailed, until its CardRemoved) — a card already on the reader when the kiosk starts is
    reported by the driver before the screens listen. Remembering an event and handing it to the
    sinks happen under one lock, so a new sink gets every change exactly once, in order.
    """

    def __init__(
        self,
        readers: dict[DeviceKind, CardReaderDriver],
        printer: PrinterDriver,
        *,
        status_interval_s: float = 5.0,
        simulators: dict[DeviceKind, object] | None = None,
        camera: CameraDriver | None = None,
    ) -> None:
        self._readers = dict(readers)
        self._camera = camera
        # every driver with its own watcher thread: the card readers and scanners, and the camera
        self._watched: dict[DeviceKind, CardReaderDriver | CameraDriver] = dict(self._readers)
        if camera is not None:
            self._watched[DeviceKind.CAMERA] = camera
        self._printer = printer
        self._interval = status_interval_s
        self._sinks: list[EventSink] = []
        self._lock = threading.RLock()
        self._delivery = threading.RLock()  # remember + publish, and subscribe + replay, one at a time
        self._cards: dict[str, CardInserted | CardFailed] = {}  # by source: the card on that reader now
        self._reported: set[DeviceKind] = set()  # devices that have reported a health (not the placeholder)
        self._print_lock = threading.Lock()
        self._health: dict[DeviceKind, DeviceHealth] = {
            k: DeviceHealth(k, DeviceState.UNKNOWN, "") for k in (*self._watched, DeviceKind.PRINTER)
        }
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._maintenance: str | None = None
        self.simulators = dict(simulators or {})

    # ---- lifecycle ----
    def start(self) -> None:
        """Start every reader's worker (and the camera's watcher) and the printer poller; a device that fails to
        start is reported, not fatal."""
        for kind, reader in self._watched.items():
            try:
                reader.start(self._on_event)
            except DeviceGone as exc:
                self._set_health(DeviceHealth(kind, DeviceState.NO_DEVICE, exc.message, exc.detail))
            except DeviceError as exc:
                self._set_health(DeviceHealth(kind, DeviceState.HARDWARE_ERROR, exc.message, exc.detail))
            except Exception as exc:  # a driver bug must not leave the other devices unstarted
                log.exception("starting %s failed", kind)
                health = DeviceHealth(kind, DeviceState.HARDWARE_ERROR, START_FAILED_MESSAGE, repr(exc))
                self._set_health(health)
        self._stop.clear()
        self._poller = threading.Thread(target=self._poll_printer, name="printer-status", daemon=True)
        self._poller.start()

    def stop(self) -> None:
        self._stop.set()
        for kind, reader in self._watched.items():
            try:
                reader.stop()
            except Exception:
                log.exception("stopping %s failed", kind)
        if self._poller is not None:
            self._poller.join(timeout=10)
        try:
            self._printer.close()
        except Exception:
            log.exception("closing the printer failed")

    # ---- events ----
    def subscribe(self, sink: EventSink) -> Callable[[], None]:
        """Add a sink; it first gets the current state (see the class docstring), then every event."""
        with self._delivery:
            with self._lock:
                self._sinks.append(sink)
                health = self.health()
                replay: list[DeviceEvent] = [
                    HealthChanged(h) for k, h in health.items() if k in self._reported or self._maintenance
                ]
                replay += self._cards.values()
            for event in replay:
                self._deliver(sink, event)

        def unsubscribe() -> None:
            with self._lock:
                if sink in self._sinks:
                    self._sinks.remove(sink)

        return unsubscribe

    def forget_cards(self) -> None:
        """Drop the remembered card reads (name, ID number) at a session's end; a card still lying there is
        not replayed to later listeners, and nothing personal stays in memory."""
        with self._lock:
            self._cards.clear()

    def _publish(self, event: DeviceEvent) -> None:
        with self._delivery:
            with self._lock:
                sinks = list(self._sinks)
            for sink in sinks:
                self._deliver(sink, event)

    @staticmethod
    def _deliver(sink: EventSink, event: DeviceEvent) -> None:
        try:
            sink(event)
        except Exception:
            log.exception("a device event subscriber failed on %s", type(event).__name__)

    def _on_event(self, event: DeviceEvent) -> None:
        if isinstance(event, HealthChanged):
            self._set_health(event.health)
            return
        with self._delivery:
            with self._lock:
                if isinstance(event, CardInserted) and event.identity.source in PRESENCE_SOURCES:
                    self._cards[event.identity.source] = event
                elif isinstance(event, CardFailed) and event.source in PRESENCE_SOURCES:
                    self._cards[event.source] = event
                elif isinstance(event, CardRemoved):
                    self._cards.pop(event.source, None)
            self._publish(event)

    def _set_health(self, health: DeviceHealth) -> None:
        with self._delivery:
            with self._lock:
                self._reported.add(health.kind)
                if self._maintenance is not None and health.state != DeviceState.MAINTENANCE:
                    self._health[health.kind] = health  # remembered, shown again when maintenance ends
                    return
                changed = self._health.get(health.kind) != health
                self._health[health.kind] = health
            if changed:
                log.info("%s: %s %s", health.kind.value, health.state.value, health.detail or health.message)
                self._publish(HealthChanged(health))

    # ---- health ----
    def health(self) -> dict[DeviceKind, DeviceHealth]:
        """Last known health of every device (MAINTENANCE for all while a technician holds them)."""
        with self._lock:
            if self._maintenance is not None:
                return {k: DeviceHealth(k, DeviceState.MAINTENANCE, self._maintenance) for k in self._health}
            return dict(self._health)

    def device_health(self) -> dict[DeviceKind, DeviceHealth]:
        """Each device's own last known state, also while held for maintenance (technicians, heartbeat)."""
        with self._lock:
            return dict(self._health)

    def refresh_printer(self) -> DeviceHealth:
        """Ask the printer now (blocks for at most its status timeout)."""
        with self._print_lock:
            try:
                health = self._printer.health()
            except DeviceError as exc:
                health = DeviceHealth(DeviceKind.PRINTER, DeviceState.OFFLINE, exc.message, exc.detail)
        self._set_health(health)
        return health

    def _poll_printer(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh_printer()
            except Exception:
                log.exception("printer status poll failed")
            self._stop.wait(self._interval)

    # ---- actions ----
    @property
    def printer(self) -> PrinterDriver:
        return self._printer

    def reader(self, kind: DeviceKind) -> CardReaderDriver | None:
        return self._readers.get(kind)

    @property
    def camera(self) -> CameraDriver | None:
        """The photo step's camera; None when none is configured."""
        return self._camera

    def ss_card_reader(self) -> SsCardPinReader | None:
        """The social security card reader, to ask the card about its PIN; None when none is configured."""
        reader = self._readers.get(DeviceKind.SS_CARD)
        return reader if isinstance(reader, SsCardPinReader) else None

    def print_document(self, document: object) -> DeviceHealth:
        """Print (blocking); raises a PrinterError subclass with the message for the resident."""
        if self._maintenance is not None:
            raise DeviceError(MAINTENANCE_MESSAGE, "maintenance")
        return self.technician_print(document)

    def technician_print(self, document: object) -> DeviceHealth:
        """Print for the technician who holds the devices (maintenance refuses residents, not them)."""
        with self._print_lock:
            try:
                health = self._printer.print_document(document)
            except DeviceError as exc:
                self._set_health(self._printer_health_after(exc))
                raise
        self._set_health(health)
        return health

    def _printer_health_after(self, exc: DeviceError) -> DeviceHealth:
        from devices.base import CoverOpen, PaperOut, PrinterOffline

        if isinstance(exc, PaperOut | CoverOpen):
            return DeviceHealth(DeviceKind.PRINTER, DeviceState.USER_ERROR, exc.message, exc.detail)
        if isinstance(exc, PrinterOffline):
            return DeviceHealth(DeviceKind.PRINTER, DeviceState.OFFLINE, exc.message, exc.detail)
        return DeviceHealth(DeviceKind.PRINTER, DeviceState.HARDWARE_ERROR, exc.message, exc.detail)

    # ---- maintenance ----
    def set_maintenance(self, on: bool, message: str = MAINTENANCE_MESSAGE) -> None:
        """A technician holds (or releases) the devices; residents are told they are under maintenance."""
        with self._delivery:
            with self._lock:
                self._maintenance = message if on else None
                snapshot = self.health()
            for h in snapshot.values():
                self._publish(HealthChanged(h))

    @property
    def in_maintenance(self) -> bool:
        return self._maintenance is not None
