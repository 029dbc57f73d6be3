"""Every request the kiosk's client builds validates against sandbox/openapi.json (jsonschema).

The conftest records each client's requests and checks them after every test of this folder; this
test makes sure every operation a kiosk calls is among them, each with a valid request.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from kiosk.platform import AssistedBy, AuditEntry, FaultReportDraft, HeartbeatReport, Submission
from sandbox.contract import FEEDS, RECORD_KINDS

pytestmark = pytest.mark.integration

LI = ("140222197503150011", "李建军")
CHEN = ("140222198311020030", "陈志强")


def key() -> str:
    return "k-" + uuid.uuid4().hex


def test_every_request_the_client_builds_matches_the_document(client, sandbox, sent_requests, contract_checker):
    client.sync_time()
    client.heartbeat(HeartbeatReport("1.0", 12.5, 2048))
    client.record_audit(AuditEntry(key(), "T01-张工", "enter", "2025-03-05T09:30:00+08:00", {"screen": "tech"}))
    for feed in FEEDS:
        page = client.fetch_feed(feed, limit=50)
        client.fetch_feed(feed, page.next_cursor, limit=1000)
    session = client.login_id_card(*LI)
    client.login_ss_card("D00000003")
    client.login_card_holder("D00000001", "140200D1560000050000000000000001", "140200")  # a demo 3rd-gen card
    client.login_essc(sandbox.platform.issue_essc_token("P0002")["essc_token"])
    case = client.submit(Submission(key(), "job_seeker_registration", "2025-03-05T09:30:00+08:00", *LI,
                                    {"job_type": "gig", "category_codes": ["3002"], "daily_wage_expect": 180}))
    client.submit(Submission(key(), "gig_hiring_registration", "2025-03-05T09:30:00+08:00", *CHEN,
                             {"title": "收玉米", "address": "玉泉镇", "start_date": "2025-03-10",
                              "end_date": "2025-03-12", "headcount": 3, "daily_wage": 150,
                              "contact_phone": "13800000000"}))
    # 全程代理 (issue 11 §5): a worker of this service point logs in (PIN, then e-SSC) and submits for a resident
    staff = client.login_staff(staff_no="YQ-LJZ-01", pin="135790")
    client.login_staff(essc_token=sandbox.platform.issue_essc_token("王春梅")["essc_token"])
    assisted = client.submit(Submission(key(), "job_seeker_registration", "2025-03-05T09:30:00+08:00", *LI,
                                        {"job_type": "gig", "category_codes": ["3002"], "daily_wage_expect": 160},
                                        assisted_by=AssistedBy(staff.staff_no, staff.staff_session)))
    assert sandbox.platform.case_assist(assisted.case_no) == {"staff_no": "YQ-LJZ-01",
                                                              "staff_session": staff.staff_session}
    client.my_cases(session.token)
    client.my_cases(session.token, status="PENDING", month="2025-03")
    client.my_registrations(session.token)
    for kind in RECORD_KINDS:
        client.record(session.token, kind)
    client.withdraw(session.token, case.case_no)
    client.report_fault(FaultReportDraft(key(), "功能性问题", "打印机卡纸", "请派人检修"))
    client.fault_reports()

    for r in sent_requests.sent:
        assert contract_checker.problems(r) == [], str(r)
    called = {f"{contract_checker.operation(r.method, urlsplit(r.url).path)[0]} {r.method}" for r in sent_requests.sent}
    kiosk_facing = {f"{path} {method.upper()}" for path, ops in contract_checker.doc["paths"].items()
                    for method in ops if not path.startswith("/v1/admin/")}
    assert kiosk_facing <= called, kiosk_facing - called
