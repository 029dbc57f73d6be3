"""Who sees what: a province account sees every kiosk, a city account its counties', a county account its own.

Every query of the console that reads or changes kiosks, their fault reports or the console's audit
trail goes through these clauses, so scoping is enforced in the database query, not by hiding links.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from sandbox import db


class Role(enum.StrEnum):
    """A console account's level; its area names the province, city or county it looks after."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


@dataclass(frozen=True)
class Staff:
    """A logged-in console user (no password, no session token)."""

    login: str
    display_name: str
    role: Role
    area: str


def _area_clause(staff: Staff, table: type[db.Kiosk] | type[db.ConsoleAudit]) -> ColumnElement[bool]:
    if staff.role is Role.PROVINCE:
        return true()
    column = table.city if staff.role is Role.CITY else table.county
    return column == staff.area


def kiosk_clause(staff: Staff) -> ColumnElement[bool]:
    """The kiosks this account may see and act on."""
    return _area_clause(staff, db.Kiosk)


def audit_clause(staff: Staff) -> ColumnElement[bool]:
    """The console audit entries this account may read (those concerning its own area)."""
    return _area_clause(staff, db.ConsoleAudit)


def may_push_to_county(staff: Staff, county: str, county_city: str | None) -> bool:
    """Whether the account may push to every kiosk of `county` (whose kiosks stand in `county_city`)."""
    if staff.role is Role.PROVINCE:
        return True
    if staff.role is Role.CITY:
        return county_city == staff.area
    return county == staff.area


def counties_of(s: Session, staff: Staff) -> list[str] | None:
    """The counties of the account's area (None: all, the province) — for queries that go by county name."""
    if staff.role is Role.PROVINCE:
        return None
    if staff.role is Role.COUNTY:
        return [staff.area]
    return sorted(c for c in s.scalars(select(db.Kiosk.county).distinct()
                                       .where(kiosk_clause(staff), db.Kiosk.county.is_not(None))) if c)
