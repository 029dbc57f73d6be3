"""零工求职登记's consent question shows what the platform would publish (issue 11 §3)."""

from __future__ import annotations

from datetime import date

from kiosk.forms import CardValues, public_preview


def test_the_preview_shows_surname_age_band_skills_village_and_a_masked_phone_only() -> None:
    card = CardValues(name="赵建国", id_number="140222198306013015", birth_date="1983-06-01")
    payload = {"job_intention": "建筑施工", "village": "李家庄", "phone": "13912345678", "daily_wage_expect": 180}
    text = public_preview("gig_seeker", payload, card, date(2025, 3, 5))
    assert text.splitlines()[1:] == ["赵**　40-49岁", "会做：建筑施工　期望180元/天", "李家庄　电话 139****5678"]
    assert "赵建国" not in text and "13912345678" not in text and card.id_number not in text


def test_the_preview_says_what_is_not_answered_yet_and_other_kinds_show_nothing() -> None:
    card = CardValues(name="李长山", birth_date="1964-05-05")
    text = public_preview("gig_seeker", {}, card, date(2026, 1, 1))
    assert "李**　60岁以上" in text and "会做：未填写" in text and "电话 未填写" in text
    assert public_preview("", {"phone": "13912345678"}, card, date(2026, 1, 1)) == ""
