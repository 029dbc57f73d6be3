"""Rotating log files in the data folder, one line per event, with personal data masked first."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path

from kiosk.masking import scrub

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"


class NameRegistry:
    """Names of the residents currently being served, so free text mentioning them is masked too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: set[str] = set()

    def add(self, name: str) -> None:
        with self._lock:
            if name:
                self._names.add(name)

    def clear(self) -> None:
        with self._lock:
            self._names.clear()

    def snapshot(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(sorted(self._names, key=len, reverse=True))


class MaskingFilter(logging.Filter):
    """Render the record, mask personal data in it, and keep it on one line."""

    def __init__(self, names: NameRegistry | None = None) -> None:
        super().__init__()
        self._names = names or NameRegistry()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception as exc:  # a broken format string must not lose the event
            message = f"{record.msg!r} (unformattable: {exc})"
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            message = f"{message} | {record.exc_text}"
            record.exc_text = None
            record.exc_info = None
        record.msg = scrub(message, self._names.snapshot()).replace("\r", "\\r").replace("\n", " \\n ")
        record.args = None
        return True


class DiskLogHandler(logging.handlers.RotatingFileHandler):
    """The rotating log file; when the disk refuses a write (full, read-only) it says so once, without a traceback."""

    _refused = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            super().handleError(record)
            return
        if not self._refused:  # the console handler still carries every message to the journal
            self._refused = True
            sys.stderr.write(f"log file {self.baseFilename} cannot be written ({exc.strerror}); "
                             "messages continue on the console only\n")


def configure_logging(
    log_dir: Path,
    *,
    level: str = "INFO",
    names: NameRegistry | None = None,
    max_bytes: int = 2_000_000,
    backups: int = 10,
    console: bool = True,
) -> logging.Handler:
    """Install the masking rotating file handler (and a masked console handler) on the root logger.

    When the log folder cannot be written (full or read-only disk) the console handler is installed
    anyway, so the technician's message still reaches the system journal; the first handler is returned.
    """
    mask = MaskingFilter(names)
    file_handler: logging.Handler | None = None
    unwritable: OSError | None = None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = DiskLogHandler(
            log_dir / "kiosk.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:
        unwritable, console = exc, True
    root = logging.getLogger()
    # Only our masked handlers may write: libraries that call logging.basicConfig() on import
    # (python-escpos does) would otherwise print every record, unmasked, to stderr.
    for h in list(root.handlers):
        root.removeHandler(h)
        if getattr(h, "_kiosk_handler", False):
            h.close()
    handlers: list[logging.Handler] = [file_handler] if file_handler is not None else []
    if console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(mask)
        handler._kiosk_handler = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper())
    if unwritable is not None:
        logging.getLogger(__name__).error("log folder %s cannot be written (%s); logging to the console only",
                                          log_dir, unwritable.strerror)
    return handlers[0]
