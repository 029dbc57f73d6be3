"""A frozen screen is restarted: the app pings the service watchdog from its GUI event loop.

A stand-in supervisor (tests/helpers/notify_supervisor.py) plays systemd's part for village-kiosk.service
— Type=notify, NotifyAccess=all, WatchdogSec, Restart=always — over the same $NOTIFY_SOCKET datagram
protocol. The kiosk runs offscreen as a real subprocess; the test then blocks only its GUI thread
(a SIGUSR1 handler installed by the test's launcher sleeps in the main thread, while the app's other
threads run on) and the supervisor must see the pings stop, kill it and start a new one.
"""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers.notify_supervisor import NotifySupervisor

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
WATCHDOG_SEC = 4.0

# The kiosk command, plus a test-only way to hang its GUI thread: Python runs signal handlers in the
# main thread, which is Qt's GUI thread; the handler never returns, as a deadlocked screen would not.
LAUNCHER = textwrap.dedent("""
    import signal, sys, time
    def hang_gui_thread(signum, frame):
        while True:
            time.sleep(3600)
    signal.signal(signal.SIGUSR1, hang_gui_thread)
    from ui.launch import main
    sys.exit(main(sys.argv[1:]))
""")


def _site(folder: Path) -> Path:
    # Demo data with simulated devices; the platform is simply unreachable (the kiosk runs offline).
    site = folder / "site.toml"
    site.write_text(textwrap.dedent(f"""
        [kiosk]
        demo = true
        data_dir = "{folder / 'data'}"
        [platform]
        url = "http://127.0.0.1:9"
        start_sandbox = false
    """), encoding="utf-8")
    return site


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_frozen_gui_thread_stops_the_pings_and_the_supervisor_restarts_the_kiosk(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [PYTHON, "-c", LAUNCHER, "--config", str(_site(tmp_path)), "run"]
    sup = NotifySupervisor(command, env, tmp_path, watchdog_sec=WATCHDOG_SEC).start()
    try:
        ready = sup.wait_for("READY=1", timeout=90)[0]
        first = ready.pid
        assert first is not None and first == sup.snapshot()[0].pid, sup.describe()
        # Healthy: pings keep coming for longer than WatchdogSec and nothing is restarted.
        pings = sup.wait_for("WATCHDOG=1", pid=first, after=ready.at, count=5, timeout=30)
        gaps = [b.at - a.at for a, b in zip(pings, pings[1:], strict=False)]
        assert max(gaps) < WATCHDOG_SEC, gaps
        assert pings[-1].at - ready.at > WATCHDOG_SEC
        assert not [e for e in sup.snapshot() if e.what in ("watchdog-timeout", "exit", "start-timeout")], sup.describe()

        frozen_at = time.monotonic()
        os.kill(first, signal.SIGUSR1)
        timeout = sup.wait_for("watchdog-timeout", pid=first, after=frozen_at, timeout=WATCHDOG_SEC + 10)[0]
        # The pings stopped with the GUI thread (one tick may already have been under way).
        late = [e for e in sup.snapshot() if e.what == "WATCHDOG=1" and e.pid == first and e.at > frozen_at + 2.0]
        assert not late, sup.describe()
        assert timeout.at - frozen_at <= WATCHDOG_SEC + 3.0, sup.describe()

        # Restart=always: a new kiosk process comes up and reports ready, then pings again.
        again = sup.wait_for("READY=1", not_pid=first, after=timeout.at, timeout=90)[0]
        sup.wait_for("WATCHDOG=1", pid=again.pid, after=again.at, count=2, timeout=30)
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)
    finally:
        sup.stop()
