"""Rotating log files in the data folder, one line per event, with personal data masked first."""

from __future__ import annotations

import hashlib
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TextIO

from kiosk.masking import mask_name, scrub
from offline_cache.private import create_private_dirs, touch_private

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"


# Characters a name is written in: CJK ideographs (with extensions A and B…) and the middle dots of
# transliterated minority and foreign names (阿依古丽·买买提).
_NAME_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f·•・]+")


class NameRegistry:
    """Names of the residents served by this process, so free text mentioning them is masked in logs.

    The names of the current session are held in clear (and forgotten by `clear()` at session
    end). Every name also leaves a keyed digest — a random key made at start and never written
    anywhere — so a line logged after the session (a late sync, a background error) is still
    masked without keeping the name itself. At most `remember` digests are kept, oldest dropped.
    """

    def __init__(self, remember: int = 2048, key: bytes | None = None) -> None:
        self._lock = threading.Lock()
        self._names: set[str] = set()
        self._key = key if key is not None else os.urandom(32)
        self._digests: OrderedDict[bytes, int] = OrderedDict()  # digest → name length
        self._remember = remember

    def _digest(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8"), key=self._key, digest_size=16).digest()

    def add(self, name: str) -> None:
        name = (name or "").strip()
        if len(name) < 2:
            return
        digest = self._digest(name)
        with self._lock:
            self._names.add(name)
            self._digests[digest] = len(name)
            self._digests.move_to_end(digest)
            while len(self._digests) > self._remember:
                self._digests.popitem(last=False)

    def clear(self) -> None:
        """Session end: forget the names in clear (their digests keep masking them)."""
        with self._lock:
            self._names.clear()

    def snapshot(self) -> tuple[str, ...]:
        """The current session's names in clear, longest first."""
        with self._lock:
            return tuple(sorted(self._names, key=len, reverse=True))

    def mask(self, text: str) -> str:
        """`text` with every current or remembered name masked (张三 → 张*)."""
        for name in self.snapshot():
            text = text.replace(name, mask_name(name))
        with self._lock:
            lengths = sorted(set(self._digests.values()), reverse=True)
            known = set(self._digests)
        if not lengths:
            return text
        return _NAME_RUN.sub(lambda m: self._mask_run(m.group(0), lengths, known), text)

    def _mask_run(self, run: str, lengths: list[int], known: set[bytes]) -> str:
        out = list(run)
        for n in lengths:  # longest first, so 欧阳娜娜 wins over a remembered 欧阳
            for i in range(len(run) - n + 1):
                if out[i] != "*" and self._digest(run[i : i + n]) in known:
                    out[i + 1 : i + n] = "*" * (n - 1)
        return "".join(out)


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
        record.msg = self._names.mask(scrub(message)).replace("\r", "\\r").replace("\n", " \\n ")
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
        # Made private here (not only by main()'s umask): whoever builds the core, its log folder and file
        # are the kiosk user's alone from the start, so tighten_tree has nothing to warn about on a new site.
        create_private_dirs(log_dir)
        if not (log_dir / "kiosk.log").exists():
            touch_private(log_dir / "kiosk.log")
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


def configure_console_logging(level: str = "WARNING", stream: TextIO | None = None) -> logging.Handler:
    """Maintenance commands (`kiosk devices|sync|cache`): only a masked stderr handler on the root logger."""
    root = logging.getLogger()
    for h in list(root.handlers):  # logging.basicConfig() would print records unmasked
        root.removeHandler(h)
        if getattr(h, "_kiosk_handler", False):
            h.close()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(MaskingFilter())
    handler._kiosk_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
