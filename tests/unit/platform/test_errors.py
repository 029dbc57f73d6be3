"""Whatever the platform answers (500, HTML, empty, truncated JSON, wrong shape), the client raises a typed error."""

from __future__ import annotations

import io
import json
import tracemalloc
import zlib

import pytest
import requests
import urllib3
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
                 content_type: str = "application/json", headers: dict[str, str] | None = None) -> None:
        super().__init__()
        self.status, self.body, self.raise_, self.content_type = status, body, raise_, content_type
        self.headers = headers or {}
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):  # noqa: ANN001 - requests' adapter signature
        self.requests.append(request)
        self.kwargs = kwargs
        if self.raise_ is not None:
            raise self.raise_
        resp = requests.Response()
        resp.status_code = self.status
        headers = {"Content-Type": self.content_type, **self.headers}
        # Like a real adapter: the body is a urllib3 stream the client reads itself.
        resp.raw = urllib3.HTTPResponse(body=io.BytesIO(self.body), headers=headers, status=self.status,
                                        preload_content=False, decode_content=False)
        resp.headers.update(headers)
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


# ---- hostile replies: bounded, typed (issue 10 item 5) -------------------------------------------
def capped_client(adapter: CannedAdapter, cap: int = 1 << 20) -> PlatformClient:
    session = requests.Session()
    session.mount("http://", adapter)
    return PlatformClient("http://platform.test", "TZ-YQ-LJZ-01", "x" * 32, session=session, clock=lambda: 1.7e9,
                          max_reply_bytes=cap)


@pytest.mark.parametrize("value", ["2026-12-05T16:00:00", "2026-12-05 16:00:00"])
def test_a_server_time_without_utc_offset_is_a_bad_response(value):
    body = json.dumps({"server_time": value, "settings": {}}).encode()
    err = raised(CannedAdapter(200, body), lambda c: c.heartbeat(HeartbeatReport("1.0", 1, 1)))
    assert isinstance(err, PlatformBadResponse) and err.code == "BAD_SHAPE"


def test_a_session_expiry_without_utc_offset_is_a_bad_response():
    body = json.dumps({"resident_token": "t", "expires_at": "2026-12-05T16:15:00", "profile": {
        "person_id": "P1", "name": "n", "id_number": "i", "gender": "男", "birth_date": "1975-03-15", "age": 50,
        "hard_to_employ": False, "registrations": {}, "has_employment_certificate": False}}).encode()
    assert isinstance(raised(CannedAdapter(200, body), lambda c: c.login_essc("tok")), PlatformBadResponse)


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                                  b'{"items": ' + b"[" * 70 + b"]" * 70 + b', "next_cursor": "c", "has_more": false}'])
def test_deeply_nested_json_is_a_bad_response_not_a_recursion_error(body):
    err = raised(CannedAdapter(200, body))
    assert isinstance(err, PlatformBadResponse) and err.code == "JSON_TOO_DEEP"


def test_a_reply_over_the_cap_is_refused_before_it_is_all_read():
    body = b'{"items": [], "pad": "' + b"x" * (2 << 20) + b'", "next_cursor": "c", "has_more": false}'
    with pytest.raises(PlatformBadResponse) as info:
        capped_client(CannedAdapter(200, body), cap=1 << 20).fetch_feed("fixed_jobs")
    assert info.value.code == "REPLY_TOO_LARGE"


