"""A server that drips its reply holds no call past the call deadline (the read timeout alone never fires)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from kiosk.platform import HeartbeatReport, PlatformClient, PlatformUnavailable
from tests.helpers.fault_proxy import Fault, FaultProxy

pytestmark = pytest.mark.integration

BODY = b'{"server_time": "2026-12-05T16:00:00+08:00", "settings": {}}'
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)


def drip(data: bytes, every_s: float) -> Iterator[bytes]:
    for i in range(len(data)):
        time.sleep(every_s)
        yield data[i:i + 1]


def head_then_drip(body: bytes, every_s: float) -> Iterator[bytes]:
    yield HEAD
    yield from drip(body, every_s)


@pytest.fixture
def server() -> Iterator[FaultProxy]:
    with FaultProxy(upstream_port=9) as proxy:  # answers itself (CANNED): the upstream is never used
        proxy.set_fault(Fault.CANNED)
        yield proxy


@pytest.mark.parametrize("where", ["head", "body"])
def test_a_dripping_reply_ends_at_the_call_deadline(server: FaultProxy, where: str) -> None:
    server.canned = (lambda: drip(HEAD + BODY, 0.2)) if where == "head" else (lambda: head_then_drip(BODY, 0.2))
    client = PlatformClient(server.base_url, "TZ-YQ-LJZ-01", "x" * 32, connect_timeout=1, read_timeout=1,
                            call_deadline=1.5)
    started = time.monotonic()
    with pytest.raises(PlatformUnavailable) as info:
        client.heartbeat(HeartbeatReport("1.0", 1, 1))
    elapsed = time.monotonic() - started
    client.close()
    assert info.value.code == "DEADLINE" and "太慢" in info.value.message
    assert 1.4 < elapsed < 3.0, elapsed


def test_a_quick_reply_is_not_cut_and_no_timer_thread_is_left(server: FaultProxy) -> None:
    server.canned = lambda: [HEAD + BODY]
    client = PlatformClient(server.base_url, "TZ-YQ-LJZ-01", "x" * 32, call_deadline=0.5)
    before = threading.active_count()
    for _ in range(3):
        reply = client.heartbeat(HeartbeatReport("1.0", 1, 1))
    time.sleep(0.7)  # past the deadline of every call: a timer left running would cut a later call
    reply = client.heartbeat(HeartbeatReport("1.0", 1, 1))
    client.close()
    assert reply.server_time.utcoffset() is not None
    assert threading.active_count() <= before + 1
