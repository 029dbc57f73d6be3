"""The crash harness: SIGKILL a syncing kiosk at chosen moments, restart it, and count lost and duplicated submissions."""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_KIOSK_ID = "TZ-YQ-LJZ-01"
MOMENTS = ("commit", "post", "after_response", "random")


@dataclass
class CrashStats:
    """What the harness did and found."""

    rounds: int = 0
    kills: Counter[str] = field(default_factory=Counter)  # SIGKILLs by moment
    clean_exits: int = 0  # rounds whose hook did not fire before the child finished
    acknowledged: int = 0  # submissions the kiosk told the resident about
    on_platform: int = 0  # cases the platform holds for this kiosk
    lost: int = 0  # acknowledged but not on the platform
    duplicated: int = 0  # extra cases for one submission
    orphans: int = 0  # cases on the platform for keys the outbox does not hold
    unfinished: int = 0  # outbox items not accepted at the end (queued/sending/needs attention/rejected)
    mismatched: int = 0  # the kiosk's case number differs from the platform's for the same key
    seconds: float = 0.0

    def summary(self) -> str:
        kills = ", ".join(f"{m}={self.kills.get(m, 0)}" for m in MOMENTS)
        return (f"rounds={self.rounds} kills[{kills}] clean_exits={self.clean_exits} "
                f"acknowledged={self.acknowledged} on_platform={self.on_platform} lost={self.lost} "
                f"duplicated={self.duplicated} orphans={self.orphans} unfinished={self.unfinished} "
                f"mismatched={self.mismatched} in {self.seconds:.1f} s")


class ForkServer:
    """`python -m tests.helpers.crash_child --serve`: forks one kiosk child per round (imports paid once)."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        self._proc = subprocess.Popen([sys.executable, "-m", "tests.helpers.crash_child", "--serve"], cwd=PROJECT_ROOT,
                                      env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _next(self, timeout: float) -> str:
        line = self._lines.get(timeout=timeout)
        if line is None:
            raise RuntimeError("fork server exited")
        return line

    def run(self, argv: list[str], moment: str | None = None, nth: int = 1, kill_after: float | None = None,
            timeout: float = 90.0) -> int:
        """Run one child; with kill_after, SIGKILL it that many seconds after it is ready. Returns its exit code."""
        assert self._proc.stdin is not None
        self._proc.stdin.write("RUN " + json.dumps({"argv": argv, "moment": moment, "nth": nth}) + "\n")
        self._proc.stdin.flush()
        deadline = time.monotonic() + timeout
        pid = None
        while True:
            line = self._next(max(0.1, deadline - time.monotonic()))
            if line.startswith("PID "):
                pid = int(line.split()[1])
            elif line == "ready" and kill_after is not None and pid is not None:
                time.sleep(kill_after)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            elif line.startswith("EXIT "):
                _, _, code = line.split()
                return int(code)

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.write("QUIT\n")
            self._proc.stdin.close()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def read_acks(path: Path) -> dict[str, str]:
    """remark -> outbox key for every complete (newline-terminated) acknowledgement line."""
    if not path.exists():
        return {}
    acks = {}
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        parts = line.split()
        if line.endswith("\n") and len(parts) == 2:
            acks[parts[0]] = parts[1]
    return acks


def platform_cases(sandbox_db: Path, kiosk_id: str = DEMO_KIOSK_ID) -> list[tuple[str, str, str | None]]:
    """(idempotency_key, case_no, payload remark) of every case the sandbox holds for the kiosk.

    sandbox_db is the SQLite file, or the URL of the gateway's PostgreSQL database.
    """
    if "://" in str(sandbox_db):
        from sqlalchemy import create_engine, text

        engine = create_engine(str(sandbox_db))
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT idempotency_key, case_no, payload FROM cases WHERE kiosk_id = :k"),
                                    {"k": kiosk_id}).all()
        finally:
            engine.dispose()
        return [(key, case_no, (payload or {}).get("remark")) for key, case_no, payload in rows]
    con = sqlite3.connect(f"file:{sandbox_db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute("SELECT idempotency_key, case_no, json_extract(payload, '$.remark') FROM cases "
                           "WHERE kiosk_id = ?", (kiosk_id,)).fetchall()
    finally:
        con.close()


def outbox_rows(kiosk_db: Path) -> dict[str, tuple[str, str | None]]:
    """key -> (state, case_no) of every outbox item (read-only)."""
    con = sqlite3.connect(f"file:{kiosk_db}?mode=ro", uri=True, timeout=30)
    try:
        return {k: (s, c) for k, s, c in con.execute("SELECT key, state, case_no FROM outbox")}
    finally:
        con.close()


def check(stats: CrashStats, acks: dict[str, str], cases: list[tuple[str, str, str | None]],
          outbox: dict[str, tuple[str, str | None]]) -> CrashStats:
    """Fill in the invariant counts: every acknowledged submission exactly once, nothing stranded."""
    by_remark = Counter(remark for _k, _c, remark in cases)
    stats.acknowledged = len(acks)
    stats.on_platform = len(cases)
    stats.lost = sum(1 for remark in acks if by_remark[remark] == 0)
    stats.duplicated = sum(n - 1 for n in by_remark.values() if n > 1)
    stats.orphans = sum(1 for key, _c, _r in cases if key not in outbox)
    stats.unfinished = sum(1 for state, _c in outbox.values() if state != "accepted")
    server_case = {key: case_no for key, case_no, _r in cases}
    stats.mismatched = sum(1 for key, (state, case_no) in outbox.items()
                           if state == "accepted" and server_case.get(key) != case_no)
    return stats


def run_crash_rounds(work: Path, sandbox_url: str, sandbox_db: Path, *, rounds: int, per_round: int = 4,
                     seed: int = 1, log=print) -> CrashStats:  # noqa: ANN001
    """Kill/restart a syncing kiosk `rounds` times, then one clean final sync; returns the counts."""
    rng = random.Random(seed)
    data_dir, acks = work / "kiosk", work / "acks.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    stats = CrashStats()
    started = time.monotonic()
    server = ForkServer()
    try:
        for r in range(rounds):
            moment = MOMENTS[r % len(MOMENTS)] if r < len(MOMENTS) else rng.choice(MOMENTS)
            argv = ["--data-dir", str(data_dir), "--url", sandbox_url, "--count", str(per_round), "--prefix",
                    f"r{r}", "--acks", str(acks), "--seed", str(rng.randrange(1 << 30))]
            if moment == "random":
                code = server.run(argv, kill_after=rng.uniform(0.0, 0.15))
            else:
                code = server.run(argv, moment=moment, nth=rng.randint(1, per_round))
            stats.rounds += 1
            if code == -signal.SIGKILL:
                stats.kills[moment] += 1
            elif code == 0:
                stats.clean_exits += 1
            else:
                raise RuntimeError(f"round {r}: child exited {code}")
        final = server.run(["--data-dir", str(data_dir), "--url", sandbox_url, "--acks", str(acks)])
        if final != 0:
            raise RuntimeError(f"final sync exited {final}")
    finally:
        server.close()
    stats.seconds = time.monotonic() - started
    check(stats, read_acks(acks), platform_cases(sandbox_db), outbox_rows(data_dir / "kiosk.db"))
    log(stats.summary())
    return stats
