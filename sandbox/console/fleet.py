"""The console's view of the fleet: the kiosk list with its filters, one kiosk's detail, pushed settings.

Everything is read and changed through the account's scope (scope.kiosk_clause): a kiosk outside it
is answered exactly like a kiosk that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from sandbox import db
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.console.messages import ERRORS
from sandbox.console.scope import Staff, kiosk_clause
from sandbox.fleet_health import BACKLOG_QUEUED, DeviceProblem, HeartbeatHealth, read_health
from sandbox.service import SILENT_AFTER_S, Platform, conflict_retried, with_pushed_setting

log = logging.getLogger(__name__)

PAGE_SIZE = 100
STATES = ("offline", "device_fault", "backlog")
MAX_MESSAGE = 200
# The service groups of the kiosk's catalogue (config/catalogue/services.toml `groups`, which a test keeps in
# step): what `enabled_services` may name; the kiosk refuses anything else at its end too.
SERVICE_GROUPS = ("我要找工作", "我要学技能", "我要办社保", "我要办社保卡", "就业见习", "单位业务", "我的办件")
PUSHABLE = ("maintenance_message", "enabled_services")


class NotInScope(LookupError):
    """No such kiosk, or not one this account may see (the same answer for both)."""


class SettingRefused(ValueError):
    """A setting that cannot be pushed as given; the message says why in Chinese."""


@dataclass(frozen=True)
class KioskRow:
    """One kiosk as the list shows it."""

    kiosk_id: str
    name: str
    city: str | None
    county: str | None
    town: str | None
    last_seen: float | None
    version: str | None
    backlog: int
    needs_attention: int
    problems: tuple[DeviceProblem, ...]
    states: frozenset[str]

    @property
    def paper_out(self) -> bool:
        return any(p.paper_out for p in self.problems)


@dataclass(frozen=True)
class KioskPage:
    """A page of the filtered list, with the choices of the filters within the account's scope."""

    rows: list[KioskRow]
    total: int
    page: int
    pages: int
    counties: list[str]
    towns: list[str]


@dataclass(frozen=True)
class KioskDetail:
    """One kiosk with its pushed settings and its last heartbeats (newest first)."""

    row: KioskRow
    settings: dict[str, Any]
    heartbeats: list[tuple[float, dict[str, Any], HeartbeatHealth]] = field(default_factory=list)
    last_update: dict[str, Any] | None = None


def describe(kiosk: db.Kiosk, now: float) -> KioskRow:
    """A kiosk's list row from its last heartbeat: devices, backlog, version, the states it is in."""
    beat = kiosk.last_heartbeat or {}
    health = read_health(beat)
    update = beat.get("update") if isinstance(beat.get("update"), dict) else None
    version = (update or {}).get("installed_version") or beat.get("app_version")
    states = set()
    if kiosk.last_seen is None or now - kiosk.last_seen > SILENT_AFTER_S:
        states.add("offline")
    if health.device_fault:
        states.add("device_fault")
    if health.backlogged:
        states.add("backlog")
    return KioskRow(kiosk.kiosk_id, kiosk.name, kiosk.city, kiosk.county, kiosk.town, kiosk.last_seen,
                    str(version) if version else None, health.backlog, health.needs_attention, health.problems,
                    frozenset(states))


def state_clause(state: str, now: float) -> ColumnElement[bool]:
    """The SQL condition of a list state, over the health columns the gateway keeps with each heartbeat."""
    if state == "offline":
        return or_(db.Kiosk.last_seen.is_(None), db.Kiosk.last_seen < now - SILENT_AFTER_S)
    if state == "device_fault":
        return db.Kiosk.device_fault.is_(True)
    if state == "backlog":
        return or_(db.Kiosk.outbox_attention > 0, db.Kiosk.outbox_backlog - db.Kiosk.outbox_attention >= BACKLOG_QUEUED)
    raise ValueError(state)


def check_setting(key: str, value: str | Sequence[str] | None) -> Any:
    """The value to push for a console form's input (None clears the key); SettingRefused when not acceptable."""
    if key == "maintenance_message":
        text = (value if isinstance(value, str) else "").strip()
        if len(text) > MAX_MESSAGE:
            raise SettingRefused(ERRORS["message_too_long"].format(max=MAX_MESSAGE))
        return text or None
    if key == "enabled_services":
        chosen = [value] if isinstance(value, str) else list(value or [])
        unknown = [c for c in chosen if c not in SERVICE_GROUPS]
        if unknown:
            raise SettingRefused(ERRORS["services_unknown"].format(names="、".join(u[:20] for u in unknown[:5])))
        ordered = [g for g in SERVICE_GROUPS if g in chosen]
        return ordered or None  # nothing ticked: the kiosk's own site list again
    raise SettingRefused(ERRORS["unknown_setting"])


