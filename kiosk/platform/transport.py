"""Bounded HTTP for the platform client: a wall-clock deadline per call, a reply-size cap, a JSON depth limit.

A read timeout only bounds the silence between two bytes; a server that sends one byte every 0.8 s
never trips it. So every call also gets a deadline: a timer cuts the call's socket when it passes,
whatever phase the call is in (headers or body). Reply bodies are read in pieces and decompressed
here, never by urllib3, so a gzip bomb stops at the cap instead of filling the memory.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

log = logging.getLogger(__name__)

CHUNK_BYTES = 16 * 1024  # raw bytes read at a time; one piece of deflate can grow ~1000× at most
MAX_JSON_DEPTH = 64  # the contract nests a few levels; anything deeper is hostile
ACCEPT_ENCODING = "gzip, deflate"  # what _Decoder understands; never br or zstd
NESTED_TOO_DEEP = "nested too deep"

_current = threading.local()  # the DeadlineWatch of the call running on this thread


class ReplyTooLarge(Exception):
    """The reply grew past the cap (raw or decompressed)."""


class ReplyUndecodable(Exception):
    """The reply's Content-Encoding is unknown or its compressed data is broken."""


class DeadlineWatch:
    """Cuts the connection of one call when its deadline passes (a timer thread shuts the socket down)."""

    def __init__(self, seconds: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self.deadline = monotonic() + seconds
        self.fired = False
        self._lock = threading.Lock()
        self._connections: list[HTTPConnection] = []
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def remaining(self) -> float:
        """Seconds left (never below zero)."""
        return max(0.0, self.deadline - self._monotonic())

    def attach(self, conn: HTTPConnection) -> None:
        """Called by the connection when this call sends on it."""
        with self._lock:
            self._connections.append(conn)
            fired = self.fired
        if fired:
            _cut(conn)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            connections = list(self._connections)
        for conn in connections:
            _cut(conn)

    def __enter__(self) -> DeadlineWatch:
        _current.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current.watch = None


def _cut(conn: HTTPConnection) -> None:
    """Shut the socket down so a blocked read in another thread returns at once (TLS included)."""
    sock = getattr(conn, "sock", None)
    if sock is None:
        return
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's method, also under TLS
    except OSError as exc:  # already closed: nothing left to cut
        log.debug("deadline: socket already closed (%s)", type(exc).__name__)


class _Watched:
    """Mixin: tell the current call's DeadlineWatch which connection it is using."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections a DeadlineWatch can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _Decoder:
    """Content-Encoding gzip / deflate / identity, decompressed with a bound on the output."""

    def __init__(self, encoding: str) -> None:
        names = [e.strip() for e in encoding.lower().split(",") if e.strip() and e.strip() != "identity"]
        if len(names) > 1 or (names and names[0] not in ("gzip", "x-gzip", "deflate")):
            raise ReplyUndecodable(f"Content-Encoding {encoding[:40]!r}")
        self.name = names[0] if names else ""
        self._zlib: Any = None
        self._raw_deflate_tried = False
        self._finished = False  # past the end of the compressed data: what follows is junk, ignored
        self._members_done = 0
        if self.name in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.name == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        """Decompress `data`, returning at most `room` bytes (more would exceed the cap anyway)."""
        if self._zlib is None:
            return data[:room]
        out = bytearray()
        while data and len(out) < room and not self._finished:
            try:
                out += self._zlib.decompress(data, room - len(out))
            except zlib.error as exc:
                if self.name == "deflate" and not self._raw_deflate_tried and not out:
                    # Some servers send raw deflate without the zlib header.
                    self._raw_deflate_tried = True
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                if self._members_done:
                    self._finished = True  # junk after a complete gzip member, as urllib3 tolerates
                    break
                raise ReplyUndecodable(f"{self.name}: {exc}") from exc
            self._raw_deflate_tried = True
            if len(out) >= room:
                break
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                self._members_done += 1
                if self.name == "deflate" or not self._zlib.unused_data:
                    self._finished = self.name == "deflate"
                    break
                data = self._zlib.unused_data  # another gzip member follows
                self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return bytes(out)


def read_capped(raw: Any, content_encoding: str, cap: int, watch: DeadlineWatch | None = None) -> bytes:
    """The whole body of a streamed urllib3 response, decompressed, or ReplyTooLarge past `cap` bytes.

    Compressed bytes count against the cap too. Raises ReplyUndecodable for unknown encodings or
    broken compressed data; transport errors (urllib3/requests) pass through.
    """
    decoder = _Decoder(content_encoding)
    out = bytearray()
    received = 0
    for chunk in _pieces(raw):
        received += len(chunk)
        if received > cap:
            raise ReplyTooLarge(f"more than {cap} bytes on the wire")
        out += decoder.feed(chunk, cap + 1 - len(out))
        if len(out) > cap:
            raise ReplyTooLarge(f"more than {cap} bytes once decompressed")
        if watch is not None and watch.fired:
            break
    return bytes(out)


def _pieces(raw: Any) -> Iterator[bytes]:
    # decode_content=False: urllib3 must not decompress (it would do so without our bound).
    yield from raw.stream(CHUNK_BYTES, decode_content=False)


def parse_json(body: bytes) -> tuple[Any, str]:
    """(value, "") for a JSON body nested at most MAX_JSON_DEPTH deep, else (None, what is wrong)."""
    if not body:
        return None, "empty"
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "not UTF-8"
    except RecursionError:
        return None, NESTED_TOO_DEEP
    except ValueError:
        return None, "not JSON"
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        return None, NESTED_TOO_DEEP
    return value, ""


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


__all__ = ["ACCEPT_ENCODING", "DeadlineAdapter", "DeadlineWatch", "MAX_JSON_DEPTH", "NESTED_TOO_DEEP", "ReplyTooLarge",
           "ReplyUndecodable", "parse_json", "read_capped"]
