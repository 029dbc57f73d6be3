"""Verify kiosk request signatures (HMAC-SHA256 over method, path, kiosk id, timestamp, nonce, body hash)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sandbox.contract import SIGNATURE_WINDOW_S

HEADERS = ("x-kiosk-id", "x-timestamp", "x-nonce", "x-body-sha256", "x-signature")
_NONCE = re.compile(r"^[0-9a-f]{32}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")


class SignatureRejected(Exception):
    """A request failed verification; code is the contract's stable error code."""

    def __init__(self, code: str, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after_s = retry_after_s  # RATE_LIMITED: when the kiosk's window ends (the Retry-After header)


@dataclass(frozen=True)
class VerifiedRequest:
    """Who sent a request that passed verification."""

    kiosk_id: str
    timestamp: int
    nonce: str


def string_to_sign(method: str, path_with_query: str, kiosk_id: str, timestamp: str, nonce: str,
                   body_sha256: str) -> bytes:
    """The canonical text the HMAC covers, one field per line."""
    return "\n".join([method.upper(), path_with_query, kiosk_id, timestamp, nonce, body_sha256]).encode("utf-8")


def verify(
    *,
    method: str,
    path_with_query: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    secret_for: Callable[[str], str | None],
    remember_nonce: Callable[[str, str, int], bool],
) -> VerifiedRequest:
    """Check one request; raise SignatureRejected with the code that names the first failure.

    remember_nonce(kiosk_id, nonce, timestamp) stores the nonce and returns False when it was seen before.
    """
    values = {h: headers.get(h, "") for h in HEADERS}
    kiosk_id = values["x-kiosk-id"]
    if not kiosk_id:
        raise SignatureRejected("BAD_SIGNATURE", "缺少签名头 X-Kiosk-Id")
    secret = secret_for(kiosk_id)
    if secret is None:
        raise SignatureRejected("UNKNOWN_KIOSK", "未登记的自助机")
    missing = [h for h in HEADERS if not values[h]]
    if missing:
        raise SignatureRejected("BAD_SIGNATURE", "缺少签名头 " + ", ".join(missing))
    ts_text = values["x-timestamp"]
    if not _TIMESTAMP.match(ts_text):
        raise SignatureRejected("BAD_SIGNATURE", "X-Timestamp 必须是 Unix 秒")
    timestamp = int(ts_text)
    if abs(now - timestamp) > SIGNATURE_WINDOW_S:
        raise SignatureRejected("STALE_TIMESTAMP", "请求时间与服务器时间相差超过 300 秒")
    nonce = values["x-nonce"]
    if not _NONCE.match(nonce):
        raise SignatureRejected("BAD_SIGNATURE", "X-Nonce 必须是 32 位小写十六进制")
    body_hash = values["x-body-sha256"]
    if not _HEX64.match(body_hash) or not hmac.compare_digest(body_hash, hashlib.sha256(body).hexdigest()):
        raise SignatureRejected("BAD_SIGNATURE", "请求体摘要不符")
    expected = hmac.new(
        secret.encode("utf-8"),
        string_to_sign(method, path_with_query, kiosk_id, ts_text, nonce, body_hash),
        hashlib.sha256,
    ).hexdigest()
    if not hmac.compare_digest(expected, values["x-signature"].lower()):
        raise SignatureRejected("BAD_SIGNATURE", "签名不正确")
    if not remember_nonce(kiosk_id, nonce, timestamp):
        raise SignatureRejected("REPLAYED_NONCE", "重复的请求（随机数已用过）")
    return VerifiedRequest(kiosk_id=kiosk_id, timestamp=timestamp, nonce=nonce)