class Fleet:
    """Scoped reads of the kiosks and the settings pushed to them."""

    def __init__(self, platform: Platform, audit: ConsoleAuditTrail) -> None:
        self._platform = platform
        self._audit = audit

    def kiosks(self, staff: Staff, *, county: str | None = None, town: str | None = None,
               state: str | None = None, page: int = 1) -> KioskPage:
        """The account's kiosks, filtered by county, town and state, a page at a time (by county, town, id)."""
        now = self._platform.clock()
        scope = kiosk_clause(staff)
        where = [scope]
        if county:
            where.append(db.Kiosk.county == county)
        if town:
            where.append(db.Kiosk.town == town)
        if state in STATES:
            where.append(state_clause(state, now))
        with self._platform.Session() as s:
            counties = [c for c in s.scalars(select(db.Kiosk.county).where(scope, db.Kiosk.county.is_not(None))
                                             .distinct().order_by(db.Kiosk.county)).all() if c]
            town_scope = [scope] + ([db.Kiosk.county == county] if county else [])
            towns = [t for t in s.scalars(select(db.Kiosk.town).where(*town_scope, db.Kiosk.town.is_not(None))
                                          .distinct().order_by(db.Kiosk.town)).all() if t]
            total = s.scalar(select(func.count()).select_from(db.Kiosk).where(*where)) or 0
            page = _clamp(page, total)
            stmt = (select(db.Kiosk).where(*where).order_by(db.Kiosk.county, db.Kiosk.town, db.Kiosk.kiosk_id)
                    .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
            rows = [describe(k, now) for k in s.scalars(stmt)]
        return KioskPage(rows, total, page, max(1, -(-total // PAGE_SIZE)), counties, towns)

    def _scoped(self, s: Any, staff: Staff, kiosk_id: str) -> db.Kiosk:
        kiosk = s.scalar(select(db.Kiosk).where(db.Kiosk.kiosk_id == kiosk_id, kiosk_clause(staff)))
        if kiosk is None:
            raise NotInScope(kiosk_id)
        return kiosk  # type: ignore[no-any-return]

    def detail(self, staff: Staff, kiosk_id: str, heartbeats: int = 10) -> KioskDetail:
        """One kiosk of the account's area; NotInScope for any other."""
        now = self._platform.clock()
        with self._platform.Session() as s:
            kiosk = self._scoped(s, staff, kiosk_id)
            beats = s.scalars(select(db.Heartbeat).where(db.Heartbeat.kiosk_id == kiosk_id)
                              .order_by(db.Heartbeat.received_at.desc(), db.Heartbeat.id.desc()).limit(heartbeats)).all()
            row = describe(kiosk, now)
            update = (kiosk.last_heartbeat or {}).get("update")
            return KioskDetail(row, dict(kiosk.settings or {}), [(h.received_at, dict(h.body), read_health(h.body)) for h in beats],
                               update if isinstance(update, dict) else None)

    @conflict_retried
    def push(self, staff: Staff, kiosk_id: str, key: str, value: Any) -> dict[str, Any]:
        """Set (or clear, None) one setting of one kiosk in the account's area, audited in the same transaction."""
        with self._platform.write_lock, self._platform.Session.begin() as s:
            scoped = s.scalar(select(db.Kiosk).where(db.Kiosk.kiosk_id == kiosk_id, kiosk_clause(staff))
                              .with_for_update())
            if scoped is None:
                self._audit.add(s, login=staff.login, staff=staff, action="push_setting", outcome="refused",
                                kiosk_id=kiosk_id[:64], detail={"key": key, "reason": "not_in_scope"})
                refused = True
            else:
                refused = False
                settings = with_pushed_setting(scoped.settings, key, value)
                scoped.settings = settings
                self._audit.add(s, login=staff.login, staff=staff, action="push_setting", kiosk_id=kiosk_id,
                                city=scoped.city, county=scoped.county, detail={"key": key, "value": value})
        if refused:
            raise NotInScope(kiosk_id)
        return settings

    @conflict_retried
    def push_county(self, staff: Staff, county: str, key: str, value: Any) -> int:
        """Set (or clear) one setting on every kiosk of a county the account looks after; how many kiosks."""
        with self._platform.write_lock, self._platform.Session.begin() as s:
            kiosks = s.scalars(select(db.Kiosk).where(db.Kiosk.county == county, kiosk_clause(staff))
                               .order_by(db.Kiosk.kiosk_id).with_for_update()).all()
            city = next((k.city for k in kiosks if k.city), None)
            elsewhere = not kiosks and s.scalar(select(db.Kiosk.kiosk_id).where(db.Kiosk.county == county).limit(1))
            if elsewhere:  # a county of that name, none of it the account's (another city's 城区, say)
                self._audit.add(s, login=staff.login, staff=staff, action="push_setting_county", outcome="refused",
                                detail={"key": key, "county": county[:40], "reason": "not_in_scope"})
                allowed = False
            else:
                allowed = True
                for k in kiosks:
                    k.settings = with_pushed_setting(k.settings, key, value)
                self._audit.add(s, login=staff.login, staff=staff, action="push_setting_county", city=city,
                                county=county, detail={"key": key, "value": value, "kiosks": len(kiosks)})
        if not allowed:
            raise NotInScope(county)
        return len(kiosks)


def _clamp(page: int, total: int) -> int:
    return min(max(1, page), max(1, -(-total // PAGE_SIZE)))
