"""Split a scanner's character stream into lines: CR, LF, CRLF or an idle gap ends a line; pure, no I/O."""

from __future__ import annotations

DEFAULT_MAX_LENGTH = 512
DEFAULT_IDLE_GAP = 0.08  # seconds without a character that end an unterminated scan (50–100 ms)
TERMINATORS = "\r\n"


class LineTooLong(Exception):
    """A line longer than the maximum; it was discarded up to its end (terminator or idle gap)."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"line of at least {length} characters exceeds {limit}")
        self.length = length
        self.limit = limit


Item = str | LineTooLong


class LineReader:
    """Incremental line reader with idle-gap termination and a length limit.

    Only visible ASCII and spaces are kept (control bytes, DEL and anything non-ASCII are line
    noise); leading/trailing spaces are stripped and empty lines are dropped, so CRLF and
    stray terminators produce nothing extra. Times are passed in, never read from a clock.
    """

    def __init__(self, max_length: int = DEFAULT_MAX_LENGTH, idle_gap: float = DEFAULT_IDLE_GAP) -> None:
        self._max = max_length
        self._gap = idle_gap
        self._buf: list[str] = []
        self._overflow = 0  # > 0 while discarding an overlong line: characters seen so far
        self._last: float | None = None

    @property
    def pending(self) -> bool:
        """True while part of a line is buffered (or being discarded)."""
        return bool(self._buf) or self._overflow > 0

    def feed(self, text: str, now: float) -> list[Item]:
        """Add characters received at `now`; return finished lines and LineTooLong errors in order."""
        if not text:
            return self.poll(now)
        out = self.poll(now)  # a gap before these characters ends the previous line
        for ch in text:
            if ch in TERMINATORS:
                out += self._end()
            elif not " " <= ch <= "~":
                continue
            elif self._overflow:
                self._overflow += 1
            elif len(self._buf) >= self._max:
                self._overflow = len(self._buf) + 1
                self._buf.clear()
            else:
                self._buf.append(ch)
        self._last = now
        return out

    def poll(self, now: float) -> list[Item]:
        """End a buffered line if nothing arrived for the idle gap."""
        if self.pending and self._last is not None and now - self._last >= self._gap:
            return self._end()
        return []

    def _end(self) -> list[Item]:
        overflow, line = self._overflow, "".join(self._buf).strip()
        self._buf.clear()
        self._overflow = 0
        if overflow:
            return [LineTooLong(overflow, self._max)]
        return [line] if line else []
