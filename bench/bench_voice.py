"""Bench: voice guidance — key press to the start of speech, and the kiosk's cold start with voice on vs off.

1. Key → speech: the real KioskUi (offscreen, demo settings, no platform), keypad mode, the recording engine
   behind the real speech queue and worker thread. Each 下 press moves the focus; the time from sending
   the key event to the engine starting the focused control's utterance is measured. Prints p50 and p95.
2. Cold start: a fresh process builds the core and the KioskUi and shows the attract screen; with voice
   on (espeak-ng, on_by_default) it also speaks that screen (until the utterance starts). Median of N each;
   prints both and ratio = on/off.
Usage: .venv/bin/python bench/bench_voice.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _site(folder: Path, engine: str, on: bool) -> Path:
    site = folder / "site.toml"
    site.write_text(
        f'[kiosk]\ndemo = true\ndata_dir = "{folder / "data"}"\n'
        '[platform]\nurl = "http://127.0.0.1:9"\nstart_sandbox = false\nconnect_timeout_s = 0.2\n'
        f'[speech]\nengine = "{engine}"\non_by_default = {"true" if on else "false"}\n', encoding="utf-8")
    return site


def _build(site: Path):  # noqa: ANN202 (the UI types are imported late: after QApplication)
    from kiosk.app import build_core
    from kiosk.settings import load_settings

    core = build_core(load_settings(site, env={}), start_workers=False, console_log=False, start_sandbox=False)
    from ui.app import KioskUi

    ui = KioskUi(core, kiosk_mode=False)
    ui.window.setGeometry(0, 0, 1920, 1080)
    ui.window.show()
    return core, ui


def key_to_speech(n: int) -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        core, ui = _build(_site(Path(tmp), "recording", on=True))
        try:
            engine = core.speech.engine
            ui.window.activateWindow()
            ui.browse()
            ui.voice.set_keypad_mode(True)
            for _ in range(5):
                app.processEvents()
            core.speech.wait_idle(5)
            latencies = []
            for _ in range(n):
                before = len(engine.started_at)
                target = QApplication.focusWidget() or ui.window
                t0 = time.monotonic()
                QTest.keyClick(target, Qt.Key.Key_Down)
                deadline = t0 + 2
                while len(engine.started_at) <= before and time.monotonic() < deadline:
                    app.processEvents()
                if len(engine.started_at) > before:
                    latencies.append(engine.started_at[before] - t0)
                core.speech.wait_idle(2)
            return latencies
        finally:
            ui.close()
            core.close()


def child(voice: str) -> None:
    """One cold start (run in its own process): print the seconds to the attract screen (and its speech)."""
    t0 = time.monotonic()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        started: list[float] = []
        core, ui = _build(_site(Path(tmp), "espeak", on=voice == "on"))
        core.speech.add_listener(lambda _u: started.append(time.monotonic()))
        if voice == "on":
            while not started and time.monotonic() - t0 < 30:
                app.processEvents()
        else:
            app.processEvents()
        print(f"{time.monotonic() - t0:.4f}", flush=True)
        ui.close()
        core.close()


def cold_start(n: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    out: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(n):
        for voice in ("off", "on"):
            done = subprocess.run([sys.executable, __file__, "--child", voice], env=env, capture_output=True,
                                  text=True, timeout=120, check=True)
            # from the child's first line to the attract screen shown (and, voice on, its speech started)
            out[voice].append(float(done.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(v) for k, v in out.items()}


def main(n: int) -> None:
    lat = sorted(key_to_speech(n))
    p50 = statistics.median(lat)
    p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
    print(f"key press → speech start (recording engine, real queue): n={len(lat)} "
          f"p50={p50 * 1000:.2f} ms p95={p95 * 1000:.2f} ms")
    cs = cold_start(max(3, n // 20))
    print(f"cold start to the attract screen: voice off {cs['off']:.2f} s, voice on {cs['on']:.2f} s, "
          f"ratio on/off = {cs['on'] / cs['off']:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