@pytest.mark.parametrize("encoding,wbits", [("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS),
                                            ("deflate", -zlib.MAX_WBITS)])
def test_a_compression_bomb_stops_at_the_cap_counted_after_decompression(encoding, wbits):
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    bomb = b"".join(packer.compress(b" " * (1 << 20)) for _ in range(64)) + packer.flush()  # 64 MiB inflated
    assert len(bomb) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(PlatformBadResponse) as info:
            capped_client(CannedAdapter(200, bomb, headers={"Content-Encoding": encoding}),
                          cap=1 << 20).fetch_feed("fixed_jobs")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.code == "REPLY_TOO_LARGE"
    assert peak < 8 << 20, f"peak {peak >> 20} MiB while refusing a 64 MiB bomb"


@pytest.mark.parametrize("encoding,wbits", [("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS),
                                            ("deflate", -zlib.MAX_WBITS), ("identity", None)])
def test_compressed_replies_within_the_cap_are_read(encoding, wbits):
    body = b'{"items": [], "next_cursor": "c9", "has_more": false}'
    if wbits is not None:
        packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
        body = packer.compress(body) + packer.flush()
    page = capped_client(CannedAdapter(200, body, headers={"Content-Encoding": encoding})).fetch_feed("fixed_jobs")
    assert page.next_cursor == "c9"


def test_an_unknown_content_encoding_is_a_bad_response():
    err = raised(CannedAdapter(200, b"\x28\xb5\x2f\xfd", headers={"Content-Encoding": "zstd"}))
    assert isinstance(err, PlatformBadResponse) and err.code == "BAD_ENCODING"
    adapter = CannedAdapter(200, b'{"cases": []}')
    client_with(adapter).my_cases("t")
    assert adapter.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


# ---- a kiosk clock off the platform's (issue 10 item 6) --------------------------------------------
class ScriptedAdapter(CannedAdapter):
    """Answers request n with replies[n] (status, body); remembers every request."""

    def __init__(self, *replies: tuple[int, bytes]) -> None:
        super().__init__()
        self.replies = list(replies)

    def send(self, request, **kwargs):  # noqa: ANN001 - requests' adapter signature
        self.status, self.body = self.replies[min(len(self.requests), len(self.replies) - 1)]
        return super().send(request, **kwargs)


STALE = (401, b'{"code": "STALE_TIMESTAMP", "message": "clock"}')
TIME = (200, b'{"server_time": "2023-11-14T22:13:20+00:00", "unix": 1700000000}')  # 1.7e9 + 0
FEED = (200, b'{"items": [], "next_cursor": "c", "has_more": false}')


def late_client(adapter: CannedAdapter) -> PlatformClient:
    session = requests.Session()
    session.mount("http://", adapter)
    return PlatformClient("http://platform.test", "TZ-YQ-LJZ-01", "x" * 32, session=session,
                          clock=lambda: 1.7e9 - 3600)  # an hour slow


def test_a_stale_timestamp_asks_the_platforms_time_and_signs_again_with_it():
    adapter = ScriptedAdapter(STALE, TIME, FEED)
    client = late_client(adapter)
    assert client.fetch_feed("regions").next_cursor == "c"
    first, time_call, again = adapter.requests
    assert time_call.path_url == "/v1/time" and "X-Signature" not in time_call.headers
    assert first.headers["X-Timestamp"] == str(int(1.7e9 - 3600)) and again.headers["X-Timestamp"] == "1700000000"
    assert client.clock_offset_s == 3600
    client.fetch_feed("regions")  # the offset stays: no second time request
    assert [r.path_url for r in adapter.requests[3:]] == ["/v1/feeds/regions?limit=200"]


@pytest.mark.parametrize("time_reply", [(500, b""), (200, b'{"server_time": "2023-11-14T22:13:20"}'), STALE])
def test_when_the_time_cannot_be_learned_the_refusal_stands_and_is_not_looped(time_reply):
    adapter = ScriptedAdapter(STALE, time_reply, STALE)
    with pytest.raises(KioskAuthError) as info:
        late_client(adapter).fetch_feed("regions")
    assert info.value.code == "STALE_TIMESTAMP"
    assert len(adapter.requests) == 2  # the request, the time question: no retry without a time


def test_a_refusal_even_with_the_platforms_time_is_raised_after_one_retry():
    adapter = ScriptedAdapter(STALE, TIME, STALE, TIME, STALE)
    with pytest.raises(KioskAuthError):
        late_client(adapter).fetch_feed("regions")
    assert len(adapter.requests) == 3


def test_two_gzip_members_are_read_whole_and_trailing_junk_after_them_is_ignored():
    def member(text: bytes) -> bytes:
        packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return packer.compress(text) + packer.flush()

    body = member(b'{"items": [], "next_cursor": ') + member(b'"c7", "has_more": false}') + b"\x00\x00junk"
    page = capped_client(CannedAdapter(200, body, headers={"Content-Encoding": "gzip"})).fetch_feed("fixed_jobs")
    assert page.next_cursor == "c7"


_OLD_FAULT_ROW = {"report_no": "WT2025010100001", "category": "系统性问题", "description": "读卡慢", "suggestion": "请优化",
                  "routed_to": "省级工作专班", "created_at": "2025-01-01T09:00:00+08:00", "status": "SUBMITTED"}


def test_fault_reports_from_a_platform_without_the_workflow_fields_still_read():
    reports = client_with(CannedAdapter(200, json.dumps({"reports": [_OLD_FAULT_ROW]}).encode())).fault_reports()
    assert reports[0].report_no == "WT2025010100001" and reports[0].level is None and reports[0].due_at is None
    assert not reports[0].escalated and not reports[0].overdue and reports[0].answered_by is None


def test_fault_reports_carry_the_workflow_fields_and_refuse_a_wrong_type():
    row = {**_OLD_FAULT_ROW, "level": "市人社部门", "due_at": "2025-01-07T09:00:00+08:00", "overdue": True,
           "escalated": True, "answered_by": None}
    got = client_with(CannedAdapter(200, json.dumps({"reports": [row]}).encode())).fault_reports()[0]
    assert (got.level, got.due_at, got.overdue, got.escalated) == ("市人社部门", "2025-01-07T09:00:00+08:00", True, True)
    bad = json.dumps({"reports": [{**row, "escalated": "yes"}]}).encode()
    assert isinstance(raised(CannedAdapter(200, bad), lambda c: c.fault_reports()), PlatformBadResponse)
