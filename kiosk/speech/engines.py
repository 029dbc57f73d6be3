"""Speech engines behind one interface: recorded prompts, espeak-ng synthesis, and a recording engine for tests.

Synthesis is espeak-ng's Mandarin voice called directly (`espeak-ng -v cmn --stdout`), not QtTextToSpeech
through speech-dispatcher: espeak-ng writes a WAV with no daemon, no D-Bus session and no sound card,
so the same engine runs on the kiosk, under Xvfb/offscreen in tests and in `kiosk say --wav`; the
speech-dispatcher route needs a running speechd and an audio sink and cannot write a file. The WAV is
played on the default sound device by the first player found (pw-play, paplay, aplay), as a child
process the speech worker waits on — never on the GUI thread.

Every engine's `speak` blocks until the utterance is done or `stop()` (from another thread) ends it.
"""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

PLAYERS = ("pw-play", "paplay", "aplay")
PROMPT_SUFFIXES = (".wav", ".ogg")


class SpeechUnavailable(RuntimeError):
    """The synthesiser is not installed or failed (the message names which)."""


@dataclass(frozen=True)
class Utterance:
    """One thing to say: the screen text (personal numbers already masked), what is said, its string key."""

    text: str
    spoken: str
    key: str | None = None  # a ui/strings key for a fixed phrase: a recorded prompt may say it
    queued_at: float = field(default_factory=time.monotonic)


class SpeechEngine(Protocol):
    """Says one utterance at a time on the speech worker thread."""

    name: str

    def begin(self) -> None:
        """A new utterance is about to be said: forget an earlier stop() (called under the service's lock)."""

    def speak(self, utterance: Utterance, *, volume: int, rate_wpm: int) -> None:
        """Say it; return when done or stopped."""

    def stop(self) -> None:
        """End the current utterance now (called from any thread)."""


class RecordingEngine:
    """Keeps every utterance and when it started (tests, benchmarks); `seconds_each` pretends to speak."""

    name = "recording"

    def __init__(self, seconds_each: float = 0.0) -> None:
        self.seconds_each = seconds_each
        self.utterances: list[Utterance] = []
        self.started_at: list[float] = []
        self.settings: list[tuple[int, int]] = []  # (volume, rate_wpm) of each
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def speak(self, utterance: Utterance, *, volume: int, rate_wpm: int) -> None:
        with self._lock:
            self.started_at.append(time.monotonic())
            self.utterances.append(utterance)
            self.settings.append((volume, rate_wpm))
        if self.seconds_each > 0:
            self._stop.wait(self.seconds_each)

    def begin(self) -> None:
        self._stop.clear()

    def stop(self) -> None:
        self._stop.set()

    def spoken(self) -> list[str]:
        """What was said, in order."""
        with self._lock:
            return [u.spoken for u in self.utterances]

    def texts(self) -> list[str]:
        with self._lock:
            return [u.text for u in self.utterances]

    def clear(self) -> None:
        with self._lock:
            self.utterances.clear()
            self.started_at.clear()
            self.settings.clear()


def find_player(choice: str = "auto") -> list[str] | None:
    """The command that plays a WAV/OGG file given as its last argument, or None when none is installed."""
    names = PLAYERS if choice == "auto" else (choice,)
    for name in names:
        path = shutil.which(name)
        if path:
            return [path, "-q"] if name == "aplay" else [path]
    return None


