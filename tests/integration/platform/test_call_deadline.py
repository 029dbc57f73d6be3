"""A server that drips its reply holds no call past the call deadline (the read timeout alone never fires)."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.platform import HeartbeatReport, PlatformClient, PlatformUnavailable
from tests.helpers.fault_proxy import Fault, FaultProxy

pytestmark = pytest.mark.integration

BODY = b'{"server_time": "2026-12-05T16:00:00+08:00", "settings": {}}'
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)
# the TLS server answers one request per connection: it says so, or the client may reuse a closed one
HEAD_CLOSE = HEAD.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")


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


# ---- the same over TLS, as a real site connects (https only) ----------------------------------------
def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (the client pins it as its CA bundle) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextmanager
def tls_server(folder: Path, reply: Callable[[], Iterator[bytes]]) -> Iterator[int]:
    """One-connection-at-a-time TLS server on 127.0.0.1 answering every request with reply()."""
    cert, key = _self_signed(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            raw.settimeout(10)  # not the listener's 0.1 s poll: a handshake on a loaded machine takes longer
            try:
                with context.wrap_socket(raw, server_side=True) as conn:
                    buffer = b""
                    while b"\r\n\r\n" not in buffer:
                        buffer += conn.recv(65536)
                    # read the body too: closing with request bytes unread makes the kernel answer with a
                    # reset, which can reach the client before the reply does (a flaky "closed without response")
                    head, _, body = buffer.partition(b"\r\n\r\n")
                    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    while len(body) < length:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        body += chunk
                    for piece in reply():
                        if stop.is_set():
                            break
                        conn.sendall(piece)
            except (OSError, ssl.SSLError):
                continue  # the client cut the connection: what this test expects

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_over_tls_a_quick_reply_verifies_and_a_dripping_one_ends_at_the_deadline(tmp_path: Path) -> None:
    with tls_server(tmp_path, lambda: iter([HEAD_CLOSE + BODY])) as port:
        client = PlatformClient(f"https://127.0.0.1:{port}", "TZ-YQ-LJZ-01", "x" * 32,
                                ca_bundle=str(tmp_path / "cert.pem"), call_deadline=5)
        assert client.heartbeat(HeartbeatReport("1.0", 1, 1)).settings == {}
        client.close()
    with tls_server(tmp_path, lambda: drip(HEAD + BODY, 0.2)) as port:  # the head itself drips
        client = PlatformClient(f"https://127.0.0.1:{port}", "TZ-YQ-LJZ-01", "x" * 32,
                                ca_bundle=str(tmp_path / "cert.pem"), read_timeout=1, call_deadline=1.5)
        started = time.monotonic()
        with pytest.raises(PlatformUnavailable) as info:
            client.heartbeat(HeartbeatReport("1.0", 1, 1))
        elapsed = time.monotonic() - started
        client.close()
    assert info.value.code == "DEADLINE" and 1.4 < elapsed < 3.0, (info.value.code, elapsed)
