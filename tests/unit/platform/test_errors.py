"""Whatever the platform answers (500, HTML, empty, truncated JSON, wrong shape), the client raises a typed error."""

from __future__ import annotations

import json

import pytest
import requests
from requests.adapters import BaseAdapter

from kiosk.platform import (
    ERRORS,
    CaseNotWithdrawable,
    EsscRejected,
    FeedRefetchRequired,
    HeartbeatReport,
    IdempotencyConflict,
    KioskAuthError,
    PlatformBadResponse,
    PlatformClient,
    PlatformError,
    PlatformRejected,
    PlatformTlsError,
    PlatformUnavailable,
    TokenExpired,
    ValidationRejected,
)
from sandbox.contract import ERROR_CODES


class CannedAdapter(BaseAdapter):
    """Answers every request with one canned reply (or raises), and remembers the request."""

    def __init__(self, status: int = 200, body: bytes = b"{}", raise_: Exception | None = None,
                 content_type: str = "application/json") -> None:
        super().__init__()
        self.status, self.body, self.raise_, self.content_type = status, body, raise_, content_type
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):  # noqa: ANN001 - requests' adapter signature
        self.requests.append(request)
        self.kwargs = kwargs
        if self.raise_ is not None:
            raise self.raise_
        resp = requests.Response()
        resp.status_code = self.status
        resp._content = self.body
        resp.headers["Content-Type"] = self.content_type
        resp.url = request.url
        resp.request = request
        return resp

    def close(self) -> None:
        pass


def client_with(adapter: CannedAdapter) -> PlatformClient:
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return PlatformClient("http://platform.test", "TZ-YQ-LJZ-01", "x" * 32, session=session, clock=lambda: 1.7e9,
                          nonce_source=lambda: "ab" * 16)


def raised(adapter: CannedAdapter, call=lambda c: c.fetch_feed("fixed_jobs")) -> PlatformError:
    with pytest.raises(PlatformError) as info:
        call(client_with(adapter))
    return info.value


@pytest.mark.parametrize("status,body", [
    (500, b'{"code":"INTERNAL_ERROR","message":"boom"}'),
    (502, b"<html><body>Bad Gateway</body></html>"),
    (503, b""),
    (200, b"<html><body>captive portal: please log in</body></html>"),
    (200, b""),
    (200, b'{"items": [{"id": "fj-1", "vers'),
    (200, b"[1, 2, 3]"),
    (200, b"\xff\xfe\x00garbage"),
    (403, b"<html>Forbidden by proxy</html>"),
    (302, b""),
    (404, b'{"message": "no code here"}'),
])
def test_garbage_answers_mean_network_unavailable(status, body):
    err = raised(CannedAdapter(status, body, content_type="text/html"))
    assert isinstance(err, PlatformUnavailable)
    assert "网络暂时不可用" in err.message


@pytest.mark.parametrize("body", [
    b'{"items": "not a list", "next_cursor": "c", "has_more": false}',
    b'{"items": [{"id": 5, "version": 1, "updated_at": "x", "deleted": false}], "next_cursor": "c", "has_more": false}',
    b'{"items": [], "next_cursor": null, "has_more": false}',
    b'{"items": [], "has_more": false}',
])
def test_a_json_reply_of_the_wrong_shape_is_a_bad_response(body):
    assert isinstance(raised(CannedAdapter(200, body)), PlatformBadResponse)


def test_wrong_shapes_on_other_endpoints_are_bad_responses_too():
    report = HeartbeatReport("1.0", 1, 1)
    assert isinstance(raised(CannedAdapter(200, b'{"server_time": "yesterday", "settings": {}}'),
                             lambda c: c.heartbeat(report)), PlatformBadResponse)
    assert isinstance(raised(CannedAdapter(200, b'{"resident_token": "t"}'),
                             lambda c: c.login_essc("tok")), PlatformBadResponse)
    assert isinstance(raised(CannedAdapter(200, b'{"cases": [{"case_no": 1}]}'),
                             lambda c: c.my_cases("t")), PlatformBadResponse)


