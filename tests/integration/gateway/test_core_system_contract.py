"""The contract suite of the adapter boundary (sandbox/core_system.py): every adapter must pass it.

A province adds its adapter to ADAPTERS (a factory from a seeded gateway Platform, so the suite can
put known people and feed items in place). Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

from sandbox.contract import FEED_FIELDS, RECORD_KINDS
from sandbox.core_system import CoreSystem, GatewayStore, PersonRef
from sandbox.db import make_engine
from sandbox.service import ApiError, Platform

pytestmark = pytest.mark.integration

ADAPTERS: dict[str, Callable[[Platform], CoreSystem]] = {
    "gateway-store": GatewayStore,
}
KIOSK = "TZ-YQ-LJZ-01"
LI = ("140222197503150011", "李建军")  # a demo person with records
CHINA = timezone(timedelta(hours=8))


@pytest.fixture
def platform(database: str) -> Iterator[Platform]:
    p = Platform(make_engine(db_path=database))
    p.seed_demo()
    yield p
    p.engine.dispose()


@pytest.fixture(params=sorted(ADAPTERS))
def core(request: pytest.FixtureRequest, platform: Platform) -> CoreSystem:
    return ADAPTERS[request.param](platform)


def submission(key: str | None = None, **payload: object) -> dict[str, object]:
    return {"idempotency_key": key or f"contract-{uuid.uuid4().hex}", "kind": "job_seeker_registration",
            "submitted_at": datetime.now(CHINA).isoformat(timespec="seconds"),
            "person": {"id_number": LI[0], "name": LI[1]}, "payload": {"job_type": "fixed", **payload}}


def test_the_adapter_is_a_core_system(core: CoreSystem) -> None:
    assert isinstance(core, CoreSystem)


def test_a_case_is_taken_once_per_key_and_its_status_is_pending(core: CoreSystem) -> None:
    body = submission()
    status, receipt = core.submit_case(KIOSK, body)
    assert status == 201 and receipt["status"] == "PENDING" and receipt["case_no"]
    assert core.submit_case(KIOSK, body) == (200, receipt)  # the same body again: the same case
    with pytest.raises(ApiError) as conflict:
        core.submit_case(KIOSK, {**body, "payload": {"job_type": "gig"}})
    assert conflict.value.code == "IDEMPOTENCY_CONFLICT"
    case = core.case_status(receipt["case_no"])
    assert (case["case_no"], case["kind"], case["status"]) == (receipt["case_no"], "job_seeker_registration",
                                                               "PENDING")


def test_an_unknown_case_is_not_found_and_a_bad_submission_a_validation_error(core: CoreSystem) -> None:
    with pytest.raises(ApiError) as missing:
        core.case_status("TZ19990101000001")
    assert missing.value.code == "NOT_FOUND"
    with pytest.raises(ApiError) as invalid:
        core.submit_case(KIOSK, {**submission(), "person": {"id_number": "140222197503150012", "name": LI[1]}})
    assert invalid.value.code == "VALIDATION_ERROR"  # the check digit is wrong


def test_a_person_is_found_by_id_number_and_a_stranger_is_none(core: CoreSystem) -> None:
    person = core.find_person(LI[0])
    assert isinstance(person, PersonRef) and (person.id_number, person.name) == LI
    assert core.find_person("110101199003070011") is None


def test_every_record_kind_answers_in_the_contract_shape(core: CoreSystem) -> None:
    person = core.find_person(LI[0])
    assert person is not None
    for kind in RECORD_KINDS:
        record = core.records(person.person_id, kind)
        assert set(record) == {"kind", "as_of", "found", "data"} and record["kind"] == kind
        assert isinstance(record["found"], bool) and isinstance(record["data"], dict)
    with pytest.raises(ApiError) as unknown:
        core.records(person.person_id, "lottery_wins")
    assert unknown.value.code == "NOT_FOUND"


def test_feeds_page_the_current_set_then_changes_and_refuse_a_foreign_cursor(core: CoreSystem,
                                                                              platform: Platform) -> None:
    feed = "job_categories"
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = core.feed_page(feed, cursor, 50)
        assert set(page) == {"items", "next_cursor", "has_more"}
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen and len(seen) == len(set(seen))
    assert all(set(FEED_FIELDS[feed]) <= set(item) for item in core.feed_page(feed, None, 5)["items"])
    assert core.feed_page(feed, cursor, 50)["items"] == []  # nothing changed since
    platform.touch_item(feed, seen[0], delete_item=True)  # the core system changes one item
    changes = core.feed_page(feed, cursor, 50)["items"]
    assert [(c["id"], c["deleted"]) for c in changes] == [(seen[0], True)]
    for bad in ("not-a-cursor", core.feed_page("regions", None, 1)["next_cursor"]):
        with pytest.raises(ApiError) as refetch:
            core.feed_page(feed, bad, 50)
        assert refetch.value.code == "FEED_REFETCH"
    with pytest.raises(ApiError) as no_feed:
        core.feed_page("lottery", None, 5)
    assert no_feed.value.code == "NOT_FOUND"
