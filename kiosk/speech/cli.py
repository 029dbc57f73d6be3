"""`kiosk say TEXT [--wav FILE]`: hear (or write) what the kiosk would say, with the site's voice settings."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.settings import Settings
from kiosk.speech.engines import EspeakEngine, SpeechUnavailable
from kiosk.speech.reading import speakable
from kiosk.speech.service import build_speech


def say_command(settings: Settings, text: str, wav: Path | None) -> int:
    """Write the WAV of `text` (espeak-ng's voice, the site's rate and volume) or say it on the sound device."""
    s = settings.speech
    if wav is not None:
        engine = EspeakEngine(s.voice, s.player)
        try:
            data = engine.synthesize(speakable(text), volume=s.volume, rate_wpm=s.rate_wpm)
        except SpeechUnavailable as exc:
            print(f"无法合成语音：{exc}", file=sys.stderr)
            return 1
        wav.write_bytes(data)
        print(f"{wav}: {len(data)} 字节")
        return 0
    speech = build_speech(s)
    speech.set_enabled(True)
    speech.say(text)
    done = speech.wait_idle(timeout=120)
    speech.close()
    return 0 if done else 1
