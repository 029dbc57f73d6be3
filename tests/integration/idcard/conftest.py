"""Fixtures: a pty SAM emulator on a stable symlink, and readers started against it (stopped afterwards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from devices.idcard.driver import IdCardReader, IdCardTiming
from tests.helpers.pty_peer import EventLog
from tests.helpers.sam_emulator import SamEmulator

TODAY = date(2025, 6, 1)
FAST = IdCardTiming(
    poll_interval=0.02, command_timeout=0.2, read_timeout=2.0, probe_timeout=0.15,
    reconnect_interval=0.1, removal_misses=3, repeat_window=4.0, offline_after=3,
)


@pytest.fixture
def device_link(tmp_path: Path) -> Path:
    """A stable device path (like /dev/serial/by-id/…) that emulators point at."""
    return tmp_path / "ttyIDCARD"


@pytest.fixture
def emulator(device_link: Path) -> Iterator[SamEmulator]:
    emu = SamEmulator(link=device_link).start()
    yield emu
    emu.disconnect()


StartReader = Callable[..., tuple[IdCardReader, EventLog]]


@pytest.fixture
def start_reader(device_link: Path) -> Iterator[StartReader]:
    readers: list[IdCardReader] = []

    def start(uri: str | None = None, clock: Callable[[], float] | None = None,
              timing: IdCardTiming = FAST) -> tuple[IdCardReader, EventLog]:
        kwargs = {"clock": clock} if clock else {}
        reader = IdCardReader(uri or f"serial://{device_link}", today=lambda: TODAY, timing=timing, **kwargs)
        log = EventLog()
        reader.start(log)
        readers.append(reader)
        return reader, log

    yield start
    for reader in readers:
        reader.stop()
