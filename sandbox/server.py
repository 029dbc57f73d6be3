"""Run the sandbox app with uvicorn on 127.0.0.1 only (a thread for tests, the foreground for demos)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from sandbox.app import create_app
from sandbox.console.web import console_settings
from sandbox.db import make_engine
from sandbox.loopback import HostRefused, check_host
from sandbox.service import Platform

log = logging.getLogger(__name__)

__all__ = ["HostRefused", "ThreadedServer", "bind", "check_host", "serve", "serve_workers"]

WORKER_DB_ENV = "SANDBOX_WORKER_DB"  # the database (URL or SQLite file) the worker processes open


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket on the loopback (port 0 → an ephemeral port, no race with other tests)."""
    # IPPROTO_TCP named outright: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says TCP.
    # With proto 0 every reply on a kept-alive connection waited ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((check_host(host), port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _config(platform: Platform, log_level: str) -> uvicorn.Config:
    # In this process (the demo, the tests' threads): the plain asyncio loop and h11, as always.
    return uvicorn.Config(create_app(platform, console=console_settings()), log_level=log_level, access_log=False, lifespan="off",
                          timeout_keep_alive=5, ws="none", loop="asyncio", http="h11")


def serve(platform: Platform, host: str = "127.0.0.1", port: int = 8765, log_level: str = "info") -> None:
    """Serve in the foreground until interrupted."""
    sock = bind(host, port)
    log.info("sandbox platform on http://127.0.0.1:%d", sock.getsockname()[1])
    uvicorn.Server(_config(platform, log_level)).run(sockets=[sock])


def worker_app() -> FastAPI:
    """The app of one worker process: its own engine and pool on the shared database.

    The parent process migrated and seeded the database before starting the workers; a worker keeps
    no state of its own, so a request may land on any of them (or on another machine's).
    """
    return create_app(Platform(make_engine(db_path=os.environ[WORKER_DB_ENV]), migrate=False), console=console_settings())


def serve_workers(db: str, workers: int, host: str = "127.0.0.1", port: int = 8765, log_level: str = "info",
                  app: str = "sandbox.server:worker_app") -> None:
    """Serve with `workers` processes sharing one listening socket and one database, until interrupted.

    app is the import string of the app factory each worker calls (bench/bench_fleet.py serves its baseline so).
    """
    sock = bind(host, port)
    os.environ[WORKER_DB_ENV] = db  # inherited by the spawned workers
    config = uvicorn.Config(app, factory=True, workers=workers, log_level=log_level,
                            access_log=False, lifespan="off", timeout_keep_alive=5, ws="none")
    log.info("gateway on http://127.0.0.1:%d with %d worker processes", sock.getsockname()[1], workers)
    Multiprocess(config, sockets=[sock]).run()


class ThreadedServer:
    """The sandbox in a background thread of this process (tests drive its clock directly)."""

    def __init__(self, platform: Platform, port: int = 0, log_level: str = "warning") -> None:
        self.platform = platform
        self._sock = bind("127.0.0.1", port)
        self.port: int = self._sock.getsockname()[1]
        self._server = uvicorn.Server(_config(platform, log_level))
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name="sandbox-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:  # uvicorn offers no event to wait on; poll its flag
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("sandbox server did not start")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
