"""The kiosk's platform client against the real sandbox server on 127.0.0.1."""

from __future__ import annotations

import uuid

import pytest
import requests

from devices.base import DeviceHealth, DeviceKind, DeviceState, IdentityRead
from kiosk.platform import (
    CaseNotWithdrawable,
    EsscRejected,
    FaultReportDraft,
    FeedRefetchRequired,
    HeartbeatReport,
    IdempotencyConflict,
    IdentityRejected,
    KioskAuthError,
    NotFound,
    PlatformClient,
    PlatformUnavailable,
    Submission,
    TokenExpired,
    TokenInvalid,
    ValidationRejected,
)
from kiosk.platform.signing import sign
from tests.helpers.ports import dead_url

pytestmark = pytest.mark.integration

LI = ("140222197503150011", "李建军")        # employee, printable certificate
WANG = ("140222196208200026", "王秀英")      # retired, a failed pension payment
CHEN = ("140222198311020030", "陈志强")      # unemployed, hard to employ, certificate not printable


def key() -> str:
    return "k-" + uuid.uuid4().hex


def submission(person=LI, kind="job_seeker_registration", payload=None, k=None, when="2025-03-05T09:30:00+08:00"):
    return Submission(k or key(), kind, when, person[0], person[1], payload or {"job_type": "fixed"})


# ---- login ---------------------------------------------------------------------------------------
def test_login_by_id_card_returns_a_token_and_the_profile(client, sandbox):
    s = client.login_id_card(*LI)
    assert s.profile.person_id == "P0001" and s.profile.name == "李建军"
    assert s.profile.has_employment_certificate and not s.profile.hard_to_employ
    assert abs(s.expires_at.timestamp() - sandbox.clock() - 15 * 60) < 2
    assert "李建军" not in repr(s) and LI[0] not in repr(s) and s.token not in repr(s)


def test_login_by_id_card_identity_read(client):
    identity = IdentityRead(source="id_card", card_type="resident_id", id_number=CHEN[0], name=CHEN[1])
    s = client.login_identity(identity)
    assert s.profile.hard_to_employ and s.profile.registrations["unemployment"] == "registered"


def test_an_unknown_person_with_an_id_card_is_accepted_with_no_records(client):
    first = "14022219900101123"
    from sandbox.rules import id_check_digit

    s = client.login_id_card(first + id_check_digit(first), "周新人")
    assert s.profile.age >= 30 and not s.profile.has_employment_certificate
    rec = client.record(s.token, "employee_pension")
    assert rec.found is False and rec.data["years"] == []


def test_a_number_in_full_width_digits_is_refused(client, sent_requests):
    """Full-width digits before a check X: the sandbox's own check refuses them, it makes no new person."""
    sent_requests.off_contract_on_purpose("POST /v1/sessions")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "14022219750315002") + "X"
    with pytest.raises(ValidationRejected) as info:
        client.login_id_card(wide, "周新人")
    assert info.value.code == "VALIDATION_ERROR"


def test_a_name_that_does_not_match_the_id_number_is_refused(client):
    with pytest.raises(IdentityRejected):
        client.login_id_card(LI[0], "李某某")


def test_login_by_social_security_card_with_only_the_card_number(client):
    s = client.login_ss_card("D00000003")
    assert s.profile.person_id == "P0003"
    with pytest.raises(IdentityRejected) as info:
        client.login_ss_card("Z99999999")
    assert info.value.code == "CARD_NOT_FOUND"


def test_login_by_essc_token_and_a_reused_token_is_rejected(client, sandbox):
    token = sandbox.platform.issue_essc_token("P0002")["essc_token"]
    s = client.login_essc(token)
    assert s.profile.person_id == "P0002"
    with pytest.raises(EsscRejected) as info:
        client.login_essc(token)
    assert info.value.code == "ESSC_REUSED"
    with pytest.raises(EsscRejected) as info:
        client.login_essc("ESSC1.not-a-token")
    assert info.value.code == "ESSC_INVALID"


def test_an_essc_token_expires_after_sixty_seconds(client, sandbox):
    token = sandbox.platform.issue_essc_token("P0001")["essc_token"]
    sandbox.clock.advance(61)
    with pytest.raises(EsscRejected) as info:
        client.login_essc(token)
    assert info.value.code == "ESSC_INVALID"


def test_a_fixed_demo_essc_token_works_again_after_its_lifetime(client, sandbox):
    assert client.login_essc("DEMO-ESSC-P0006").profile.person_id == "P0006"
    with pytest.raises(EsscRejected):
        client.login_essc("DEMO-ESSC-P0006")
    sandbox.clock.advance(61)
    assert client.login_essc("DEMO-ESSC-P0006").profile.person_id == "P0006"


