"""Fixtures for the technician commands run as real subprocesses against the virtual devices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.escpos_sink import EscposTcpSink
from tests.helpers.pcscd import IsolatedPcscd, claim_client_socket
from tests.helpers.pty_peer import PtyPeer
from tests.helpers.sam_emulator import SamEmulator
from tests.helpers.vcard import VirtualSsCard

claim_client_socket()  # before anything in this process opens a PC/SC context

PROJECT_ROOT = Path(__file__).resolve().parents[3]
VENV_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
COMMAND_TIMEOUT_S = 30.0  # a hung command fails the test instead of hanging the suite


@dataclass(frozen=True)
class KioskRun:
    """What one `python -m kiosk … devices …` run printed and returned."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def records(self) -> list[dict[str, object]]:
        """Each non-empty stdout line parsed as JSON."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def by_device(self) -> dict[str, dict[str, object]]:
        return {str(r["device"]): r for r in self.records}

    def __str__(self) -> str:  # shown by pytest when an assertion about a run fails
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


@dataclass
class Site:
    """The device addresses of one test kiosk; write() turns them into a site TOML file."""

    directory: Path
    id_card: str
    ss_card: str
    qr_scanner: str
    printer: str

    def write(self) -> Path:
        path = self.directory / "site.toml"
        path.write_text(
            "[kiosk]\n"
            "demo = true\n"
            f'data_dir = "{self.directory / "data"}"\n'
            "[devices]\n"
            f'id_card = "{self.id_card}"\n'
            f'ss_card = "{self.ss_card}"\n'
            f'qr_scanner = "{self.qr_scanner}"\n'
            f'printer = "{self.printer}"\n'
            'printer_profile = "generic-80"\n'
            "[timeouts]\n"
            "device_status_s = 1.0\n",
            encoding="utf-8",
        )
        return path


@pytest.fixture(autouse=True)
def _pcscd_running(pcscd: IsolatedPcscd) -> None:  # noqa: F811
    """A test elsewhere that stopped pcscd and failed before starting it again must not break these."""
    if not pcscd.running:
        pcscd.start()


@pytest.fixture
def sam() -> Iterator[SamEmulator]:
    """A SAM ID card reader on a pty, with no card on it."""
    emu = SamEmulator().start()
    yield emu
    emu.disconnect()


@pytest.fixture
def qr_peer() -> Iterator[PtyPeer]:
    """A serial QR scanner on a pty that never scans anything."""
    peer = PtyPeer().start()
    yield peer
    peer.disconnect()


@pytest.fixture
def sink() -> Iterator[EscposTcpSink]:
    """A TCP 9100 receipt printer on 127.0.0.1 that records bytes and answers status queries."""
    with EscposTcpSink() as s:
        yield s


@pytest.fixture
def ss_card(pcscd: IsolatedPcscd) -> Iterator[VirtualSsCard]:  # noqa: F811
    """A virtual social security card for reader "Virtual PCD 00 00" (not inserted yet); out again afterwards."""
    card = VirtualSsCard(pcscd.port)
    yield card
    card.remove()
    if pcscd.running:  # the next test's command must find the slot empty
        pcscd.wait_card(present=False)


@pytest.fixture
def site(tmp_path: Path, sam: SamEmulator, qr_peer: PtyPeer, sink: EscposTcpSink) -> Site:
    """Every device configured against its virtual stand-in; tests change single addresses."""
    return Site(
        directory=tmp_path,
        id_card=f"serial://{sam.path}?baud=115200",
        ss_card="pcsc://Virtual PCD",
        qr_scanner=f"serial://{qr_peer.path}?baud=9600",
        printer=sink.uri,
    )


@pytest.fixture
def run_kiosk(pcscd: IsolatedPcscd) -> Callable[..., KioskRun]:  # noqa: F811
    """Run `python -m kiosk --config SITE devices ARGS…` as a child process on the isolated pcscd."""

    def run(site: Site, *args: str, env_extra: dict[str, str] | None = None) -> KioskRun:
        env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "KIOSK_PLATFORM_SECRET")}
        env.update(env_extra or {})  # e.g. TZ: the system zone the child runs in
        # The child's PC/SC client must talk to our isolated pcscd, never the system one.
        env["PCSCLITE_CSOCK_NAME"] = str(pcscd.socket_path)
        env["PYTHONIOENCODING"] = "utf-8"
        proc = subprocess.run(
            [PYTHON, "-m", "kiosk", "--config", str(site.write()), "devices", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=COMMAND_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
        return KioskRun(proc.returncode, proc.stdout, proc.stderr)

    return run
