"""The kiosk's signer and the sandbox's verifier agree; each kind of tampering has its own code."""

from __future__ import annotations

import pytest

from kiosk.platform.signing import body_sha256, sign
from sandbox.signing import SignatureRejected, verify

SECRET = "s3cret-for-tests-0123456789abcdef"
NOW = 1_750_000_000


class NonceBook:
    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, kiosk_id: str, nonce: str, _ts: int) -> bool:
        if (kiosk_id, nonce) in self.seen:
            return False
        self.seen.add((kiosk_id, nonce))
        return True


def signed(body: bytes = b'{"a":1}', *, method: str = "POST", path: str = "/v1/submissions", ts: int = NOW,
           nonce: str = "0" * 31 + "1", kiosk: str = "TZ-YQ-LJZ-01", secret: str = SECRET) -> dict[str, str]:
    headers = sign(secret=secret, method=method, path_with_query=path, kiosk_id=kiosk, timestamp=ts, nonce=nonce,
                   body=body)
    return {k.lower(): v for k, v in headers.items()}


def check(headers: dict[str, str], body: bytes = b'{"a":1}', *, method: str = "POST", path: str = "/v1/submissions",
          now: float = NOW, book: NonceBook | None = None):
    return verify(method=method, path_with_query=path, headers=headers, body=body, now=now,
                  secret_for=lambda k: SECRET if k == "TZ-YQ-LJZ-01" else None, remember_nonce=book or NonceBook())


def code_of(fn) -> str:
    with pytest.raises(SignatureRejected) as info:
        fn()
    return info.value.code


def test_a_request_signed_by_the_kiosk_passes_the_platform_check():
    assert check(signed()).kiosk_id == "TZ-YQ-LJZ-01"


def test_an_empty_body_hashes_the_empty_string():
    assert body_sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert check(signed(b"", method="GET", path="/v1/feeds/regions?limit=5"), b"", method="GET",
                 path="/v1/feeds/regions?limit=5").nonce.endswith("1")


def test_a_tampered_body_is_rejected_as_bad_signature():
    assert code_of(lambda: check(signed(), b'{"a":2}')) == "BAD_SIGNATURE"


def test_a_body_hash_that_matches_a_tampered_body_still_fails_the_signature():
    headers = signed()
    headers["x-body-sha256"] = body_sha256(b'{"a":2}')
    assert code_of(lambda: check(headers, b'{"a":2}')) == "BAD_SIGNATURE"


def test_a_changed_query_is_rejected():
    assert code_of(lambda: check(signed(path="/v1/me/cases?status=PENDING"),
                                 path="/v1/me/cases?status=APPROVED")) == "BAD_SIGNATURE"


def test_a_wrong_secret_is_rejected():
    assert code_of(lambda: check(signed(secret="another-secret-0123456789"))) == "BAD_SIGNATURE"


def test_a_stale_timestamp_has_its_own_code_both_ways():
    assert code_of(lambda: check(signed(ts=NOW - 301))) == "STALE_TIMESTAMP"
    assert code_of(lambda: check(signed(ts=NOW + 301))) == "STALE_TIMESTAMP"
    assert check(signed(ts=NOW - 299)).timestamp == NOW - 299


def test_a_replayed_nonce_has_its_own_code():
    book = NonceBook()
    headers = signed()
    check(headers, book=book)
    assert code_of(lambda: check(headers, book=book)) == "REPLAYED_NONCE"


def test_an_unknown_kiosk_has_its_own_code():
    assert code_of(lambda: check(signed(kiosk="XX-UNKNOWN"))) == "UNKNOWN_KIOSK"


@pytest.mark.parametrize("header", ["x-timestamp", "x-nonce", "x-body-sha256", "x-signature"])
def test_a_missing_header_is_bad_signature(header):
    headers = signed()
    del headers[header]
    assert code_of(lambda: check(headers)) == "BAD_SIGNATURE"


def test_a_malformed_nonce_is_rejected():
    assert code_of(lambda: check(signed(nonce="not-hex"))) == "BAD_SIGNATURE"