def test_a_resident_token_expires_after_fifteen_minutes(client, sandbox):
    s = client.login_id_card(*LI)
    client.my_cases(s.token)
    sandbox.clock.advance(15 * 60 + 1)
    with pytest.raises(TokenExpired) as info:
        client.my_cases(s.token)
    assert info.value.message == "登录已超时，请重新刷卡或扫码"
    with pytest.raises(TokenInvalid):
        client.my_cases("made-up-token")


def test_a_token_from_another_kiosk_is_invalid_here(client, make_client):
    s = client.login_id_card(*LI)
    other = make_client("TZ-YQ-GJT-01")
    with pytest.raises(TokenInvalid):
        other.my_cases(s.token)


# ---- kiosk signing on the wire ---------------------------------------------------------------------
def test_the_server_rejects_bad_kiosk_credentials_each_with_its_code(make_client, sandbox):
    with pytest.raises(KioskAuthError) as info:
        make_client(secret="wrong-secret-0123456789").fetch_feed("regions", limit=1)
    assert info.value.code == "BAD_SIGNATURE"
    with pytest.raises(KioskAuthError) as info:
        make_client("XX-NOBODY", secret="whatever-secret-0123").fetch_feed("regions", limit=1)
    assert info.value.code == "UNKNOWN_KIOSK"
    # A clock 400 s late gets STALE_TIMESTAMP, learns the platform's time and signs with it (issue 10 item 6).
    late_client = make_client(clock=lambda: sandbox.clock.now - 400)
    assert late_client.fetch_feed("regions", limit=1).items
    assert abs(late_client.clock_offset_s - 400) < 2
    with pytest.raises(KioskAuthError) as info:
        c = make_client(nonce_source=lambda: "c" * 32)
        c.fetch_feed("regions", limit=1)
        c.fetch_feed("regions", limit=1)
    assert info.value.code == "REPLAYED_NONCE"


def test_a_body_changed_after_signing_is_rejected(sandbox):
    from tests.helpers.sandbox_server import demo_secret

    body = b'{"method":"id_card","id_number":"140222197503150011","name":"\xe6\x9d\x8e\xe5\xbb\xba\xe5\x86\x9b"}'
    headers = sign(secret=demo_secret(), method="POST", path_with_query="/v1/sessions", kiosk_id="TZ-YQ-LJZ-01",
                   timestamp=int(sandbox.clock()), nonce=uuid.uuid4().hex, body=body)
    resp = requests.post(sandbox.base_url + "/v1/sessions", data=body.replace(b"id_card", b"ss_card"),
                         headers=headers, timeout=5)
    assert resp.status_code == 401 and resp.json()["code"] == "BAD_SIGNATURE"


# ---- submissions and cases ---------------------------------------------------------------------------
def test_the_same_key_twice_gives_one_case(client):
    sub = submission()
    first = client.submit(sub)
    again = client.submit(sub)
    assert first.status == "PENDING" and not first.duplicate
    assert again.duplicate and again.case_no == first.case_no
    s = client.login_id_card(*LI)
    assert [c.case_no for c in client.my_cases(s.token)].count(first.case_no) == 1


def test_the_same_key_with_a_different_body_is_a_conflict(client):
    k = key()
    client.submit(submission(k=k))
    with pytest.raises(IdempotencyConflict):
        client.submit(submission(k=k, payload={"job_type": "gig"}))


def test_an_invalid_submission_says_why(client, sent_requests):
    sent_requests.off_contract_on_purpose("POST /v1/submissions")  # each one is wrong on purpose
    with pytest.raises(ValidationRejected) as info:
        client.submit(submission(kind="unemployment_registration", payload={"reason": "合同到期"}))
    assert "commitment_confirmed" in info.value.server_message
    with pytest.raises(ValidationRejected):
        client.submit(submission(kind="no_such_kind"))
    with pytest.raises(ValidationRejected) as info:
        client.submit(submission(person=WANG, kind="unemployment_registration",
                                 payload={"reason": "企业倒闭", "commitment_confirmed": True}))
    assert "劳动年龄" in info.value.server_message


def test_cases_filter_by_status_and_month_and_review_via_admin(client, sandbox):
    s = client.login_id_card(*CHEN)
    march = client.submit(submission(CHEN, "unemployment_registration",
                                     {"reason": "劳动合同到期", "commitment_confirmed": True},
                                     when="2025-03-10T10:00:00+08:00"))
    april = client.submit(submission(CHEN, "skill_subsidy_application",
                                     {"certificate_no": "S2025-001", "certificate_name": "焊工",
                                      "certificate_level": "四级", "issued_on": "2025-03-01"},
                                     when="2025-04-02T10:00:00+08:00"))
    assert {c.case_no for c in client.my_cases(s.token, month="2025-03")} == {march.case_no}
    resp = requests.post(f"{sandbox.base_url}/v1/admin/cases/{april.case_no}/review",
                         json={"decision": "reject", "reason": "证书信息与职业技能等级认定系统不一致"}, timeout=5)
    assert resp.status_code == 200
    rejected = client.my_cases(s.token, status="REJECTED")
    assert [(c.case_no, c.reason) for c in rejected] == [(april.case_no, "证书信息与职业技能等级认定系统不一致")]
    assert rejected[0].reviewed_at
    assert {c.case_no for c in client.my_cases(s.token, status="PENDING")} >= {march.case_no}


