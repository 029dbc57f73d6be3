"""`kiosk sync run` against hostile or broken platform replies: a typed failure in bounded time and memory.

Each case puts the fault proxy (tests/helpers/fault_proxy.py) between the kiosk and the sandbox on
127.0.0.1 and runs `python -m kiosk sync run` as a separate process, measuring its peak memory
(ru_maxrss of exactly that child) and its wall time. The child is started by a small launcher, not
forked from pytest itself: Linux counts a forked process's memory before exec in its ru_maxrss, so a
child of a large pytest process would report pytest's size.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.fault_proxy import Fault, FaultProxy
from tests.helpers.sandbox_server import PROJECT_ROOT, RunningSandbox
from tests.integration.sync.conftest import write_site

pytestmark = pytest.mark.integration

WALL_LIMIT_S = 45.0
MEMORY_LIMIT_KIB = 400 * 1024
HUGE = 300_000_000  # bytes: the size of the big body, and of the gzip bomb once decompressed
MIB = b" " * (1 << 20)


def _reply(body: bytes, *extra: str) -> bytes:
    head = ["HTTP/1.1 200 OK", "Content-Type: application/json", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _huge_body() -> Iterator[bytes]:
    yield ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
           f"Content-Length: {HUGE}\r\n\r\n").encode()
    for _ in range(HUGE // len(MIB)):
        yield MIB
    yield b" " * (HUGE % len(MIB))


def _gzip_bomb() -> bytes:
    """HUGE spaces, gzip-compressed (about 300 KB), built 1 MiB at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(MIB) for _ in range(HUGE // len(MIB))]
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    max_rss_kib: int
    wall_s: float


# Runs argv[2:], then writes the child's peak memory (KiB) to argv[1]. Being freshly executed and
# small, its own memory is what its child inherits at fork, not pytest's.
LAUNCHER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_measured(site: Path, *args: str, limit_s: float = WALL_LIMIT_S) -> Run:
    """`python -m kiosk --config SITE ARGS…`; the child is killed (and the test fails) past `limit_s`."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("KIOSK_CONFIG", None)
    out_path, err_path = site.parent / "stdout.txt", site.parent / "stderr.txt"
    rss_path = site.parent / "maxrss.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(rss_path),
                                 sys.executable, "-m", "kiosk", "--config", str(site), *args], cwd=PROJECT_ROOT,
                                env=env, stdout=out, stderr=err, start_new_session=True)
        while True:
            pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > limit_s:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                pytest.fail(f"`kiosk {' '.join(args)}` still running after {limit_s:.0f} s")
            time.sleep(0.05)
        wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting on a reaped child
    return Run(proc.returncode, out_path.read_text(encoding="utf-8"), err_path.read_text(encoding="utf-8"),
               int(rss_path.read_text()), wall)


@pytest.fixture
def proxy(sandbox: RunningSandbox) -> Iterator[FaultProxy]:
    with FaultProxy(int(sandbox.base_url.rsplit(":", 1)[1])) as running:
        yield running


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return _gzip_bomb()  # built before the kiosk starts: the reply must come at once, not after a read timeout


def canned(case: str, bomb: bytes) -> Iterable[bytes]:
    if case == "naive_server_time":
        return (_reply(b'{"server_time": "2026-12-05T16:00:00", "settings": {}}'),)
    if case == "deep_json":
        return (_reply(b"[" * 200_000 + b"]" * 200_000),)
    if case == "huge_body":
        return _huge_body()
    if case == "gzip_bomb":
        return (_reply(bomb, "Content-Encoding: gzip"),)
    raise AssertionError(case)


EXPECTED_CODE = {"naive_server_time": "BAD_SHAPE", "deep_json": "JSON_TOO_DEEP", "huge_body": "REPLY_TOO_LARGE",
                 "gzip_bomb": "REPLY_TOO_LARGE", "slow_drip": "DEADLINE"}


@pytest.mark.parametrize("case", list(EXPECTED_CODE))
def test_sync_run_ends_a_hostile_reply_as_a_plain_failure(case: str, proxy: FaultProxy, gzip_bomb: bytes,
                                                          tmp_path: Path) -> None:
    if case == "slow_drip":
        proxy.drip_delay_s = 0.8  # one byte every 0.8 s: a 1 s read timeout never fires
        proxy.set_fault(Fault.SLOW_DRIP)
    else:
        proxy.canned = lambda: canned(case, gzip_bomb)
        proxy.set_fault(Fault.CANNED)
    site = write_site(tmp_path, proxy.base_url,
                      platform_extra="read_timeout_s = 1.0\ncall_deadline_s = 5.0\nmax_reply_bytes = 8388608\n")
    run = run_measured(site, "sync", "run")
    assert run.returncode in (1, 3), (run.returncode, run.stderr[-3000:])
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.wall_s < WALL_LIMIT_S
    assert run.max_rss_kib < MEMORY_LIMIT_KIB, f"peak memory {run.max_rss_kib / 1024:.0f} MiB"
    report = json.loads(run.stdout)
    assert report["unreachable"] is True and report["heartbeat"]["ok"] is False
    assert "同步未完成" in run.stderr and EXPECTED_CODE[case] in run.stderr  # the plain line, naming the cause
