"""The speech service: queue, interruption, switch, volume and rate, keys, recorded prompts, key bindings."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.keypad_bindings import load_key_bindings
from kiosk.settings import ConfigError, SpeechSettings
from kiosk.speech import PromptPackEngine, RecordingEngine, SpeechService, Utterance
from kiosk.speech.engines import EspeakEngine


def service(engine: RecordingEngine, **kw: object) -> SpeechService:
    s = SpeechService(engine, SpeechSettings(engine="recording", on_by_default=True, **kw),  # type: ignore[arg-type]
                      lookup={"attract.guidance": "请把身份证放在下方读卡区", "x.count": "共 {n} 条"}.get)
    return s


def test_say_returns_at_once_and_the_worker_says_in_order() -> None:
    engine = RecordingEngine(seconds_each=0.05)
    s = service(engine)
    assert s.say("一", interrupt=False) is not None
    s.say("二", interrupt=False)
    s.say("三", interrupt=False)
    assert s.wait_idle(5)
    assert engine.spoken() == ["一", "二", "三"]
    assert threading.current_thread().name != "speech"
    s.close()


def test_interrupt_drops_the_queue_and_cuts_off_the_current_utterance() -> None:
    engine = RecordingEngine(seconds_each=5.0)  # would take 5 s unless stopped
    s = service(engine)
    s.say("很长的一句话")
    for _ in range(200):
        if engine.spoken():
            break
        threading.Event().wait(0.01)
    engine.seconds_each = 0.0  # what follows is said at once
    s.say("排队的", interrupt=False)
    s.say("新的一句")  # interrupt=True by default
    assert s.wait_idle(2), "the long utterance was cut off"
    assert engine.spoken() == ["很长的一句话", "新的一句"]
    s.close()


def test_switched_off_says_nothing_unless_forced() -> None:
    engine = RecordingEngine()
    s = service(engine)
    s.set_enabled(False)
    assert s.say("不说") is None
    assert s.say("朗读", force=True) is not None
    s.wait_idle()
    assert engine.spoken() == ["朗读"]
    s.close()


def test_volume_and_rate_reach_the_engine_within_bounds() -> None:
    engine = RecordingEngine()
    s = service(engine, volume=80, rate_wpm=200)
    s.say("一")
    s.wait_idle()
    s.set_volume(150)
    s.set_rate(10)
    s.say("二")
    s.wait_idle()
    assert engine.settings == [(80, 200), (100, 80)]
    s.close()


def test_a_string_key_is_said_as_its_text_and_keeps_its_key_only_when_unformatted() -> None:
    engine = RecordingEngine()
    s = service(engine)
    s.say("attract.guidance", interrupt=False)
    s.say("x.count", interrupt=False, n=23)
    s.wait_idle()
    assert [(u.key, u.spoken) for u in engine.utterances] == [
        ("attract.guidance", "请把身份证放在下方读卡区"), (None, "共二十三条")]
    s.close()


def test_no_utterance_holds_a_full_identity_number_or_phone() -> None:
    engine = RecordingEngine()
    s = service(engine)
    s.say("您的身份证号 110101199003071233，电话 13812345678")
    s.wait_idle()
    u = engine.utterances[0]
    for whole in ("110101199003071233", "13812345678"):
        assert whole not in u.text and whole not in u.spoken
    s.close()


def test_recorded_prompt_first_synthesis_for_the_rest(tmp_path: Path) -> None:
    (tmp_path / "attract.guidance.ogg").write_bytes(b"OggS")
    pack = PromptPackEngine(tmp_path, EspeakEngine())
    assert pack.prompt_for(Utterance("x", "x", key="attract.guidance")) == tmp_path / "attract.guidance.ogg"
    assert pack.prompt_for(Utterance("x", "x", key="home.greeting")) is None
    assert pack.prompt_for(Utterance("x", "x")) is None


def test_key_bindings_are_data(tmp_path: Path) -> None:
    bindings = load_key_bindings()
    assert bindings["Return"] == "confirm" and bindings["Escape"] == "back" and bindings["F1"] == "help"
    bad = tmp_path / "keypad.toml"
    bad.write_text('[keys]\nconfirm = ["Return"]\nback = ["Return"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="Return"):
        load_key_bindings(bad)
    bad.write_text('[keys]\njump = ["J"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="jump"):
        load_key_bindings(bad)
