"""Who sees what: a province account sees every kiosk, a city account its counties', a county account its own.

Every query of the console that reads or changes kiosks, their fault reports or the console's audit
trail goes through these clauses, so scoping is enforced in the database query, not by hiding links.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, true

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
    city: str | None = None  # a county account's city: county names repeat across cities (城区, 郊区 …)


def area_clause(staff: Staff,
                table: type[db.Kiosk] | type[db.ConsoleAudit] | type[db.FaultReport]) -> ColumnElement[bool]:
    """The rows of `table` (by its city and county columns) in the account's area. A county goes by its city
    and its name together; a county account without a city sees nothing (add-console-staff asks for it)."""
    if staff.role is Role.PROVINCE:
        return true()
    if staff.role is Role.CITY:
        return table.city == staff.area
    if not staff.city:
        return false()
    return and_(table.city == staff.city, table.county == staff.area)


def kiosk_clause(staff: Staff) -> ColumnElement[bool]:
    """The kiosks this account may see and act on."""
    return area_clause(staff, db.Kiosk)


def audit_clause(staff: Staff) -> ColumnElement[bool]:
    """The console audit entries this account may read (those concerning its own area)."""
    return area_clause(staff, db.ConsoleAudit)
