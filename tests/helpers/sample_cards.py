"""Invented card holders of each ID card type, as the drivers should report them (all data made up)."""

from __future__ import annotations

from datetime import date

from devices.base import IdentityRead


def sample_identity(card_type: str = "resident_id", **changes: object) -> IdentityRead:
    """A fake but well-formed card holder of the given type (all data invented)."""
    base: dict[str, object] = dict(
        source="id_card", card_type=card_type, id_number="11010119900307125X", name="张三丰", gender="男",
        nation="汉", birth_date=date(1990, 3, 7), valid_from=date(2020, 5, 1), valid_until=date(2040, 5, 1),
        address="北京市东城区景山前街4号", issuer="北京市公安局东城分局",
    )
    if card_type == "hk_mo_tw_permit":
        base.update(id_number="810000199003071237", name="陈大文", nation="", card_number="H01234567",
                    extra=(("pass_number", "H01234567"), ("issue_count", "02")), address="广东省深圳市福田区福华路1号")
    elif card_type == "foreign_permanent":
        base.update(id_number="CAN110090030701", name="马克", nation="", address="", issuer="1500",
                    extra=(("english_name", "MARK, JOHN"), ("nationality", "CAN"), ("version", "01")))
    base.update(changes)
    return IdentityRead(**base)  # type: ignore[arg-type]
