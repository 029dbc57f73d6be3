"""The sd_notify protocol of kiosk/watchdog.py against a real unix datagram socket, as systemd binds it."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.watchdog import MESSAGES, ServiceNotifier


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = str(tmp_path / "notify")
    sock.bind(path)
    sock.settimeout(2)
    yield path, sock
    sock.close()


def test_without_a_notify_socket_every_call_is_a_quiet_no_op() -> None:
    n = ServiceNotifier.from_environment({}, pid=10, parent_pid=1)
    assert not n.enabled and n.watchdog_interval_s is None
    assert n.ready() is False and n.ping() is False and n.stopping() is False


def test_ready_then_pings_arrive_as_systemd_reads_them(manager: tuple[str, socket.socket]) -> None:
    path, sock = manager
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "6000000", "WATCHDOG_PID": str(os.getpid()), "HOME": "/x"}
    n = ServiceNotifier.from_environment(env, pid=os.getpid(), parent_pid=1)
    assert env == {"HOME": "/x"}  # children (the demo sandbox) do not inherit the manager's socket
    assert n.watchdog_interval_s == pytest.approx(2.0)
    assert n.ready() and n.ready()  # the second call sends nothing
    assert n.ping()
    assert sock.recv(4096).decode() == f"READY=1\nSTATUS={MESSAGES['ready']}"
    assert sock.recv(4096) == b"WATCHDOG=1"
    n.close()


def test_abstract_namespace_socket(tmp_path: Path) -> None:
    name = f"kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(2)
    try:
        n = ServiceNotifier("@" + name, watchdog_usec=None)
        assert n.ping()
        assert sock.recv(64) == b"WATCHDOG=1"
    finally:
        sock.close()


@pytest.mark.parametrize(("watchdog_pid", "pings"), [("4242", True), ("7", True), ("999", False), ("", True)])
def test_the_watchdog_belongs_to_us_or_to_cage_our_parent(watchdog_pid: str, pings: bool) -> None:
    env = {"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000"}
    if watchdog_pid:
        env["WATCHDOG_PID"] = watchdog_pid
    n = ServiceNotifier.from_environment(env, pid=4242, parent_pid=7)
    assert (n.watchdog_interval_s is not None) is pings


def test_a_missing_manager_costs_one_log_line_and_never_raises(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    n = ServiceNotifier(str(tmp_path / "nobody"), watchdog_usec=3_000_000)
    with caplog.at_level(logging.WARNING, logger="kiosk.watchdog"):
        assert [n.ping() for _ in range(5)] == [False] * 5
    assert len(caplog.records) == 1


def test_a_full_socket_buffer_drops_the_ping_instead_of_blocking(manager: tuple[str, socket.socket]) -> None:
    path, _sock = manager  # nobody reads: the queue fills up
    n = ServiceNotifier(path, watchdog_usec=3_000_000)
    results = [n.ping() for _ in range(5000)]
    assert results[0] is True and results[-1] is False
