"""Two gateway processes on one database behave as one: replay protection, idempotency, sessions, cursors.

Issue 14: "Replay protection and idempotency hold across two gateway processes (a test sends the same
signed request to both)". Each test runs on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from kiosk.platform.signing import sign
from sandbox.db import make_engine
from sandbox.service import Platform
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, RunningSandbox, demo_secret, subprocess_sandbox

pytestmark = pytest.mark.integration

LI = ("140222197503150011", "李建军")
CHINA = timezone(timedelta(hours=8))


@pytest.fixture
def two_gateways(database: str) -> Iterator[tuple[RunningSandbox, RunningSandbox]]:
    seeded = Platform(make_engine(db_path=database))
    seeded.seed_demo()
    seeded.engine.dispose()
    with subprocess_sandbox(database) as a, subprocess_sandbox(database) as b:
        yield a, b


def signed_request(method: str, target: str, body: Any = None, nonce: str | None = None,
                   token: str | None = None) -> dict[str, Any]:
    """One signed request, ready to send to any gateway (the same headers, the same nonce)."""
    data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = sign(secret=demo_secret(), method=method, path_with_query=target, kiosk_id=DEMO_KIOSK_ID,
                   timestamp=int(time.time()), nonce=nonce or uuid.uuid4().hex, body=data)
    headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {"method": method, "target": target, "data": data, "headers": headers}


def send(gateway: RunningSandbox, request: dict[str, Any]) -> requests.Response:
    return requests.request(request["method"], gateway.base_url + request["target"], data=request["data"],
                            headers=request["headers"], timeout=30)


def submission(key: str) -> dict[str, Any]:
    return {"idempotency_key": key, "kind": "job_seeker_registration",
            "submitted_at": datetime.now(CHINA).isoformat(timespec="seconds"),
            "person": {"id_number": LI[0], "name": LI[1]}, "payload": {"job_type": "fixed"}}


def at_once(calls: list[Any]) -> list[requests.Response]:
    """Run the calls in threads released together (so the two processes really race)."""
    start = threading.Barrier(len(calls))

    def run(call: Any) -> requests.Response:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_the_same_signed_request_passes_only_one_of_two_processes(two_gateways) -> None:
    a, b = two_gateways
    beat = signed_request("POST", f"/v1/kiosks/{DEMO_KIOSK_ID}/heartbeat",
                          {"app_version": "1.0.0", "uptime_s": 5.0, "disk_free_mb": 900.0})
    first, again = send(a, beat), send(b, beat)
    assert first.status_code == 200, first.text
    assert (again.status_code, again.json()["code"]) == (401, "REPLAYED_NONCE")
    for _ in range(5):  # sent to both at the same instant: exactly one is accepted
        same = signed_request("POST", "/v1/submissions", submission(f"race-{uuid.uuid4().hex}"))
        answers = at_once([lambda g=g, r=same: send(g, r) for g in (a, b)])
        codes = sorted(r.status_code for r in answers)
        assert codes == [201, 401], [r.text for r in answers]
        assert next(r for r in answers if r.status_code == 401).json()["code"] == "REPLAYED_NONCE"


def test_one_idempotency_key_makes_one_case_across_two_processes(two_gateways) -> None:
    a, b = two_gateways
    for _ in range(5):  # the kiosk's retry lands on the other process at the same moment: fresh nonces, one key
        body = submission(f"idem-{uuid.uuid4().hex}")
        requests_ = [(g, signed_request("POST", "/v1/submissions", body)) for g in (a, b)]  # fresh nonces
        answers = at_once([lambda g=g, r=r: send(g, r) for g, r in requests_])
        assert sorted(r.status_code for r in answers) == [200, 201], [r.text for r in answers]
        assert len({r.json()["case_no"] for r in answers}) == 1
    many = at_once([lambda g=g: send(g, signed_request("POST", "/v1/submissions", submission(uuid.uuid4().hex)))
                    for g in (a, b) * 6])  # distinct keys at once: twelve cases, twelve numbers
    assert [r.status_code for r in many] == [201] * 12, [r.text for r in many if r.status_code != 201]
    assert len({r.json()["case_no"] for r in many}) == 12


def test_a_resident_session_and_a_feed_cursor_from_one_process_work_on_the_other(two_gateways) -> None:
    a, b = two_gateways
    login = send(a, signed_request("POST", "/v1/sessions", {"method": "id_card", "id_number": LI[0], "name": LI[1]}))
    assert login.status_code == 200, login.text
    token = login.json()["resident_token"]
    cases = send(b, signed_request("GET", "/v1/me/cases", token=token))
    assert cases.status_code == 200, cases.text
    page = send(a, signed_request("GET", "/v1/feeds/job_categories?limit=1000")).json()
    assert not page["has_more"]
    target = f"/v1/feeds/job_categories?cursor={page['next_cursor']}"
    rest = send(b, signed_request("GET", target))
    assert (rest.status_code, rest.json()["items"]) == (200, [])
