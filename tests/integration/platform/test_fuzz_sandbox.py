"""Hypothesis throws malformed requests at the sandbox: it never answers 500, always a contract error body."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.platform.signing import sign
from sandbox.contract import ERROR_CODES
from tests.helpers.sandbox_server import demo_secret

pytestmark = pytest.mark.integration

PATHS = ["/v1/sessions", "/v1/submissions", "/v1/fault-reports", "/v1/kiosks/TZ-YQ-LJZ-01/heartbeat",
         "/v1/feeds/fixed_jobs", "/v1/me/cases", "/v1/me/records/employee_pension", "/v1/cases/TZ1/withdraw",
         "/v1/feeds/nope", "/v1/admin/cases/TZ1/review", "/v1/admin/feeds/fixed_jobs", "/v1/admin/essc-tokens",
         "/v1/admin/kiosks/TZ-YQ-LJZ-01/settings", "/v1/admin/fault-reports/WT1/answer"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=12,
)
keys = st.sampled_from(["method", "id_number", "name", "card_number", "essc_token", "idempotency_key", "kind",
                        "submitted_at", "person", "payload", "category", "description", "suggestion", "snapshot",
                        "app_version", "uptime_s", "disk_free_mb", "outbox", "devices", "decision", "reason", "id",
                        "fields", "delete", "response", "deadline"])
bodies = st.one_of(
    st.dictionaries(keys, json_values, max_size=8).map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.text(max_size=100).map(lambda t: t.encode("utf-8")),
)
queries = st.sampled_from(["", "?cursor=", "?limit=0", "?limit=abc", "?limit=99999", "?status=NOPE", "?month=2025-13",
                           "?cursor=%FF%FE", "?kiosk=other", "?limit=5&cursor=Zml4ZWRfam9iczo5OTk6MA"])


def _send(base: str, method: str, path: str, body: bytes, signed: bool, token: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if signed:
        headers.update(sign(secret=demo_secret(), method=method, path_with_query=path, kiosk_id="TZ-YQ-LJZ-01",
                            timestamp=int(_send.clock()), nonce=uuid.uuid4().hex, body=body))
    if token:
        headers["Authorization"] = token
    return requests.request(method, base + path, data=body, headers=headers, timeout=10)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]), path=st.sampled_from(PATHS), query=queries,
       body=bodies, signed=st.booleans(),
       token=st.sampled_from([None, "Bearer ", "Bearer x", "Basic abc", "Bearer " + "a" * 300]))
def test_malformed_requests_never_get_a_500(sandbox, method, path, query, body, signed, token):
    _send.clock = sandbox.clock
    resp = _send(sandbox.base_url, method, path + query, body, signed, token)
    assert resp.status_code < 500, resp.text
    if resp.status_code >= 400:
        err = resp.json()
        assert set(err) == {"code", "message"} and err["code"] in ERROR_CODES


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(st.sampled_from(["job_type", "reason", "commitment_confirmed", "title", "headcount",
                                                "start_date", "end_date", "daily_wage", "contact_phone", "address"]),
                               json_values, max_size=8),
       kind=st.sampled_from(["job_seeker_registration", "gig_hiring_registration", "unemployment_registration",
                             "internship_application", "x"]),
       id_number=st.sampled_from(["140222197503150011", "140222197503150012", "", "X" * 18, "1402221975031500111"]),
       submitted_at=st.sampled_from(["2025-03-01T09:00:00+08:00", "yesterday", "", "2025-02-30T00:00:00"]))
def test_well_formed_but_wrong_submissions_are_422_or_accepted(sandbox, payload, kind, id_number, submitted_at):
    _send.clock = sandbox.clock
    body = json.dumps({"idempotency_key": "fz-" + uuid.uuid4().hex, "kind": kind, "submitted_at": submitted_at,
                       "person": {"id_number": id_number, "name": "测试"}, "payload": payload}).encode()
    resp = _send(sandbox.base_url, "POST", "/v1/submissions", body, True, None)
    assert resp.status_code in (201, 422), resp.text
