"""`kiosk say TEXT --wav FILE` writes real speech with espeak-ng's Mandarin voice (read back from the WAV)."""

from __future__ import annotations

import array
import os
import subprocess
import wave
from pathlib import Path

from tests.integration.cli.conftest import PROJECT_ROOT, PYTHON


def test_say_writes_half_a_second_to_ten_seconds_of_speech(tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), KIOSK_CONFIG="")
    env.pop("KIOSK_CONFIG")
    done = subprocess.run([PYTHON, "-m", "kiosk", "--demo", "say", "请插入身份证", "--wav", str(out)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    with wave.open(str(out)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        seconds = w.getnframes() / w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    assert 0.5 <= seconds <= 10, seconds
    loud = sum(1 for x in samples if abs(x) > 1000)
    assert loud > 0.1 * len(samples), "speech, not silence"
    peak = max(abs(x) for x in samples)
    assert peak > 5000
