"""What the document promises beyond the shapes: 405 with Allow, unknown query parameters and non-JSON bodies refused."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from kiosk.platform.signing import sign
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, demo_secret

pytestmark = pytest.mark.integration


def signed(sandbox, method: str, target: str, body: bytes = b"") -> requests.Response:
    headers = sign(secret=demo_secret(), method=method, path_with_query=target, kiosk_id=DEMO_KIOSK_ID,
                   timestamp=int(sandbox.clock()), nonce=uuid.uuid4().hex, body=body)
    headers["Content-Type"] = "application/json"
    return requests.request(method, sandbox.base_url + target, data=body, headers=headers, timeout=5)


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("TRACE", "/v1/feeds/regions", "GET"),
    ("PUT", "/v1/sessions", "POST"),
    ("DELETE", "/v1/fault-reports", "GET, POST"),
    ("TRACE", "/v1/time", "GET"),
    ("PATCH", "/v1/admin/cases/TZ1/review", "POST"),
])
def test_an_undeclared_method_is_405_with_allow_even_unsigned(sandbox, method, path, allow):
    resp = requests.request(method, sandbox.base_url + path, timeout=5)
    assert resp.status_code == 405 and resp.headers["Allow"] == allow
    assert resp.json()["code"] == "METHOD_NOT_ALLOWED"


def test_an_unknown_query_parameter_is_refused_in_the_contract_shape(sandbox):
    for resp in (requests.get(sandbox.base_url + "/v1/time?verbose=1", timeout=5),
                 signed(sandbox, "GET", "/v1/feeds/regions?limit=5&since=2025"),
                 requests.get(sandbox.base_url + "/v1/admin/kiosks?all=1", timeout=5)):
        assert resp.status_code == 422, resp.text
        assert resp.json()["code"] == "VALIDATION_ERROR"
    assert signed(sandbox, "GET", "/v1/feeds/regions?limit=5").status_code == 200


def test_a_body_that_is_not_json_is_422_not_400(sandbox):
    resp = signed(sandbox, "POST", "/v1/fault-reports", b"{not json")
    assert resp.status_code == 422 and resp.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("body", [
    {"method": "ss_card"},                                           # the card number is what ss_card needs
    {"method": "id_card", "id_number": "140222197503150011"},         # and id_card the name too
    {"method": "id_card", "id_number": "14022219750315001x", "name": "李建军"},  # X in upper case
    {"method": "essc"},
    {"method": "face", "id_number": "140222197503150011"},
])
def test_each_login_method_requires_its_own_fields(sandbox, body):
    resp = signed(sandbox, "POST", "/v1/sessions", json.dumps(body).encode())
    assert resp.status_code == 422 and resp.json()["code"] == "VALIDATION_ERROR", resp.text


def test_a_feed_limit_out_of_range_or_of_another_type_is_refused(sandbox):
    for limit in ("0", "1001", "abc", "5.5"):
        assert signed(sandbox, "GET", f"/v1/feeds/regions?limit={limit}").status_code == 422


def test_a_json_string_is_no_boolean_for_the_platform(sandbox):
    body = json.dumps({"id": "fj-x1", "delete": "false"}).encode()
    resp = requests.post(sandbox.base_url + "/v1/admin/feeds/fixed_jobs", data=body, timeout=5)
    assert resp.status_code == 422
