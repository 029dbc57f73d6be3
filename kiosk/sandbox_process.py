"""Demo only: run the sandbox platform as a child process on 127.0.0.1 (or reuse one already serving there)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import requests

from config import is_frozen, resource_root

log = logging.getLogger(__name__)

PROJECT_ROOT = resource_root()
LOOPBACK = ("127.0.0.1", "localhost")


class SandboxStartError(RuntimeError):
    """The demo sandbox could not be started; the message says why (for the technician / presenter)."""


def sandbox_port(url: str) -> int:
    """The port of a loopback platform URL; SandboxStartError for anything but http://127.0.0.1."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise SandboxStartError(f"演示平台只能在本机 http://127.0.0.1 上启动，而 platform.url 是 {url}")
    return parts.port or 80


def is_serving(base_url: str, timeout: float = 0.5) -> bool:
    """True when a sandbox answers /healthz at base_url."""
    try:
        with requests.Session() as s:
            s.trust_env = False
            resp = s.get(base_url.rstrip("/") + "/healthz", timeout=timeout)
            return resp.status_code == 200 and resp.json().get("status") == "ok"
    except (requests.RequestException, ValueError):
        return False


class SandboxProcess:
    """`python -m sandbox --port P --seed demo --db DB` as a child; `stop` ends it only if this object started it."""

    def __init__(self, url: str, db_path: Path, *, log_path: Path | None = None, python: str = sys.executable,
                 ready_timeout_s: float = 30.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.port = sandbox_port(url)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.db_path = Path(db_path)
        self.log_path = log_path
        self._python = python
        self._ready_timeout_s = ready_timeout_s
        self._sleep = sleep
        self._proc: subprocess.Popen[bytes] | None = None
        self.reused = False

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> SandboxProcess:
        """Start (or reuse) the sandbox and wait until it answers."""
        if is_serving(self.base_url):
            self.reused = True
            log.info("demo sandbox already serving on %s: reused", self.base_url)
            return self
        if is_frozen():  # the installed bundle carries no sandbox code (kiosk.spec excludes it)
            raise SandboxStartError(f"本安装包不含演示平台：请在 {self.base_url} 另行启动演示平台，"
                                    "或在站点文件中写 platform.start_sandbox = false")
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [self._python, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(self.port), "--seed", "demo",
               "--db", str(self.db_path), "--log-level", "warning"]
        out: int | IO[bytes] = subprocess.DEVNULL
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            out = self.log_path.open("ab")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                                           os.environ.get("PYTHONPATH")]))}
        try:
            self._proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT)
        finally:
            if not isinstance(out, int):
                out.close()
        deadline = time.monotonic() + self._ready_timeout_s
        while not is_serving(self.base_url):
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                if is_serving(self.base_url):  # another kiosk process won the race for the port
                    self.reused = True
                    return self
                raise SandboxStartError(f"演示平台启动失败（退出码 {code}），详见 {self.log_path or '日志'}")
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxStartError(f"演示平台在 {self._ready_timeout_s:.0f} 秒内没有响应")
            self._sleep(0.05)
        log.info("demo sandbox started on %s (pid %d)", self.base_url, self._proc.pid)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the child this object started (a reused sandbox is left running)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("demo sandbox did not stop in %.0f s: killed", timeout)
            proc.kill()
            proc.wait()
        log.info("demo sandbox stopped")