class _ChildRunner:
    """Runs one child process at a time and kills it on stop()."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._failures = 0

    def begin(self) -> None:
        with self._lock:
            self._stopped = False

    def run(self, argv: list[str], stdin: bytes | None = None) -> int | None:
        """Run to the end; None when stopped meanwhile."""
        with self._lock:
            if self._stopped:
                return None
            child = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self._child = child
        try:
            _out, err = child.communicate(stdin)
        finally:
            with self._lock:
                self._child = None
        if child.returncode != 0 and not self._stopped:
            self._failures += 1  # e.g. no sound card: said once, not for every utterance
            log.log(logging.WARNING if self._failures == 1 else logging.DEBUG, "%s exited with %s: %s",
                    Path(argv[0]).name, child.returncode,
                    err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else "")
        return None if self._stopped else child.returncode

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._child is not None and self._child.poll() is None:
                self._child.kill()


def fix_wav_sizes(data: bytes) -> bytes:
    """espeak-ng --stdout streams, so its header says "as long as possible": write the real sizes."""
    at = data.find(b"data", 12)
    if not data.startswith(b"RIFF") or at < 0:
        return data
    out = bytearray(data)
    out[4:8] = struct.pack("<I", len(data) - 8)
    out[at + 4:at + 8] = struct.pack("<I", len(data) - at - 8)
    return bytes(out)


class EspeakEngine:
    """espeak-ng's Mandarin voice: synthesise a WAV in memory, then play it on the default sound device."""

    name = "espeak"

    def __init__(self, voice: str = "cmn", player: str = "auto") -> None:
        self.voice = voice
        self._binary = shutil.which("espeak-ng")
        self._player = find_player(player)
        self._runner = _ChildRunner()
        if self._binary is None:
            log.warning("espeak-ng is not installed: the kiosk cannot speak (install espeak-ng)")
        elif self._player is None:
            log.warning("no audio player (pw-play, paplay, aplay) is installed: the kiosk cannot speak")

    def synthesize(self, text: str, *, volume: int = 100, rate_wpm: int = 170) -> bytes:
        """The WAV (22,050 Hz, 16-bit mono) of `text`; raises SpeechUnavailable."""
        if self._binary is None:
            raise SpeechUnavailable("espeak-ng is not installed")
        argv = [self._binary, "-v", self.voice, "-s", str(rate_wpm), "-a", str(volume * 2), "--stdout", text]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpeechUnavailable(f"espeak-ng failed: {exc}") from exc
        if done.returncode != 0 or len(done.stdout) <= 44:
            raise SpeechUnavailable(f"espeak-ng exited with {done.returncode}")
        return fix_wav_sizes(done.stdout)

    def begin(self) -> None:
        self._runner.begin()

    def speak(self, utterance: Utterance, *, volume: int, rate_wpm: int) -> None:
        if self._player is None:
            return
        wav = self.synthesize(utterance.spoken, volume=volume, rate_wpm=rate_wpm)
        # a file, not a pipe: every player reads a file; the spoken text is masked, but it is removed at once
        with tempfile.NamedTemporaryFile(prefix="kiosk-say-", suffix=".wav") as fh:
            fh.write(wav)
            fh.flush()
            self._runner.run([*self._player, fh.name])

    def play_file(self, path: Path) -> None:
        """Play a recorded prompt (the prompt pack engine)."""
        if self._player is None:
            return
        self._runner.run([*self._player, str(path)])

    def stop(self) -> None:
        self._runner.stop()


class PromptPackEngine:
    """Recorded prompts first: <folder>/<string key>.wav or .ogg for fixed phrases; synthesis for the rest."""

    name = "prompts"

    def __init__(self, folder: Path, synthesis: EspeakEngine) -> None:
        self.folder = folder
        self.synthesis = synthesis

    def prompt_for(self, utterance: Utterance) -> Path | None:
        """The recorded file for this utterance, if the pack has one (only fixed phrases have a key)."""
        if not utterance.key:
            return None
        for suffix in PROMPT_SUFFIXES:
            path = self.folder / f"{utterance.key}{suffix}"
            if path.is_file():
                return path
        return None

    def begin(self) -> None:
        self.synthesis.begin()

    def speak(self, utterance: Utterance, *, volume: int, rate_wpm: int) -> None:
        prompt = self.prompt_for(utterance)
        if prompt is not None:
            self.synthesis.play_file(prompt)
        else:
            self.synthesis.speak(utterance, volume=volume, rate_wpm=rate_wpm)

    def stop(self) -> None:
        self.synthesis.stop()


class SilentEngine:
    """engine = "none": says nothing."""

    name = "none"

    def begin(self) -> None:
        return None

    def speak(self, utterance: Utterance, *, volume: int, rate_wpm: int) -> None:
        return None

    def stop(self) -> None:
        return None
