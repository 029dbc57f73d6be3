"""Outbox drain: the sync worker delivering N queued submissions vs a raw signed requests POST loop of the same bodies.

Both run against the same sandbox (a subprocess on a random 127.0.0.1 port) in the same run.
Usage: python bench/bench_outbox_drain.py [--n 300]
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from kiosk.platform import PlatformClient  # noqa: E402
from kiosk.platform.signing import sign  # noqa: E402
from kiosk.settings import SyncSettings  # noqa: E402
from kiosk.sync import SyncWorker, queue_submission, to_submission  # noqa: E402
from offline_cache import OutboxState, open_database  # noqa: E402
from offline_cache.clock import system_clock  # noqa: E402
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, demo_secret, subprocess_sandbox  # noqa: E402

PERSON = ("140222197503150011", "李建军")


def raw_loop(base_url: str, bodies: list[dict]) -> float:
    """POST each body signed as the kiosk signs, one keep-alive session, no outbox: the floor."""
    secret = demo_secret()
    with requests.Session() as s:
        s.trust_env = False
        start = time.perf_counter()
        for body in bodies:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            headers = sign(secret=secret, method="POST", path_with_query="/v1/submissions", kiosk_id=DEMO_KIOSK_ID,
                           timestamp=int(time.time()), nonce=secrets.token_hex(16), body=data)
            headers["Content-Type"] = "application/json; charset=utf-8"
            r = s.post(base_url + "/v1/submissions", data=data, headers=headers, timeout=10)
            if r.status_code != 201:
                raise SystemExit(f"raw POST failed: {r.status_code} {r.text[:200]}")
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, subprocess_sandbox(Path(tmp) / "sandbox.db") as sandbox:
        db = open_database(Path(tmp) / "kiosk" / "kiosk.db", backup_dir=None)
        client = PlatformClient(sandbox.base_url, DEMO_KIOSK_ID, demo_secret())
        try:
            for i in range(args.n):
                queue_submission(db, "job_seeker_registration", "求职登记", PERSON[0], PERSON[1],
                                 {"job_type": "fixed", "remark": f"bench-{i}"}, system_clock)
            # The raw loop sends the same bodies under fresh keys (the same key would only be a duplicate).
            bodies = []
            for item in db.outbox.next_batch(limit=args.n):
                body = to_submission(item).to_json()
                body["idempotency_key"] = "raw-" + uuid.uuid4().hex
                bodies.append(body)
            worker = SyncWorker(db, client, SyncSettings(15, 600, 60, 30), data_dir=Path(tmp) / "kiosk", feeds=(),
                                batch_size=50)
            start = time.perf_counter()
            summary = worker.push()
            worker_s = time.perf_counter() - start
            left = db.outbox.counts()[OutboxState.QUEUED]
            raw_s = raw_loop(sandbox.base_url, bodies)
        finally:
            client.close()
            db.close()
    if summary.accepted != args.n or left:
        print(f"worker delivered {summary.accepted}/{args.n} ({left} left)", file=sys.stderr)
        return 1
    print(f"n={args.n}")
    print(f"worker drain (outbox claim + decrypt + POST + mark accepted): {worker_s:.3f} s "
          f"({args.n / worker_s:.0f}/s)")
    print(f"raw signed POST loop, same bodies:                          {raw_s:.3f} s ({args.n / raw_s:.0f}/s)")
    print(f"ratio worker/raw: {worker_s / raw_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
