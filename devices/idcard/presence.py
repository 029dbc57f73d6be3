"""Turn what the reader observes (read / no card / unreadable) into card events, with removal and repeat rules."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from devices.base import CardFailed, CardInserted, CardReadError, CardRemoved, DeviceEvent, IdentityRead
from devices.idcard.text import expiry_error


def id_tag(id_number: str) -> str:
    """A short, non-reversible tag for logs: never the number itself."""
    return "#" + hashlib.sha256(id_number.encode()).hexdigest()[:8]


class CardPresence:
    """The card-on-reader state machine shared by the real driver and the simulator.

    Every card placed yields exactly one CardInserted (valid card) or CardFailed (expired or
    unreadable card), then exactly one CardRemoved when it is taken away — so the UI can clear
    what it showed. Expired cards give CardFailed(IdCardExpired): the resident never logs in
    with one, and the UI shows error.message ("您的身份证已过有效期…") as is.
    Removal is N consecutive misses. Many readers halt a card after reading it, so "find" fails
    while it still lies there: such a card counts as taken away, and putting it down again is a
    new placement.

    Repeat window: when the reader itself went away (unplugged, stopped answering, restarted) the
    card on it counts as removed (`card_gone`), but the card usually still lies there; when the
    reader is back and reads the same ID number within `repeat_window` seconds of its last read,
    it is the same placement, not a new one, and is not reported again. A removal the reader has
    seen (`no_card` N times in a row, or `taken_away`) ends the window: putting the same card back
    after that, however quickly, is a new placement and reported (a resident who logged out,
    took the card and put it back wants to log in again).
    """

    def __init__(
        self,
        clock: Callable[[], float],
        removal_misses: int = 3,
        repeat_window: float = 4.0,
        read_attempts: int = 3,
    ) -> None:
        self._clock = clock
        self._removal_misses = removal_misses
        self._repeat_window = repeat_window
        self._read_attempts = read_attempts
        self.present = False
        # Cards are told apart by a keyed digest of the number, never the number itself: the last
        # resident's ID number must not stay in the reader's memory after they left.
        self._key = secrets.token_bytes(16)
        self._current: bytes | None = None  # digest of the present card's number; None if unreadable
        self._misses = 0
        self._failures = 0
        self._last_id: bytes | None = None
        self._last_seen = 0.0

    def _digest(self, id_number: str) -> bytes:
        return hashlib.blake2b(id_number.encode(), key=self._key, digest_size=16).digest()

    def card_read(self, identity: IdentityRead) -> list[DeviceEvent]:
        """A card was read successfully."""
        now = self._clock()
        self._misses = self._failures = 0
        digest = self._digest(identity.id_number)
        repeat = digest == self._last_id and now - self._last_seen < self._repeat_window
        self._last_id, self._last_seen = digest, now
        if self.present and self._current == digest:
            return []  # the same card still lies there
        events: list[DeviceEvent] = []
        if self.present:
            events += self.card_gone()  # another card replaced it without a visible gap
        elif repeat:
            return []
        self.present, self._current = True, digest
        error = expiry_error(identity)
        events.append(CardFailed("id_card", error) if error else CardInserted(identity))
        return events

    def no_card(self) -> list[DeviceEvent]:
        """The reader found no card this poll; N in a row mean the card was taken away."""
        self._failures = 0
        self._misses += 1
        if self._misses < self._removal_misses:
            return []
        return self.taken_away()  # also ends a repeat window left by a reader loss while no card was present

    def taken_away(self) -> list[DeviceEvent]:
        """The card was seen to go: report the removal (if a card was reported) and end the repeat window."""
        self._last_id = None
        return self.card_gone()

    def card_unreadable(self, error: CardReadError) -> list[DeviceEvent]:
        """A card is there but select/read/decoding failed; report it after a few tries in a row."""
        self._misses = 0
        if self.present:
            return []
        self._failures += 1
        if self._failures < self._read_attempts:
            return []
        self._failures = 0
        self.present, self._current = True, None
        return [CardFailed("id_card", error)]

    def card_gone(self) -> list[DeviceEvent]:
        """The reader itself disappeared: a card on it counts as removed, the repeat window stays."""
        self._misses = self._failures = 0
        if not self.present:
            return []
        self.present, self._current = False, None
        return [CardRemoved("id_card")]
