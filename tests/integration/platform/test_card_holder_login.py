"""3rd-generation social security card holder login (issue 11 §1): the platform names the holder from the card."""

from __future__ import annotations

import pytest
import requests

from kiosk.platform import IdentityRejected, ValidationRejected

pytestmark = pytest.mark.integration

# P0001's 3rd-generation card in sandbox/demo_persons.json
CARD = ("D00000001", "140200D1560000050000000000000001", "140200")


def test_the_holder_of_a_known_card_is_named_by_the_platform(client):
    s = client.login_card_holder(*CARD)
    assert s.profile.person_id == "P0001"
    assert (s.profile.name, s.profile.id_number) == ("李建军", "140222197503150011")
    assert s.token and client.my_cases(s.token) is not None  # a real resident token


def test_the_identification_code_must_match_the_card_record(client):
    with pytest.raises(IdentityRejected) as info:
        client.login_card_holder(CARD[0], "140200D1560000050000000000000002", CARD[2])  # P0002's code
    assert info.value.code == "IDENTITY_MISMATCH"


def test_an_unknown_card_and_a_region_that_is_not_the_codes_own(client):
    with pytest.raises(IdentityRejected) as info:
        client.login_card_holder("Z99999999", "140200D15600000500000000000000FF", "140200")
    assert info.value.code == "CARD_NOT_FOUND"
    with pytest.raises(ValidationRejected):
        client.login_card_holder(CARD[0], CARD[1], "330300")


def test_the_route_is_signed_and_the_holder_check_is_stated(sandbox, client, sent_requests):
    sent_requests.off_contract_on_purpose("POST /v1/sessions/ss-card-holder")  # no holder check: refused
    body = {"card_number": CARD[0], "card_identification_code": CARD[1], "issuing_region": CARD[2]}
    unsigned = requests.post(sandbox.base_url + "/v1/sessions/ss-card-holder", json=body, timeout=5)
    assert unsigned.status_code == 401
    with pytest.raises(ValidationRejected):  # without saying the PIN was verified on the card
        client._call("POST", "/v1/sessions/ss-card-holder", body=body)


def test_a_database_seeded_before_cards_were_recorded_gets_them(sandbox):
    platform = sandbox.platform
    assert platform.seed_demo_ss_cards() == 0  # already there: nothing twice
    from sqlalchemy import delete

    from sandbox import db

    with platform.Session.begin() as s:
        s.execute(delete(db.SsCard))
    assert platform.seed_demo_ss_cards() >= 4