def test_withdraw_only_while_pending(client, sandbox):
    s = client.login_id_card(*LI)
    pending = client.submit(submission())
    withdrawn = client.withdraw(s.token, pending.case_no)
    assert withdrawn.status == "WITHDRAWN"
    with pytest.raises(CaseNotWithdrawable):
        client.withdraw(s.token, pending.case_no)
    approved = client.submit(submission())
    sandbox.platform.review(approved.case_no, "approve", None)
    with pytest.raises(CaseNotWithdrawable) as info:
        client.withdraw(s.token, approved.case_no)
    assert info.value.message == "这件申请已经审核（或已撤回），不能再撤回"
    other = client.login_id_card(*CHEN)
    with pytest.raises(NotFound):
        client.withdraw(other.token, client.submit(submission()).case_no)


def test_approving_an_employment_registration_updates_the_profile(client, sandbox):
    case = client.submit(submission(CHEN, "employment_registration",
                                    {"employer": "天镇县恒通建筑工程有限公司", "start_date": "2025-04-01",
                                     "employment_type": "单位就业"}))
    sandbox.platform.review(case.case_no, "approve", None)
    assert client.login_id_card(*CHEN).profile.registrations["unemployment"] == "none"


# ---- records -------------------------------------------------------------------------------------
def test_records_of_the_demo_persons(client, sent_requests):
    sent_requests.off_contract_on_purpose("GET /v1/me/records/bank_balance")  # an unknown kind: 404
    li = client.login_id_card(*LI)
    pension = client.record(li.token, "employee_pension")
    assert pension.found and pension.data["years"][0]["year"] == 2008
    cert = client.record(li.token, "employment_certificate")
    assert cert.data["printable"] and cert.data["e_seal_enabled"]
    chen = client.login_id_card(*CHEN)
    cert = client.record(chen.token, "employment_certificate")
    assert not cert.data["printable"] and "电子印章" in cert.data["not_printable_reason"]
    assert client.record(chen.token, "unemployment_benefit_payments").data["rows"]
    wang = client.login_id_card(*WANG)
    rows = client.record(wang.token, "employee_pension_payments").data["rows"]
    failed = [r for r in rows if r["status"] == "发放失败"]
    assert len(failed) == 1 and failed[0]["failure_reason"] and failed[0]["items"]
    assert client.record(wang.token, "unemployment_benefit_eligibility").data["eligible"] is False
    with pytest.raises(NotFound):
        client.record(li.token, "bank_balance")


# ---- feeds ---------------------------------------------------------------------------------------
def test_feeds_page_with_cursors_and_carry_tombstones(client, sandbox):
    seen: dict[str, dict] = {}
    cursor = None
    while True:
        page = client.fetch_feed("fixed_jobs", cursor, limit=120)
        seen.update({i.id: dict(i.fields) for i in page.items})
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert len(seen) >= 300 and all(not v.get("deleted") for v in seen.values())
    assert client.fetch_feed("fixed_jobs", cursor).items == ()

    sandbox.platform.touch_item("fixed_jobs", "fj-00002", {"salary_max": 9999})
    sandbox.platform.touch_item("fixed_jobs", "fj-00003", delete_item=True)
    sandbox.platform.touch_item("fixed_jobs", "fj-new-1", {"title": "村级光伏运维电工", "salary_min": 3500})
    changes = client.fetch_feed("fixed_jobs", cursor)
    by_id = {i.id: i for i in changes.items}
    assert set(by_id) == {"fj-00002", "fj-00003", "fj-new-1"}
    assert by_id["fj-00002"].fields["salary_max"] == 9999 and by_id["fj-00002"].version == 2
    assert by_id["fj-00003"].deleted and not by_id["fj-00002"].deleted
    assert client.fetch_feed("fixed_jobs", changes.next_cursor).items == ()
    fresh = client.fetch_feed("fixed_jobs", limit=1000)
    assert "fj-00003" not in {i.id for i in fresh.items}


def test_every_feed_serves_items_with_the_contract_fields(client):
    from kiosk.platform import FEED_FIELDS

    for feed, fields in FEED_FIELDS.items():
        page = client.fetch_feed(feed, limit=3)
        assert page.items, feed
        assert set(page.items[0].fields) == set(fields)


