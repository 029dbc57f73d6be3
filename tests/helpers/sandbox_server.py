"""Start the sandbox platform on a random 127.0.0.1 port for tests (in a thread with a settable clock, or a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import requests

from sandbox.db import make_engine
from sandbox.fleet_settings import (
    FLEET_SETTINGS_ENV,
    FLEET_SETTINGS_FILE,
    FleetSettings,
    RateLimit,
    load_fleet_settings,
)
from sandbox.server import ThreadedServer
from sandbox.service import Platform
from tests.helpers.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_KIOSK_ID = "TZ-YQ-LJZ-01"


# The suite's sandboxes are shared by many tests, all speaking as the one demo kiosk, thousands of requests a
# minute (schemathesis, the crash harness) — no kiosk does that. Their per-kiosk request limit is lifted;
# tests/integration/gateway/test_rate_limits.py tests the limit itself, the console tests the login limit.
UNLIMITED_KIOSK = RateLimit(10_000_000, 60.0)


def lifted_fleet_settings() -> FleetSettings:
    """The shipped fleet settings without the per-kiosk request limit."""
    return replace(load_fleet_settings(FLEET_SETTINGS_FILE), kiosk_requests=UNLIMITED_KIOSK)


class FakeClock:
    """A clock tests move by hand (starts at real time so demo dates look current)."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RunningSandbox:
    """A sandbox server the test talks to."""

    base_url: str
    db_path: Path
    platform: Platform | None = None  # only for the in-thread server
    clock: FakeClock | None = None


def demo_secret(kiosk_id: str = DEMO_KIOSK_ID) -> str:
    import json

    data = json.loads((PROJECT_ROOT / "sandbox" / "demo_kiosks.json").read_text(encoding="utf-8"))
    return next(k["secret"] for k in data["kiosks"] if k["kiosk_id"] == kiosk_id)


@contextmanager
def threaded_sandbox(db_path: Path, clock: FakeClock | None = None, seed: bool = True) -> Iterator[RunningSandbox]:
    """The sandbox in a thread of the test process on an ephemeral 127.0.0.1 port (lifted_fleet_settings)."""
    clock = clock or FakeClock()
    platform = Platform(make_engine(db_path=db_path), clock=clock, fleet=lifted_fleet_settings())
    if seed:
        platform.seed_demo()
    else:
        platform.register_demo_kiosks()
    server = ThreadedServer(platform).start()
    try:
        yield RunningSandbox(server.base_url, db_path, platform, clock)
    finally:
        server.stop()
        platform.engine.dispose()


@contextmanager
def subprocess_sandbox(db_path: Path | str, timeout: float = 20.0, workers: int = 1) -> Iterator[RunningSandbox]:
    """`python -m sandbox` as a separate process, as a demo runs it; waits for /healthz.

    db_path may also be a SQLAlchemy URL (the gateway on PostgreSQL); workers > 1 runs worker processes.
    Its fleet settings are the shipped ones without the per-kiosk request limit (see lifted_fleet_settings).
    """
    port = free_port()
    cmd = [sys.executable, "-m", "sandbox", "--db", str(db_path), "--port", str(port), "--log-level", "warning"]
    if workers > 1:
        cmd += ["serve", "--workers", str(workers)]
    settings_dir = tempfile.TemporaryDirectory(prefix="fleet-settings-")
    fleet_file = Path(settings_dir.name) / "fleet_settings.json"
    data = json.loads(FLEET_SETTINGS_FILE.read_text(encoding="utf-8"))
    data["rate_limits"]["kiosk_requests"]["limit"] = UNLIMITED_KIOSK.limit
    fleet_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), FLEET_SETTINGS_ENV: str(fleet_file)}
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError("sandbox exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
            try:
                if requests.get(base + "/healthz", timeout=2.0).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or slow on a loaded machine
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("sandbox did not become ready")
            time.sleep(0.05)
        yield RunningSandbox(base, db_path)  # type: ignore[arg-type]  # a URL stays a string
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
        settings_dir.cleanup()


def run_cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a `python -m sandbox` subcommand against a database file."""
    return subprocess.run([sys.executable, "-m", "sandbox", "--db", str(db_path), *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
