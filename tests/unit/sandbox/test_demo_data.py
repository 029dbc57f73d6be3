"""The demo data is plausible: 天镇县 places near 40.42 N 114.09 E, fake persons with valid ID numbers."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sandbox.contract import FEED_FIELDS
from sandbox.demo_data import generate
from sandbox.demo_records import load_demo_persons, records_for
from sandbox.rules import parse_id_number

TODAY = date(2025, 3, 1)


def test_every_feed_has_items_with_exactly_its_fields():
    items = list(generate(TODAY))
    counts = Counter(feed for feed, _id, _f in items)
    assert set(counts) == set(FEED_FIELDS)
    assert counts["fixed_jobs"] >= 200 and counts["gig_jobs"] >= 100 and counts["gig_seekers"] >= 50
    for feed, _id, fields in items:
        assert set(fields) == set(FEED_FIELDS[feed])


def test_the_seed_villages_of_yuquan_are_there_and_places_are_around_tianzhen():
    regions = [f for feed, _i, f in generate(TODAY) if feed == "regions"]
    villages = {r["name"] for r in regions if r["level"] == "village"}
    assert {"李家庄", "葛家屯", "三里屯", "唐八里"} <= villages
    for feed, _i, f in generate(TODAY):
        if "lat" in f and f["lat"] is not None:
            assert 40.2 < f["lat"] < 40.7 and 113.8 < f["lon"] < 114.4, (feed, f)


def test_generation_is_deterministic():
    assert list(generate(TODAY)) == list(generate(TODAY))


def test_job_fairs_include_some_for_hard_to_employ_people_only():
    fairs = [f for feed, _i, f in generate(TODAY) if feed == "job_fairs"]
    assert any(f["hard_to_employ_only"] for f in fairs) and not all(f["hard_to_employ_only"] for f in fairs)


def test_demo_persons_have_valid_fake_id_numbers_of_tianzhen_and_the_fields_simulators_need():
    persons = load_demo_persons()
    assert len(persons) >= 5
    for p in persons:
        born, gender = parse_id_number(p["id_number"])
        assert p["id_number"].startswith("140222")
        assert born.isoformat() == p["birth_date"] and gender == p["gender"]
        for key in ("name", "nation", "address", "card_number", "valid_from", "valid_until", "ss_card"):
            assert p[key]
        assert p["ss_card"]["card_number"] == p["card_number"]


def test_one_certificate_is_printable_and_one_is_not_with_a_reason():
    certs = [records_for(p["person_id"], TODAY).get("employment_certificate") for p in load_demo_persons()]
    certs = [c for c in certs if c]
    assert any(c["printable"] for c in certs)
    assert any(not c["printable"] and c["not_printable_reason"] for c in certs)
