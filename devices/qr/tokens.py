"""Decide what a scanned line means — a fresh e-SSC token, a repeat, an unreadable code — without keeping the token."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from devices.base import CardFailed, CardReadError, DeviceEvent, QrScanned
from devices.qr import messages
from devices.qr.linereader import Item, LineTooLong

log = logging.getLogger(__name__)

TOKEN_LIFETIME = 60.0  # seconds an e-SSC QR token stays valid in the phone app
MAX_REMEMBERED = 4096  # bound on remembered digests, whatever the scan rate


class QrRejected(CardReadError):
    """A scan that cannot log anyone in; the message says what the resident should do."""


class QrRepeated(QrRejected):
    """The same token was scanned again within its lifetime."""

    def __init__(self) -> None:
        super().__init__(messages.REPEATED, "repeat within token lifetime")


class QrUnreadable(QrRejected):
    """The scan is not a usable token (e.g. far too long)."""

    def __init__(self, detail: str) -> None:
        super().__init__(messages.UNREADABLE, detail)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", errors="replace")).digest()


def token_tag(token: str) -> str:
    """What a log may say about a token: its length and a short hash prefix."""
    return f"len={len(token)} #{_digest(token).hex()[:6]}"


class TokenGuard:
    """Remembers digests (never tokens) of recent scans, to reject a repeat within the lifetime."""

    def __init__(self, clock: Callable[[], float], lifetime: float = TOKEN_LIFETIME) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self._seen: dict[bytes, float] = {}  # digest → time first scanned

    def admit(self, token: str) -> bool:
        """True for a token not seen within its lifetime (and remember it); False for a repeat."""
        now = self._clock()
        self._seen = {d: t for d, t in self._seen.items() if now - t < self._lifetime}
        digest = _digest(token)
        if digest in self._seen:
            return False
        if len(self._seen) >= MAX_REMEMBERED:
            self._seen.pop(next(iter(self._seen)))
        self._seen[digest] = now
        return True


class ScanInterpreter:
    """Turns line-reader output into QrScanned / CardFailed events."""

    def __init__(self, clock: Callable[[], float], lifetime: float = TOKEN_LIFETIME) -> None:
        self._guard = TokenGuard(clock, lifetime)

    def events(self, items: list[Item]) -> list[DeviceEvent]:
        """The events for finished lines, in order."""
        out: list[DeviceEvent] = []
        for item in items:
            if isinstance(item, LineTooLong):
                log.info("QR scan rejected: %s", item)
                out.append(CardFailed("essc", QrUnreadable(str(item))))
            elif self._guard.admit(item):
                log.info("QR scanned: %s", token_tag(item))
                out.append(QrScanned(item))
            else:
                log.info("QR scan is a repeat: %s", token_tag(item))
                out.append(CardFailed("essc", QrRepeated()))
        return out
