"""A private PostgreSQL cluster for the tests: initdb in a temp folder, its own port on 127.0.0.1.

The Debian `postgresql` package (scripts/system-deps.sh) provides the binaries. Missing binaries are a
failure with a clear message, never a skip: the gateway's production store must be tested. PostgreSQL
refuses to run as root, so as root the server runs as the package's `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.ports import free_port

# A test cluster: durability off (the data is thrown away), small, quick to start and stop.
_SERVER_OPTIONS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200 -c shared_buffers=64MB")


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def postgres_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/*/bin holding initdb, or PostgresMissing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise PostgresMissing("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
                              "run scripts/system-deps.sh (Debian package `postgresql`)")
    return Path(found[-1]).parent


class PostgresCluster:
    """initdb + pg_ctl start on a free 127.0.0.1 port; unix socket in the cluster's own folder."""

    def __init__(self) -> None:
        self.bin = postgres_bin_dir()
        # Its own folder right under the system temp: pytest's folders are 0700 root's, closed to `postgres`.
        self.folder = Path(tempfile.mkdtemp(prefix="gateway-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "sock"
        self.port = free_port()
        self.user = "gateway"
        self._run_as: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")  # created by the Debian package
            self._run_as = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--init-groups"]
            self._owner: tuple[int, int] | None = (account.pw_uid, account.pw_gid)
        else:
            self._owner = None

    def _cmd(self, tool: str, *args: str) -> list[str]:
        return [*self._run_as, str(self.bin / tool), *args]

    def start(self) -> PostgresCluster:
        self.socket_dir.mkdir(exist_ok=True)
        if self._owner is not None:
            for p in (self.folder, self.socket_dir):
                os.chown(p, *self._owner)
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync", "--no-instructions")
        options = f"-p {self.port} -k {self.socket_dir} {_SERVER_OPTIONS}"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "-t",
                  "30", "start")
        return self

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(self._cmd(tool, *args), capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-1500:]} {tail}")

    def stop(self) -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"),
                       capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg 3) for one database of the cluster, over TCP on 127.0.0.1."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "gw") -> str:
        """A fresh empty database; its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        deadline = time.monotonic() + 10
        while True:
            done = subprocess.run([str(self.bin.parent / "bin" / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                                   "-U", self.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                                  capture_output=True, text=True, timeout=30)
            if done.returncode == 0:
                return done.stdout
            if time.monotonic() > deadline:
                raise RuntimeError(f"psql failed: {done.stderr.strip()}")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One private PostgreSQL cluster for the whole session (started on first use, ~1 s); tests create databases."""
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()