@pytest.mark.parametrize("exc", [
    requests.ConnectionError("refused"), requests.ConnectTimeout("slow"), requests.ReadTimeout("slow"),
    requests.exceptions.ChunkedEncodingError("cut"), requests.exceptions.ContentDecodingError("bad gzip"),
])
def test_transport_failures_mean_network_unavailable(exc):
    err = raised(CannedAdapter(raise_=exc))
    assert type(err) is PlatformUnavailable
    assert err.message.startswith("网络暂时不可用")


def test_a_certificate_failure_is_a_tls_error_for_the_technician():
    err = raised(CannedAdapter(raise_=requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED")))
    assert isinstance(err, PlatformTlsError) and isinstance(err, PlatformUnavailable)
    assert "技术员" in err.message


@pytest.mark.parametrize("code,status,cls", [
    ("FEED_REFETCH", 410, FeedRefetchRequired), ("TOKEN_EXPIRED", 401, TokenExpired),
    ("IDEMPOTENCY_CONFLICT", 409, IdempotencyConflict), ("CASE_NOT_WITHDRAWABLE", 409, CaseNotWithdrawable),
    ("ESSC_REUSED", 401, EsscRejected), ("STALE_TIMESTAMP", 401, KioskAuthError),
    ("VALIDATION_ERROR", 422, ValidationRejected), ("SOMETHING_NEW", 400, PlatformRejected),
])
def test_contract_codes_map_to_their_types_with_plain_chinese(code, status, cls):
    body = json.dumps({"code": code, "message": "server words"}).encode()
    err = raised(CannedAdapter(status, body))
    assert type(err) is cls
    assert err.code == code and err.http_status == status and err.server_message == "server words"
    assert err.message and err.message != "server words"
    assert str(err) == err.message


def test_every_code_the_sandbox_can_send_has_a_chinese_message_in_the_one_table():
    assert set(ERROR_CODES) <= set(ERRORS)
    for cls, message in ERRORS.values():
        assert issubclass(cls, PlatformError)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_requests_are_signed_and_carry_the_resident_token_only_when_given():
    adapter = CannedAdapter(200, b'{"cases": []}')
    client = client_with(adapter)
    client.my_cases("tok-123", status="PENDING", month="2025-03")
    sent = adapter.requests[0]
    assert sent.headers["Authorization"] == "Bearer tok-123"
    assert sent.headers["X-Kiosk-Id"] == "TZ-YQ-LJZ-01" and sent.headers["X-Nonce"] == "ab" * 16
    assert sent.headers["X-Timestamp"] == "1700000000"
    assert sent.path_url == "/v1/me/cases?status=PENDING&month=2025-03"
    adapter2 = CannedAdapter(200, b'{"items": [], "next_cursor": "c", "has_more": false}')
    client_with(adapter2).fetch_feed("regions")
    assert "Authorization" not in adapter2.requests[0].headers


def test_the_secret_never_shows_in_the_clients_repr():
    assert "x" * 32 not in repr(client_with(CannedAdapter()))


@pytest.mark.parametrize("ca_bundle,expected", [("/etc/kiosk/platform-ca.pem", "/etc/kiosk/platform-ca.pem"),
                                                ("", True), (True, True)])
def test_tls_verification_uses_the_configured_ca_bundle(ca_bundle, expected):
    adapter = CannedAdapter(200, b'{"cases": []}')
    session = requests.Session()
    session.mount("https://", adapter)
    PlatformClient("https://platform.test", "K", "x" * 32, ca_bundle=ca_bundle, session=session,
                   connect_timeout=2, read_timeout=7).my_cases("t")
    assert adapter.kwargs["verify"] == expected
    assert adapter.kwargs["timeout"] == (2, 7)
