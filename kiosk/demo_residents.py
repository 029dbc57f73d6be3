"""Sample residents for demo mode, read from the sandbox's demo data file (FAKE people)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from devices.base import IdentityRead
from devices.sscard.cardmodel import CardProfile, ef05_records, profile_from_identity
from kiosk.settings import PROJECT_ROOT

DEMO_PERSONS_FILE = PROJECT_ROOT / "sandbox" / "demo_persons.json"


@dataclass(frozen=True)
class DemoResident:
    """One sample resident: how the ID card, the social security card and the e-SSC present them."""

    person_id: str
    label: str  # masked, for the presenter's buttons
    id_card: IdentityRead
    ss_card: IdentityRead
    essc_token: str
    # The same social security card as the 3rd-generation chip it is (spec 3.00): it hides its holder from a
    # kiosk without a PSAM. None for 2nd-generation cards.
    ss_card_third_gen: CardProfile | None = None


def _date(text: str | None) -> date | None:
    if not text or text == "长期":
        return None
    return date.fromisoformat(text)


def load_demo_residents(path: Path = DEMO_PERSONS_FILE, today: date | None = None) -> list[DemoResident]:
    """Read the demo persons; an absent file gives an empty list (the panel then offers no cards)."""
    if not path.is_file():
        return []
    today = today or date.today()
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[DemoResident] = []
    for p in data.get("persons", []):
        valid_until = _date(p.get("valid_until"))
        long_term = p.get("valid_until") == "长期"
        common = dict(
            id_number=p["id_number"], name=p["name"], gender=p.get("gender", ""), nation=p.get("nation", ""),
            birth_date=_date(p.get("birth_date")),
        )
        id_card = IdentityRead(
            source="id_card", card_type="resident_id", address=p.get("address", ""), issuer=p.get("issuer", ""),
            valid_from=_date(p.get("valid_from")), valid_until=valid_until, long_term=long_term,
            expired=bool(valid_until and valid_until < today), **common,
        )
        ss = p.get("ss_card") or {}
        ss_until = _date(ss.get("expiry_date"))
        ss_card = IdentityRead(
            source="ss_card", card_type="social_security", card_number=ss.get("card_number", ""),
            valid_from=_date(ss.get("issue_date")), valid_until=ss_until,
            expired=bool(ss_until and ss_until < today), **common,
        )
        name = p["name"]
        out.append(DemoResident(p["person_id"], name[0] + "*" * (len(name) - 1), id_card, ss_card,
                                p.get("essc_demo_token", ""), _third_gen_card(ss, ss_card)))
    return out


def _third_gen_card(ss: dict[str, Any], ss_card: IdentityRead) -> CardProfile | None:
    """The card as a 3rd-generation chip with the card record the sandbox holds (number, code, region)."""
    if not str(ss.get("spec_version", "")).startswith("3") or not ss.get("card_id"):
        return None
    ef05 = ef05_records(version="3.00", card_number=ss_card.card_number,
                        issue_date=ss_card.valid_from or date(2020, 3, 1),
                        expiry_date=ss_card.valid_until or date(2099, 12, 31),
                        identification_code=bytes.fromhex(ss["card_id"]), card_type=ss.get("card_type", "1"))
    return profile_from_identity(replace(ss_card, partial=True), ef05=ef05)
