"""The one bridge from the core's threads and callbacks to Qt signals on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class CoreBridge(QObject):
    """Re-emits device events and background results on the GUI thread.

    Core objects call `device_sink` / `network_sink` from their worker threads; Qt queues the signal
    to this object's (GUI) thread. `run` executes blocking work on a small pool and delivers the
    result or the exception back on the GUI thread.
    """

    device_event = Signal(object)
    network_changed = Signal(bool)
    _done = Signal(object, object, object)  # callback, result, error

    def __init__(self, workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ui-work")
        self._done.connect(self._deliver)

    def device_sink(self, event: object) -> None:
        self.device_event.emit(event)

    def network_sink(self, online: bool) -> None:
        self.network_changed.emit(online)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        """Run `work` off the GUI thread; call on_done(result) or on_error(exc) back on it."""

        def job() -> Any:
            try:
                result = work()
            except BaseException as exc:  # delivered to the GUI thread, logged there if unhandled
                self._done.emit(on_error, None, exc)
                raise
            self._done.emit(on_done, result, None)
            return result

        return self._pool.submit(job)

    def _deliver(self, callback: Callable[..., None] | None, result: Any, error: BaseException | None) -> None:
        if error is not None:
            if callback is None:
                log.error("background work failed: %s", error, exc_info=error)
            else:
                callback(error)
        elif callback is not None:
            callback(result)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
