"""The speech service: `say()` queues an utterance; one worker thread says them in turn.

`say()` returns at once (the GUI thread never waits for audio). `interrupt=True` (the default) drops
what is queued and cuts off what is being said, so the newest screen or key press is heard at once;
`interrupt=False` queues behind. The switch (`set_enabled`) is per session: the UI turns it on for
语音 / 帮助 / 长辈模式 and back to the site default when the session ends. Text goes through
`reading.speakable` (Chinese numbers, dates; personal numbers masked) before any engine sees it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from kiosk.masking import scrub
from kiosk.settings import SpeechSettings
from kiosk.speech.engines import (
    EspeakEngine,
    PromptPackEngine,
    RecordingEngine,
    SilentEngine,
    SpeechEngine,
    SpeechUnavailable,
    Utterance,
)
from kiosk.speech.reading import speakable

log = logging.getLogger(__name__)

Lookup = Callable[[str], "str | None"]
Listener = Callable[[Utterance], None]


class SpeechService:
    """Queue, interruption, volume, rate and an on/off switch in front of one engine."""

    def __init__(self, engine: SpeechEngine, settings: SpeechSettings | None = None, *,
                 lookup: Lookup | None = None) -> None:
        self.engine = engine
        s = settings or SpeechSettings()
        self.default_on = s.on_by_default
        self.on_in_elderly_mode = s.on_in_elderly_mode
        self._enabled = s.on_by_default
        self._volume = s.volume
        self._rate = s.rate_wpm
        self._lookup = lookup
        self._queue: deque[tuple[int, Utterance]] = deque()
        self._generation = 0
        self._speaking = False
        self._closed = False
        self._cond = threading.Condition()
        self._listeners: list[Listener] = []
        self._thread: threading.Thread | None = None

    # ---- settings ----
    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, on: bool) -> None:
        """The per-session switch; off also silences what is queued or being said."""
        self._enabled = on
        if not on:
            self.stop()

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(100, int(volume)))

    @property
    def rate_wpm(self) -> int:
        return self._rate

    def set_rate(self, rate_wpm: int) -> None:
        self._rate = max(80, min(450, int(rate_wpm)))

    def set_lookup(self, lookup: Lookup) -> None:
        """How a string key becomes its text (the UI's strings tables)."""
        self._lookup = lookup

    def add_listener(self, listener: Listener) -> None:
        """Called on the worker thread as each utterance starts (benchmarks, diagnostics)."""
        self._listeners.append(listener)

    # ---- speaking ----
    def utterance(self, text_or_key: str, **fmt: object) -> Utterance:
        """What `say` would queue: a string key becomes its text (a recorded prompt only when unformatted)."""
        text = self._lookup(text_or_key) if self._lookup is not None else None
        key: str | None = None
        if text is None:
            text = text_or_key.format(**fmt) if fmt else text_or_key
        else:
            key = None if fmt else text_or_key
            text = text.format(**fmt) if fmt else text
        return Utterance(text=scrub(text), spoken=speakable(text), key=key)

    def say(self, text_or_key: str, *, interrupt: bool = True, force: bool = False, **fmt: object) -> Utterance | None:
        """Queue `text_or_key` (a ui/strings key, or plain text); never blocks. None when off or empty.

        `force` speaks even when the switch is off (the resident pressed 朗读 themselves).
        """
        if not (self._enabled or force) or self._closed:
            return None
        u = self.utterance(text_or_key, **fmt)
        if not u.spoken:
            return None
        with self._cond:
            if interrupt:
                self._interrupt_locked()
            self._queue.append((self._generation, u))
            self._ensure_worker()
            self._cond.notify_all()
        return u

    def stop(self) -> None:
        """Drop the queue and cut off the current utterance."""
        with self._cond:
            self._interrupt_locked()
            self._cond.notify_all()

    def _interrupt_locked(self) -> None:
        self._generation += 1
        self._queue.clear()
        if self._speaking:
            self.engine.stop()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued has been said (tests, `kiosk say`)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._speaking:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._interrupt_locked()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ---- the worker ----
    def _ensure_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="speech", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                generation, u = self._queue.popleft()
                if generation != self._generation:
                    continue
                self._speaking = True
                self.engine.begin()
                volume, rate = self._volume, self._rate
            try:
                for listener in self._listeners:
                    listener(u)
                self.engine.speak(u, volume=volume, rate_wpm=rate)
            except SpeechUnavailable as exc:
                log.warning("speech failed: %s", exc)
            except Exception:
                log.exception("speech engine %s failed on a %d-character utterance", self.engine.name, len(u.spoken))
            finally:
                with self._cond:
                    self._speaking = False
                    self._cond.notify_all()


def build_engine(settings: SpeechSettings) -> SpeechEngine:
    """The engine the settings name: espeak (with the prompt pack in front when prompt_dir is set), recording, none."""
    if settings.engine == "recording":
        return RecordingEngine()
    if settings.engine == "none":
        return SilentEngine()
    synthesis = EspeakEngine(settings.voice, settings.player)
    if settings.prompt_dir is not None:
        if not settings.prompt_dir.is_dir():
            log.warning("speech.prompt_dir %s is not a folder: synthesis only", settings.prompt_dir)
            return synthesis
        return PromptPackEngine(settings.prompt_dir, synthesis)
    return synthesis


def build_speech(settings: SpeechSettings) -> SpeechService:
    """The speech service of the kiosk (the worker thread starts with the first utterance)."""
    return SpeechService(build_engine(settings), settings)
