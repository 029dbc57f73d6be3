"""Issue 11 §3 at the platform: what a 零工 registration publishes, and the job intentions the platform holds.

The kiosk's client against the sandbox on 127.0.0.1; the published rows are checked both as the feed serves
them and as the sandbox stores them (nothing private may be kept in a public row).
"""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from kiosk.masking import mask_phone
from kiosk.platform import PlatformClient, Submission
from sandbox import db
from tests.helpers.id_numbers import fake_id_number

pytestmark = pytest.mark.integration

TOWN = "140222100"  # 玉泉镇 in the demo regions
WHEN = "2025-03-05T09:30:00+08:00"


def key() -> str:
    return "k-" + uuid.uuid4().hex


def person(serial: str, name: str, born: date = date(1983, 6, 1)) -> tuple[str, str]:
    return fake_id_number(birth=born, serial=serial), name


def gig_seeker(who: tuple[str, str], consent: bool | None, phone: str = "13912345678") -> Submission:
    payload = {"job_type": "gig", "skill_codes": ["20"], "job_intention": "建筑施工", "region_codes": [TOWN],
               "available_from": "2025-03-06", "daily_wage_expect": 180, "phone": phone, "village": "李家庄"}
    if consent is not None:
        payload["publish_consent"] = consent
    return Submission(key(), "job_seeker_registration", WHEN, who[0], who[1], payload)


def feed_items(client: PlatformClient, feed: str) -> dict[str, dict]:
    page = client.fetch_feed(feed, limit=1000)
    assert not page.has_more
    return {i.id: dict(i.fields) for i in page.items}


def stored(sandbox, feed: str, item_id: str) -> db.FeedItem | None:
    with sandbox.platform.Session() as s:
        return s.scalar(select(db.FeedItem).where(db.FeedItem.feed == feed, db.FeedItem.item_id == item_id))


def person_id(client: PlatformClient, who: tuple[str, str]) -> tuple[str, str]:
    session = client.login_id_card(*who)
    return session.profile.person_id, session.token


def test_a_consenting_gig_seeker_is_published_with_only_the_public_fields(client, sandbox):
    who = person("301", "赵建国")
    pid, _token = person_id(client, who)
    client.submit(gig_seeker(who, consent=True))
    item = feed_items(client, "gig_seekers")[f"gs-{pid}"]
    assert item["name_masked"] == "赵**"
    assert item["age_band"] == "40-49岁"  # 41 on the day of submission, never the exact age
    assert item["age"] is None and item["gender"] is None and item["description"] is None
    assert item["skill_codes"] == ["20"] and item["skill_names"] == ["建筑施工"]
    assert (item["county"], item["town"], item["village"]) == ("天镇县", "玉泉镇", "李家庄")
    assert item["phone_masked"] == mask_phone("13912345678") == "139****5678"
    row = stored(sandbox, "gig_seekers", f"gs-{pid}")
    for text in (json.dumps(item, ensure_ascii=False), json.dumps(row.data, ensure_ascii=False)):
        assert "赵建国" not in text and "建国" not in text
        assert "13912345678" not in text and who[0] not in text


def test_declining_consent_registers_but_does_not_publish_and_takes_an_earlier_entry_down(client, sandbox):
    who = person("302", "钱秀兰")
    pid, token = person_id(client, who)
    receipt = client.submit(gig_seeker(who, consent=False))
    assert receipt.status == "PENDING"  # accepted all the same
    assert f"gs-{pid}" not in feed_items(client, "gig_seekers")
    client.submit(gig_seeker(who, consent=True))
    assert f"gs-{pid}" in feed_items(client, "gig_seekers")
    client.submit(gig_seeker(who, consent=None))  # no answer is no consent
    assert f"gs-{pid}" not in feed_items(client, "gig_seekers")
    assert stored(sandbox, "gig_seekers", f"gs-{pid}").deleted
    assert [r.published for r in client.my_registrations(token)] == [False, False, False]


def test_a_gig_hiring_registration_is_posted_in_gig_jobs_with_masked_contact(client):
    who = person("313", "孙志刚")
    _pid, token = person_id(client, who)
    receipt = client.submit(Submission(key(), "gig_hiring_registration", WHEN, who[0], who[1], {
        "title": "建筑施工", "category_code": "20", "address": "玉泉镇", "region_code": TOWN, "village": "葛家屯",
        "start_date": "2025-03-10", "end_date": "2025-03-20", "headcount": 3, "daily_wage": 200,
        "contact_phone": "13700001234"}))
    job = feed_items(client, "gig_jobs")[f"gj-{receipt.case_no}"]
    assert job["title"] == "建筑施工" and job["category_name"] == "建筑施工" and job["headcount"] == 3
    assert (job["town"], job["village"], job["daily_wage_max"]) == ("玉泉镇", "葛家屯", 200)
    assert job["contact_phone"] == "137****1234" and job["contact_name"] == "孙先生"
    assert "孙志刚" not in json.dumps(job, ensure_ascii=False)
    [held] = client.my_registrations(token)
    assert (held.kind, held.job_type, held.category_codes, held.daily_wage_max, held.available_from,
            held.published) == ("gig_hiring_registration", "gig", ("20",), 200, "2025-03-10", True)
    client.withdraw(token, receipt.case_no)
    assert f"gj-{receipt.case_no}" not in feed_items(client, "gig_jobs")  # withdrawn: taken down
    assert client.my_registrations(token) == ()


def test_the_platform_holds_the_job_intentions_newest_first(client):
    who = person("325", "周丽")
    _pid, token = person_id(client, who)
    assert client.my_registrations(token) == ()
    client.submit(Submission(key(), "job_seeker_registration", WHEN, who[0], who[1], {
        "job_type": "fixed", "category_codes": ["1002"], "salary_expect_min": 4000, "region_codes": [TOWN]}))
    client.submit(gig_seeker(who, consent=True))
    gig, fixed = client.my_registrations(token)
    assert (gig.job_type, gig.category_codes, gig.daily_wage_min, gig.available_from, gig.published) == (
        "gig", ("20",), 180, "2025-03-06", True)
    assert (fixed.job_type, fixed.category_codes, fixed.salary_min, fixed.region_codes) == (
        "fixed", ("1002",), 4000, (TOWN,))


def test_another_residents_token_does_not_see_these_registrations(client):
    a, b = person("337", "吴勇"), person("349", "郑芳")
    _pa, token_a = person_id(client, a)
    _pb, token_b = person_id(client, b)
    client.submit(gig_seeker(a, consent=True))
    assert len(client.my_registrations(token_a)) == 1
    assert client.my_registrations(token_b) == ()
