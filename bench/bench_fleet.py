"""Fleet load on the gateway: N simulated kiosks against `serve --workers W` on a private PostgreSQL.

Each simulated kiosk does what a real one does with config/default.toml: a heartbeat every 60 s, a
pull of every feed every 600 s (a cursor at the newest change, so the pages are empty as on most
days), and a submission now and then (--push-every, default one per kiosk-hour). The requests are
sent open-loop at their scheduled instants over keep-alive connections; a latency counts from the
scheduled instant, so a gateway that falls behind shows it (no coordinated omission).

The baseline is the same schedule against a minimal signed endpoint on the same stack (uvicorn
workers, FastAPI, the signing middleware with its secret lookup and nonce row in PostgreSQL): the
ratio says what the gateway's own work costs over a signed round trip. Then the database work of
one heartbeat is timed in-process (no HTTP) to say where the time goes.

Usage: python bench/bench_fleet.py --kiosks 30000 --seconds 60 [--workers 2] [--connections 64] [--rollout-percent 50]
The machine is shared with other work: say so next to any number this prints.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from kiosk.platform.signing import sign  # noqa: E402
from sandbox import db  # noqa: E402
from sandbox.app import SigningMiddleware  # noqa: E402
from sandbox.contract import FEED_FIELDS  # noqa: E402
from sandbox.db import make_engine  # noqa: E402
from sandbox.server import WORKER_DB_ENV, serve_workers  # noqa: E402
from sandbox.service import Platform  # noqa: E402
from tests.helpers.ports import free_port  # noqa: E402
from tests.helpers.postgres import PostgresCluster  # noqa: E402

CHINA = timezone(timedelta(hours=8))
PERSON = ("140222197503150011", "李建军")  # a demo person: submissions are for them
PING_PATH = "/v1/bench-ping"


def kiosk_id(i: int) -> str:
    return f"BK-{i:06d}"


def kiosk_secret(i: int) -> str:
    return hashlib.sha256(f"bench-kiosk-{i}".encode()).hexdigest()


# ---- the baseline server: a minimal signed endpoint on the same stack -------------------------------
def baseline_app() -> FastAPI:
    """One signed route and nothing else: the signing middleware (secret lookup, nonce row) over PostgreSQL."""
    platform = Platform(make_engine(db_path=os.environ[WORKER_DB_ENV]), migrate=False)
    app = FastAPI()
    app.add_middleware(SigningMiddleware, platform=platform)

    @app.post(PING_PATH)
    def ping() -> dict[str, bool]:
        return {"ok": True}

    return app


def start_server(kind: str, url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--db-url", url, "--workers", str(workers),
                             "--port", str(port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{kind} server exited")
        try:
            import requests

            if requests.get(f"http://127.0.0.1:{port}/v1/time" if kind == "gateway" else
                            f"http://127.0.0.1:{port}/docs", timeout=1).status_code == 200:
                return proc, port
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{kind} server did not start")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ---- the load: a schedule of signed requests, sent open-loop -----------------------------------------
@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    sent: int = 0

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        if not ok:
            key = f"{kind}: {detail}"
            self.errors[key] = self.errors.get(key, 0) + 1


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def heartbeat_body(i: int) -> dict[str, Any]:
    return {"app_version": "1.4.2", "uptime_s": 3600.0 + i, "disk_free_mb": 20480.0,
            "outbox": {"queued": 0, "sent": 12, "needs_attention": 0},
            "cache_ages": {feed: 120.0 for feed in FEED_FIELDS},
            "devices": [{"kind": k, "state": "online", "message": ""}
                        for k in ("id_reader", "ss_card_reader", "printer", "qr_scanner")],
            "update": {"installed_version": "1.4.2", "previous_version": "1.4.1", "last_outcome": "up_to_date",
                       "last_at": 1.0e9, "last_version": "1.4.2", "failed_versions": []}}


def submission_body() -> dict[str, Any]:
    return {"idempotency_key": f"bench-{uuid.uuid4().hex}", "kind": "job_seeker_registration",
            "submitted_at": datetime.now(CHINA).isoformat(timespec="seconds"),
            "person": {"id_number": PERSON[0], "name": PERSON[1]}, "payload": {"job_type": "fixed"}}


def schedule(kiosks: int, seconds: float, push_every: float, pull_every: float, baseline: bool,
             cursors: dict[str, str]) -> list[tuple[float, str, int, str, str, bytes]]:
    """(at, kind, kiosk, method, target, body) for the whole run, sorted by time; kiosks start at random phases."""
    rng = secrets.SystemRandom()
    plan: list[tuple[float, str, int, str, str, bytes]] = []

    def every(interval: float, make: Any) -> None:
        for i in range(kiosks):
            at = rng.uniform(0, interval)
            while at < seconds:  # one kiosk's requests of one moment go one after another (~30 ms apart)
                plan.extend((at + 0.03 * k, *r) for k, r in enumerate(make(i)))
                at += interval

    def beat(i: int) -> list[tuple[str, int, str, str, bytes]]:
        body = json.dumps(heartbeat_body(i)).encode()
        target = PING_PATH if baseline else f"/v1/kiosks/{kiosk_id(i)}/heartbeat"
        return [("heartbeat", i, "POST", target, body)]

    def push(i: int) -> list[tuple[str, int, str, str, bytes]]:
        body = json.dumps(submission_body(), ensure_ascii=False).encode()
        return [("push", i, "POST", PING_PATH if baseline else "/v1/submissions", body)]

    def pull(i: int) -> list[tuple[str, int, str, str, bytes]]:
        if baseline:
            return [("feed", i, "POST", PING_PATH, b"") for _ in FEED_FIELDS]
        return [("feed", i, "GET", f"/v1/feeds/{feed}?cursor={cursors[feed]}", b"") for feed in FEED_FIELDS]

    every(60.0, beat)
    every(pull_every, pull)
    if push_every > 0:
        every(push_every, push)
    plan.sort(key=lambda r: r[0])
    return plan


async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, method: str, target: str,
               headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a kept-alive connection (a tiny client: the load generator shares the CPUs)."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
             "Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    first = await reader.readline()
    if not first:  # the server closed an idle kept-alive connection (uvicorn's keep-alive timeout)
        raise ConnectionResetError("closed")
    status = int(first.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def run_load(port: int, plan: list[tuple[float, str, int, str, str, bytes]], connections: int) -> tuple[Stats, float]:
    stats = Stats()
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks: list[asyncio.Task[None]] = []

    async def one(at: float, kind: str, i: int, method: str, target: str, body: bytes) -> None:
        conn = await pool.get()
        headers = sign(secret=kiosk_secret(i), method=method, path_with_query=target, kiosk_id=kiosk_id(i),
                       timestamp=int(time.time()), nonce=secrets.token_hex(16), body=body)
        try:
            try:
                status, answer = await http(*conn, method, target, headers, body)
            except ConnectionResetError:  # an idle connection the server closed: a kiosk reconnects too
                conn[1].close()
                conn = await asyncio.open_connection("127.0.0.1", port)
                status, answer = await http(*conn, method, target, headers, body)
            ok = status in (200, 201)
            stats.add(kind, loop.time() - start - at, ok, "" if ok else f"{status} {answer[:80]!r}")
            pool.put_nowait(conn)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            stats.add(kind, loop.time() - start - at, False, type(exc).__name__)
            conn[1].close()
            pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))

    for at, kind, i, method, target, body in plan:
        delay = at - (loop.time() - start)
        if delay > 0:
            await asyncio.sleep(delay)
        stats.sent += 1
        tasks.append(asyncio.create_task(one(at, kind, i, method, target, body)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    while not pool.empty():
        pool.get_nowait()[1].close()
    return stats, elapsed


def report(name: str, stats: Stats, elapsed: float) -> dict[str, float]:
    done = sum(len(v) for v in stats.latencies.values())
    every = [x for v in stats.latencies.values() for x in v]
    print(f"\n{name}: {done} requests in {elapsed:.1f} s = {done / elapsed:.0f} req/s sustained; "
          f"p50 {p(every, 0.5):.0f} ms, p95 {p(every, 0.95):.0f} ms, p99 {p(every, 0.99):.0f} ms")
    for kind, values in sorted(stats.latencies.items()):
        print(f"  {kind:9s} {len(values):7d} req  {len(values) / elapsed:6.0f}/s  p50 {p(values, 0.5):6.0f} ms  "
              f"p95 {p(values, 0.95):6.0f} ms")
    for key, n in sorted(stats.errors.items()):
        print(f"  ERROR x{n}: {key}")
    return {"rps": done / elapsed, "p95": p(every, 0.95)}


def where_the_time_goes(url: str, kiosks: int, n: int = 1000) -> None:
    """The database work of one heartbeat, in-process on PostgreSQL (no HTTP, no framework)."""
    platform = Platform(make_engine(db_path=url), migrate=False)
    body = heartbeat_body(0)
    parts = {"secret lookup": lambda i: platform.secret_for(kiosk_id(i % kiosks)),
             "nonce insert": lambda i: platform.remember_nonce(kiosk_id(i % kiosks), secrets.token_hex(16), 0),
             "heartbeat write": lambda i: platform.heartbeat(kiosk_id(i % kiosks), body),
             # already inside "heartbeat write": the live rollout's answer from this process's cached plan
             "rollout answer": lambda i: platform.rollouts.plan().settings_for(kiosk_id(i % kiosks), {}, body["update"])}
    print(f"\nwhere the time goes: one heartbeat's database work in-process, mean of {n} (single thread):")
    total = 0.0
    for name, call in parts.items():
        times = []
        for i in range(n):
            t = time.perf_counter()
            call(i)
            times.append(time.perf_counter() - t)
        mean = statistics.fmean(times) * 1000
        total += mean if name != "rollout answer" else 0.0
        print(f"  {name:16s} {mean:6.2f} ms")
    print(f"  {'together':16s} {total:6.2f} ms  (the rest of a request is HTTP, JSON, pydantic, FastAPI, signing)")
    platform.engine.dispose()


def register_kiosks(url: str, kiosks: int, rollout_percent: float) -> dict[str, str]:
    """Seed the demo data, register the simulated kiosks (a rollout of 1.5.0 to a share of them when asked);
    the newest cursor of every feed."""
    platform = Platform(make_engine(db_path=url))
    platform.seed_demo()
    with platform.engine.begin() as conn:
        conn.execute(insert(db.Kiosk), [{"kiosk_id": kiosk_id(i), "secret": kiosk_secret(i), "name": "", "settings": {}}
                                        for i in range(kiosks)])
    if rollout_percent > 0:  # every heartbeat answer then carries a wish: the release, or hold
        platform.rollouts.add_release("1.5.0")
        platform.rollouts.start("1.5.0", percent=rollout_percent)
    cursors = {}
    for feed in FEED_FIELDS:
        cursor = None
        while True:
            page = platform.feed_page(feed, cursor, 1000)
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        cursors[feed] = cursor
    platform.engine.dispose()
    return cursors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiosks", type=int, default=30000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2, help="gateway worker processes")
    ap.add_argument("--connections", type=int, default=64, help="kept-alive connections of the load generator")
    ap.add_argument("--push-every", type=float, default=3600.0, help="seconds between one kiosk's submissions")
    ap.add_argument("--pull-every", type=float, default=600.0, help="seconds between one kiosk's feed pulls")
    ap.add_argument("--rollout-percent", type=float, default=0.0,
                    help="a live rollout of release 1.5.0 to this share of the fleet during the run (0: none)")
    ap.add_argument("--serve", choices=["gateway", "baseline"], help=argparse.SUPPRESS)
    ap.add_argument("--db-url", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:  # a server child of the bench
        app = "sandbox.server:worker_app" if args.serve == "gateway" else "bench_fleet:baseline_app"
        serve_workers(args.db_url, args.workers, port=args.port, log_level="warning", app=app)
        return 0

    cluster = PostgresCluster().start()
    try:
        url = cluster.create_database("fleet")
        print(f"registering {args.kiosks} kiosks on PostgreSQL …", flush=True)
        cursors = register_kiosks(url, args.kiosks, args.rollout_percent)
        rates = {"heartbeat": args.kiosks / 60, "feed": args.kiosks * len(FEED_FIELDS) / args.pull_every,
                 "push": args.kiosks / args.push_every if args.push_every > 0 else 0}
        print(f"{args.kiosks} kiosks for {args.seconds:.0f} s, {args.workers} gateway workers, {args.connections} "
              f"connections, rollout {args.rollout_percent:g}%; offered load " + ", ".join(f"{k} {v:.0f}/s" for k, v in rates.items())
              + f" = {sum(rates.values()):.0f}/s; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        results = {}
        for kind in ("gateway", "baseline"):
            proc, port = start_server(kind, url, args.workers)
            try:
                plan = schedule(args.kiosks, args.seconds, args.push_every, args.pull_every, kind == "baseline", cursors)
                stats, elapsed = asyncio.run(run_load(port, plan, args.connections))
                results[kind] = report(kind + (" (gateway routes)" if kind == "gateway" else
                                               f" (the same schedule, every request POST {PING_PATH})"), stats, elapsed)
            finally:
                stop_server(proc)
        g, b = results["gateway"], results["baseline"]
        print(f"\nratio gateway/baseline: p95 {g['p95'] / b['p95']:.2f}x, throughput {g['rps'] / b['rps']:.2f}x; "
              f"goal: {args.kiosks} kiosks at p95 <= 100 ms -> {'MET' if g['p95'] <= 100 else 'NOT met'} "
              f"(load average after: {os.getloadavg()[0]:.1f})")
        where_the_time_goes(url, args.kiosks)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
