"""An isolated pcscd with the vpcd virtual reader driver, for integration tests and benches.

Never touches a system pcscd: pcscd runs in its own mount namespace with a private directory
bind-mounted on /run/pcscd, and the client library is pointed at it with PCSCLITE_CSOCK_NAME.
The client library reads PCSCLITE_CSOCK_NAME once per process (on its first context), so
start() sets it in os.environ and the socket path stays the same across restart().
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.ports import free_port, port_is_free

log = logging.getLogger(__name__)

VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
READER_PREFIX = "Virtual PCD"


# One private pcscd socket path per test process. The client library caches PCSCLITE_CSOCK_NAME on its
# first context, so claim it early (at conftest import) and keep it for restarts.
SESSION_BASE = Path(tempfile.gettempdir()) / f"kiosk-pcscd-{os.getpid()}"


def claim_client_socket(base: Path = SESSION_BASE) -> str:
    """Point this process's PC/SC client at base/run/pcscd.comm (call before anything opens a context)."""
    path = str(base / "run" / "pcscd.comm")
    os.environ["PCSCLITE_CSOCK_NAME"] = path
    return path


ANY_HOST = "0.0.0.0"  # vpcd listens on all interfaces


class PcscdUnavailable(RuntimeError):
    """pcscd, vpcd or unshare is missing or failed to start here."""


def free_port_pair() -> int:
    """A port p with p and p+1 both free (vpcd's two readers)."""
    for _ in range(50):
        port = free_port(ANY_HOST)
        if port < 65535 and port_is_free(port, ANY_HOST) and port_is_free(port + 1, ANY_HOST):
            return port
    raise PcscdUnavailable("no free port pair for vpcd")


class IsolatedPcscd:
    """One private pcscd + vpcd: readers "Virtual PCD 00 00" on port and "Virtual PCD 00 01" on port+1."""

    def __init__(self, port: int | None = None, base_dir: str | None = None) -> None:
        for tool in ("pcscd", "unshare"):
            if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
                raise PcscdUnavailable(f"{tool} not found")
        if not Path(VPCD_DRIVER).exists():
            raise PcscdUnavailable(f"vpcd driver not found at {VPCD_DRIVER}")
        self.port = port if port is not None else free_port_pair()
        self.base = Path(base_dir or tempfile.mkdtemp(prefix="kiosk-pcscd-"))
        self.run_dir = self.base / "run"
        self.conf_dir = self.base / "reader.conf.d"
        self.log_path = self.base / "pcscd.log"
        self.socket_path = self.run_dir / "pcscd.comm"
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: object | None = None

    @property
    def reader_names(self) -> tuple[str, str]:
        return (f"{READER_PREFIX} 00 00", f"{READER_PREFIX} 00 01")

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _write_config(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        (self.conf_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{READER_PREFIX}"\n'
            f"DEVICENAME /dev/null:0x{self.port:X}\n"
            f"LIBPATH {VPCD_DRIVER}\n"
            f"CHANNELID 0x{self.port:X}\n"
        )

    def start(self, timeout: float = 10.0) -> None:
        """Start pcscd and wait until the client lists the virtual readers."""
        if self.running:
            return
        self._write_config()
        Path("/run/pcscd").mkdir(parents=True, exist_ok=True)  # the mount point; its contents stay untouched
        previous = os.environ.get("PCSCLITE_CSOCK_NAME")
        if previous and previous != str(self.socket_path):
            log.warning("PCSCLITE_CSOCK_NAME changes from %s; a context opened earlier keeps the old path", previous)
        claim_client_socket(self.base)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log_file = log_file
        # exec makes sh become pcscd, so Popen's pid is pcscd's own pid.
        self._proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             'mount --bind "$0" /run/pcscd && exec pcscd -f -c "$1"', str(self.run_dir), str(self.conf_dir)],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 10.0) -> list[str]:
        """Poll the client's reader list until both virtual readers show up."""
        from smartcard.Exceptions import SmartcardException
        from smartcard.pcsc.PCSCExceptions import BaseSCardException
        from smartcard.System import readers

        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise PcscdUnavailable(f"pcscd exited with {self._proc.returncode}: {self.log_tail()}")
            try:
                names = [str(r) for r in readers()]
            except (SmartcardException, BaseSCardException) as exc:  # not listening yet
                last = str(exc)
                names = []
            if all(n in names for n in self.reader_names):
                return names
            time.sleep(0.02)
        raise PcscdUnavailable(
            f"pcscd not ready after {timeout}s ({last}); PCSCLITE_CSOCK_NAME={os.environ.get('PCSCLITE_CSOCK_NAME')}"
            f" (the client reads it once per process); log: {self.log_tail()}"
        )

    def wait_card(self, present: bool, reader: str | None = None, timeout: float = 5.0) -> None:
        """Block until pcscd sees the reader (default "Virtual PCD 00 00") with / without a card."""
        from smartcard import scard

        name = reader or self.reader_names[0]
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscdUnavailable(f"no context: {scard.SCardGetErrorMessage(hresult)}")
        try:
            state = scard.SCARD_STATE_UNAWARE
            deadline = time.monotonic() + timeout
            while True:
                left_ms = int((deadline - time.monotonic()) * 1000)
                if left_ms <= 0:
                    raise TimeoutError(f"{name}: card {'never came' if present else 'still there'} after {timeout}s")
                hresult, states = scard.SCardGetStatusChange(context, left_ms, [(name, state)])
                if hresult == scard.SCARD_S_SUCCESS:
                    state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                    if bool(state & scard.SCARD_STATE_PRESENT) == present:
                        return
        finally:
            scard.SCardReleaseContext(context)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop our pcscd by its PID (SIGTERM, then SIGKILL)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if self._log_file is not None:
            self._log_file.close()  # type: ignore[attr-defined]
            self._log_file = None

    def restart(self, timeout: float = 10.0) -> None:
        """Stop and start again with the same socket path and ports."""
        self.stop()
        self.start(timeout)

    def log_tail(self, n: int = 2000) -> str:
        try:
            return self.log_path.read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> IsolatedPcscd:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


@pytest.fixture(scope="session")
def pcscd() -> Iterator[IsolatedPcscd]:
    """A session-wide isolated pcscd with vpcd. The real stack is required: if it cannot start, the tests
    fail saying why (scripts/system-deps.sh installs pcscd and vsmartcard-vpcd)."""
    try:
        daemon = IsolatedPcscd(base_dir=str(SESSION_BASE))
        daemon.start()
    except PcscdUnavailable as exc:
        pytest.fail(f"isolated pcscd unavailable: {exc}", pytrace=False)
    try:
        yield daemon
    finally:
        daemon.cleanup()