def test_an_invalidated_or_garbled_cursor_means_refetch(client, sandbox, sent_requests):
    sent_requests.off_contract_on_purpose("GET /v1/feeds/regions")  # "garbage!!" is no cursor the platform gave
    cursor = client.fetch_feed("regions", limit=1000).next_cursor
    client.fetch_feed("regions", cursor)
    with pytest.raises(FeedRefetchRequired):
        client.fetch_feed("regions", "garbage!!")
    with pytest.raises(FeedRefetchRequired):
        client.fetch_feed("policies", cursor)  # another feed's cursor
    sandbox.platform.invalidate_cursors()
    with pytest.raises(FeedRefetchRequired) as info:
        client.fetch_feed("regions", cursor)
    assert info.value.http_status == 410
    assert client.fetch_feed("regions", client.fetch_feed("regions", limit=1000).next_cursor).items == ()


def test_an_unknown_feed_is_not_found(client, sent_requests):
    sent_requests.off_contract_on_purpose("GET /v1/feeds/lottery_results")
    with pytest.raises(NotFound):
        client.fetch_feed("lottery_results")


# ---- heartbeat and settings ----------------------------------------------------------------------
def test_heartbeat_is_stored_and_pushed_settings_come_back(client, sandbox):
    report = HeartbeatReport("0.1.0", 3600, 20480, outbox={"pending": 2, "failed": 0}, cache_ages={"fixed_jobs": 120},
                             devices=(DeviceHealth(DeviceKind.PRINTER, DeviceState.USER_ERROR, "打印机缺纸"),))
    reply = client.heartbeat(report)
    assert reply.settings == {} and reply.enabled_services is None
    assert abs(reply.server_time.timestamp() - sandbox.clock()) < 2
    kiosks = requests.get(f"{sandbox.base_url}/v1/admin/kiosks", timeout=5).json()["kiosks"]
    mine = next(k for k in kiosks if k["kiosk_id"] == "TZ-YQ-LJZ-01")
    assert mine["last_heartbeat"]["outbox"] == {"pending": 2, "failed": 0}
    assert mine["last_heartbeat"]["devices"][0]["message"] == "打印机缺纸"
    resp = requests.post(f"{sandbox.base_url}/v1/admin/kiosks/TZ-YQ-LJZ-01/settings",
                         json={"maintenance_message": "今天下午系统升级", "enabled_services": ["1", "3"]}, timeout=5)
    assert resp.status_code == 200
    reply = client.heartbeat(report)
    assert reply.maintenance_message == "今天下午系统升级" and reply.enabled_services == ("1", "3")
    sandbox.platform.push_setting("TZ-YQ-LJZ-01", "maintenance_message", None)
    assert client.heartbeat(report).maintenance_message is None


# ---- fault reports ---------------------------------------------------------------------------------
@pytest.mark.parametrize("category,routed", [("系统性问题", "省级工作专班"), ("功能性问题", "省级工作专班"),
                                             ("业务指导性问题", "县级人社局")])
def test_fault_reports_are_routed_by_category(client, category, routed):
    receipt = client.report_fault(FaultReportDraft(key(), category, "打印的回执二维码扫不出来", "请检查二维码尺寸"))
    assert receipt.routed_to == routed


def test_a_fault_report_is_answered_with_a_deadline(client, sandbox, sent_requests):
    sent_requests.off_contract_on_purpose("POST /v1/fault-reports")  # the last one's category is no category
    draft = FaultReportDraft(key(), "业务指导性问题", "不清楚失业登记二次审核地点", "请发一份指引",
                             snapshot={"app_version": "0.1.0"})
    receipt = client.report_fault(draft)
    assert client.report_fault(draft).duplicate
    mine = {r.report_no: r for r in client.fault_reports()}
    assert mine[receipt.report_no].status == "SUBMITTED" and mine[receipt.report_no].response is None
    sandbox.platform.answer_fault(receipt.report_no, "二次审核在县人社局一楼3号窗口", "2025-03-20")
    answered = {r.report_no: r for r in client.fault_reports()}[receipt.report_no]
    assert (answered.status, answered.response, answered.deadline) == ("ANSWERED", "二次审核在县人社局一楼3号窗口",
                                                                       "2025-03-20")
    with pytest.raises(ValidationRejected):
        client.report_fault(FaultReportDraft(key(), "其他问题", "x", "y"))


# ---- unavailable platform --------------------------------------------------------------------------
def test_a_platform_that_is_not_there_is_unavailable():
    c = PlatformClient(dead_url(), "TZ-YQ-LJZ-01", "x" * 32, connect_timeout=1, read_timeout=1)
    with pytest.raises(PlatformUnavailable) as info:
        c.fetch_feed("regions")
    assert info.value.message.startswith("网络暂时不可用")
