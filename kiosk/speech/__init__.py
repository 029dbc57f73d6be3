"""Voice guidance in the core (no Qt): the speech service, its engines, and Chinese reading of screen text."""

from kiosk.speech.engines import (
    EspeakEngine,
    PromptPackEngine,
    RecordingEngine,
    SpeechEngine,
    SpeechUnavailable,
    Utterance,
)
from kiosk.speech.reading import speakable
from kiosk.speech.service import SpeechService, build_engine, build_speech

__all__ = [
    "EspeakEngine", "PromptPackEngine", "RecordingEngine", "SpeechEngine", "SpeechService", "SpeechUnavailable",
    "Utterance", "build_engine", "build_speech", "speakable",
]
