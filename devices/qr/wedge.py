"""Tell a keyboard-wedge scanner's keystrokes from a person's typing by their timing; pure, no I/O.

A USB-HID scanner "types" its code as a burst of keys a few milliseconds apart, usually ending in
Enter; a person types tens of times slower. Every printable key is held back while it may still be
the start of a burst: when the next key comes within `max_gap` it joins the burst; when the gap
passes (or a key that is not part of a scan arrives) the held keys are handed back, unchanged and
in order, to be typed where they were aimed. A burst of at least `min_length` characters that
ends in Enter (or in silence) is a scan: its keys are never typed anywhere. Times are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")

MAX_GAP = 0.05  # seconds between two keys of one burst (scanners: ~1–10 ms; people: ≥ 80 ms)
MIN_LENGTH = 8  # characters before Enter for a burst to count as a scan (e-SSC codes are far longer)
ENTER = "\r"


@dataclass(frozen=True)
class PassThrough(Generic[K]):
    """Keys that were typed by a person: deliver them to their target as if never held."""

    keys: tuple[K, ...]


@dataclass(frozen=True)
class Scanned:
    """A scanner's burst: the text it carried (no Enter); its keys are swallowed."""

    text: str

    def __repr__(self) -> str:  # a scan may be a login token: show only its length
        return f"Scanned(len={len(self.text)})"


Outcome = PassThrough[K] | Scanned


def is_scan_character(char: str) -> bool:
    """Printable ASCII: what a scanner types for a QR code's text."""
    return len(char) == 1 and " " <= char <= "~"


class BurstDetector(Generic[K]):
    """Holds keys while they may be a scanner's burst and says what each held run turned out to be.

    `K` is whatever the caller needs to deliver a key later (a Qt event and its receiver; a
    character in tests). Call `key()` for each printable key or Enter, `other()` before a key that
    can never be part of a scan (arrows, Backspace, with Ctrl…), and `poll()` when a timer fires.
    """

    def __init__(self, max_gap: float = MAX_GAP, min_length: int = MIN_LENGTH) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self._held: list[tuple[K, str]] = []
        self._last: float | None = None

    @property
    def holding(self) -> bool:
        """True while keys are held back (the caller should poll after `max_gap`)."""
        return bool(self._held)

    def key(self, key: K, char: str, now: float) -> list[Outcome[K]]:
        """A printable key or Enter (`char` == "\\r") at `now`; returns what to do, in order."""
        out = self.poll(now)
        if char == ENTER:
            if len(self._held) >= self.min_length:
                out.append(self._scan())
            else:
                out.append(PassThrough((*self._release_keys(), key)))
            return out
        if not is_scan_character(char):
            return [*out, *self.other(), PassThrough((key,))]
        self._held.append((key, char))
        self._last = now
        return out

    def other(self) -> list[Outcome[K]]:
        """A key that is no part of a scan is about to be delivered: whatever is held goes first."""
        return self._finish()

    def poll(self, now: float) -> list[Outcome[K]]:
        """End the held run if the gap since its last key has passed."""
        if self._held and self._last is not None and now - self._last >= self.max_gap:
            return self._finish()
        return []

    def _finish(self) -> list[Outcome[K]]:
        if not self._held:
            return []
        if len(self._held) >= self.min_length:  # a scanner configured without the Enter suffix
            return [self._scan()]
        return [PassThrough(self._release_keys())]

    def _scan(self) -> Scanned:
        text = "".join(c for _, c in self._held)
        self._held.clear()
        self._last = None
        return Scanned(text)

    def _release_keys(self) -> tuple[K, ...]:
        keys = tuple(k for k, _ in self._held)
        self._held.clear()
        self._last = None
        return keys

