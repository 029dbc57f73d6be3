"""Sign kiosk requests: HMAC-SHA256 over method, path, kiosk id, timestamp, nonce and the body's SHA-256."""

from __future__ import annotations

import hashlib
import hmac

SIGNED_HEADERS = ("X-Kiosk-Id", "X-Timestamp", "X-Nonce", "X-Body-SHA256", "X-Signature")


def body_sha256(body: bytes) -> str:
    """Hex SHA-256 of the raw body (an empty body hashes b"")."""
    return hashlib.sha256(body or b"").hexdigest()


def string_to_sign(method: str, path_with_query: str, kiosk_id: str, timestamp: str, nonce: str,
                   body_hash: str) -> bytes:
    """The canonical text, one field per line, in the contract's order."""
    return "\n".join([method.upper(), path_with_query, kiosk_id, timestamp, nonce, body_hash]).encode("utf-8")


def sign(*, secret: str, method: str, path_with_query: str, kiosk_id: str, timestamp: int, nonce: str,
         body: bytes) -> dict[str, str]:
    """The five signing headers for one request."""
    digest = body_sha256(body)
    ts = str(int(timestamp))
    signature = hmac.new(secret.encode("utf-8"), string_to_sign(method, path_with_query, kiosk_id, ts, nonce, digest),
                         hashlib.sha256).hexdigest()
    return {"X-Kiosk-Id": kiosk_id, "X-Timestamp": ts, "X-Nonce": nonce, "X-Body-SHA256": digest,
            "X-Signature": signature}
