"""The kiosk side of the crash harness: queue N submissions and sync them, with hooks that SIGKILL it at chosen moments.

python -m tests.helpers.crash_child --data-dir D --url U --count N --prefix P --acks FILE
Env CRASH_MOMENT (commit | post | after_response) and CRASH_NTH=k kill the process at the k-th such moment:
  commit          inside the k-th outbox.submit: before its COMMIT (odd k) or after it, before the ack (even k)
  post            while the k-th POST /v1/submissions is on the wire (a timer fires 0-30 ms after it starts)
  after_response  right after the platform answered the k-th POST (it committed; the kiosk never reads it)
An acknowledgement ("the resident was told it is received") is appended and fsynced to FILE only
after outbox.submit returned.

`--serve` makes a fork server instead: it imports everything once, then for each stdin line
`RUN {"argv": [...], "moment": ..., "nth": k}` forks a child running main(argv) and prints
`PID <pid>`, later `EXIT <pid> <returncode>` (-9 after SIGKILL). Python's start-up costs a second on
a small machine; forking keeps 50 crash rounds inside the CI budget.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import event

from kiosk.platform import PlatformClient, load_credentials
from kiosk.settings import CONFIG_DIR, SyncSettings
from kiosk.sync import Backoff, SyncWorker, queue_submission
from offline_cache import OutboxState, open_database
from offline_cache.clock import system_clock

PERSON = ("140222197503150011", "李建军")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class Trigger:
    """Counts occurrences of a moment and fires at the n-th."""

    def __init__(self, moment: str | None, nth: int) -> None:
        self.moment, self.nth, self.seen = moment, nth, 0
        self._lock = threading.Lock()

    def hit(self, moment: str) -> int:
        """The occurrence number if this is the armed moment and now is its time, else 0."""
        if moment != self.moment:
            return 0
        with self._lock:
            self.seen += 1
            return self.seen if self.seen == self.nth else 0


class HookedSession(requests.Session):
    """A requests session that can die around the k-th submission POST."""

    def __init__(self, trigger: Trigger, rng: random.Random) -> None:
        super().__init__()
        self._trigger, self._rng = trigger, rng

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        is_submission = request.method == "POST" and (request.path_url or "").startswith("/v1/submissions")
        if is_submission and self._trigger.hit("post"):
            threading.Timer(self._rng.uniform(0.0, 0.03), die).start()
        response = super().send(request, **kwargs)
        if is_submission and self._trigger.hit("after_response"):
            _ = response.content  # the answer arrived; the process dies before anyone reads it
            die()
        return response


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", type=Path)
    p.add_argument("--url", default="")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--prefix", default="r")
    p.add_argument("--acks", type=Path, default=Path(os.devnull))
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    trigger = Trigger(os.environ.get("CRASH_MOMENT") or None, int(os.environ.get("CRASH_NTH", "1")))
    if args.data_dir is None:
        p.error("--data-dir is required")

    db = open_database(args.data_dir / "kiosk.db", backup_dir=args.data_dir / "backups")
    armed = threading.local()  # set on the main thread only, around the chosen submit

    @event.listens_for(db.engine, "commit")
    def _before_commit(_conn: Any) -> None:
        if getattr(armed, "kill_in_commit", False):
            die()  # the submission's transaction never commits

    creds = load_credentials(CONFIG_DIR / "demo-credentials.toml")
    client = PlatformClient.from_credentials(args.url, creds, connect_timeout=1.0, read_timeout=5.0,
                                             session=HookedSession(trigger, rng))
    fast = Backoff(base_s=0.02, factor=2, max_s=0.2, jitter=0.5, random=rng.random)
    worker = SyncWorker(db, client, SyncSettings(push_interval_s=1, pull_interval_s=3600, heartbeat_interval_s=3600,
                                                 purge_after_days=30),
                        data_dir=args.data_dir, feeds=(), backoff=fast, item_backoff=fast, random=rng.random)
    worker.start()  # recovers whatever a previous kill left in 'sending'
    print("ready", flush=True)
    with args.acks.open("a", encoding="utf-8") as acks:
        for i in range(args.count):
            remark = f"{args.prefix}-{i}"
            n = trigger.hit("commit")
            armed.kill_in_commit = bool(n) and n % 2 == 1
            item = queue_submission(db, "job_seeker_registration", "求职登记", PERSON[0], PERSON[1],
                                    {"job_type": "fixed", "remark": remark}, system_clock)
            if n:
                die()  # even n: committed, but the resident was never told
            acks.write(f"{remark} {item.key}\n")
            acks.flush()
            os.fsync(acks.fileno())
            worker.kick()
            time.sleep(rng.uniform(0, 0.005))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        counts = db.outbox.counts()
        if counts[OutboxState.QUEUED] == 0 and counts[OutboxState.SENDING] == 0:
            break
        worker.kick()
        time.sleep(0.01)
    worker.stop()
    counts = db.outbox.counts()
    db.close()
    client.close()
    print("done " + " ".join(f"{s.value}={n}" for s, n in counts.items()), flush=True)
    return 0 if counts[OutboxState.QUEUED] == 0 and counts[OutboxState.SENDING] == 0 else 1


def serve() -> int:
    """The fork server (see the module docstring)."""
    import json

    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        if command == "QUIT":
            return 0
        if command != "RUN":
            continue
        spec = json.loads(rest)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.environ.pop("CRASH_MOMENT", None)
                if spec.get("moment"):
                    os.environ["CRASH_MOMENT"] = spec["moment"]
                    os.environ["CRASH_NTH"] = str(spec.get("nth", 1))
                code = main(spec["argv"])
            except BaseException as exc:  # report, never fall back into the server loop
                print(f"error {type(exc).__name__}: {exc}", flush=True)
            finally:
                sys.stdout.flush()
                os._exit(code)
        print(f"PID {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"EXIT {pid} {os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve() if sys.argv[1:] == ["--serve"] else main())
