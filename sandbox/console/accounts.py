"""Console staff accounts: scrypt-hashed passwords, lockout after repeated failures, sessions in the database.

Sessions live in console_sessions (the cookie's token only as its SHA-256), so any gateway process
answers any request. A session ends after IDLE_TIMEOUT_S without a request, after MAX_SESSION_S in
any case, or at logout.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from sandbox import db
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.console.messages import ACCOUNT_ERRORS, ERRORS
from sandbox.console.scope import Role, Staff
from sandbox.service import Platform, conflict_retried, hash_staff_pin, staff_pin_matches

log = logging.getLogger(__name__)

MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCKOUT_S = 15 * 60
IDLE_TIMEOUT_S = 30 * 60
MAX_SESSION_S = 12 * 3600
TOUCH_EVERY_S = 60.0  # a session's last_seen is written at most this often (not on every page)
MIN_PASSWORD = 10
_LOGIN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
# Compared against when the login is unknown, so an unknown login costs the same scrypt as a wrong password.
_DUMMY_HASH = hash_staff_pin(secrets.token_hex(16))


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why in Chinese."""


class LoginRefused(Exception):
    """A login was refused; `message` is what the login page shows."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # 401, or 429 when the address has tried too often


@dataclass(frozen=True)
class ConsoleLogin:
    """A started session: the cookie's token (given to the browser once) and the form token."""

    staff: Staff
    token: str
    csrf_token: str


@dataclass(frozen=True)
class ActiveSession:
    """The account behind a request's cookie and the token its forms must carry."""

    staff: Staff
    csrf_token: str


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _staff(row: db.ConsoleStaff) -> Staff:
    return Staff(row.login, row.display_name, Role(row.role), row.area, row.city)


class ConsoleAccounts:
    """Create accounts, log staff in and out, and resolve a request's session cookie."""

    def __init__(self, platform: Platform, audit: ConsoleAuditTrail) -> None:
        self._platform = platform
        self._audit = audit

    @conflict_retried
    def add_staff(self, login: str, role: str, area: str, password: str, display_name: str = "",
                  city: str | None = None) -> bool:
        """Create an account, or reset an existing one's password, role and area (and unlock it); True: created.

        A county account names its city too: county names repeat across cities (城区, 郊区 …)."""
        if not _LOGIN.match(login):
            raise AccountError(ACCOUNT_ERRORS["login_form"])
        if role not in {r.value for r in Role}:
            raise AccountError(ACCOUNT_ERRORS["role"])
        area = area.strip()
        if not area or len(area) > 40:
            raise AccountError(ACCOUNT_ERRORS["area"])
        city = (city or "").strip() or None if role == Role.COUNTY else None
        if role == Role.COUNTY and (city is None or len(city) > 40):
            raise AccountError(ACCOUNT_ERRORS["city"])
        if len(password) < MIN_PASSWORD:
            raise AccountError(ACCOUNT_ERRORS["password_short"].format(min=MIN_PASSWORD))
        if len(display_name) > 100:
            raise AccountError(ACCOUNT_ERRORS["name_long"])
        hashed = hash_staff_pin(password)
        with self._platform.write_lock, self._platform.Session.begin() as s:
            row = s.get(db.ConsoleStaff, login, with_for_update=True)
            created = row is None
            if row is None:
                row = db.ConsoleStaff(login=login, created_at=self._platform.clock())
                s.add(row)
            row.display_name = display_name.strip() or login
            row.role, row.area, row.city, row.password_hash = role, area, city, hashed
            row.failed_count, row.locked_until, row.disabled = 0, None, False
            s.execute(delete(db.ConsoleSession).where(db.ConsoleSession.login == login))  # a reset logs out
        log.info("console account %s %s", login, "created" if created else "reset")
        return created

    def login(self, login: str, password: str, address: str = "") -> ConsoleLogin:
        """A new session for a correct password; LoginRefused (audited) otherwise, while locked, or when the
        client address has tried too often (fleet settings `console_logins_per_address`, counted in the
        database: the lockout guards one account, this guards many accounts tried from one place)."""
        login = login.strip()
        if not login or not password:
            raise LoginRefused(ERRORS["login_blank"])
        outcome = self._check(login[:64], password, address)
        if isinstance(outcome, LoginRefused):
            raise outcome
        return outcome

    @conflict_retried
    def _check(self, login: str, password: str, address: str) -> ConsoleLogin | LoginRefused:
        now = self._platform.clock()
        with self._platform.write_lock, self._platform.Session.begin() as s:
            if address:  # before the scrypt: a flood from one address costs no CPU
                wait_s = self._platform.count_hit(s, f"console-login:{address}",
                                                  self._platform.fleet.console_logins_per_address, now)
                if wait_s:
                    self._audit.add(s, login=login, staff=None, action="login", outcome="refused",
                                    detail={"reason": "too_many_from_address"})
                    return LoginRefused(ERRORS["login_too_many"].format(minutes=max(1, (wait_s + 59) // 60)), 429)
            row = s.get(db.ConsoleStaff, login, with_for_update=True)
            if row is None:
                staff_pin_matches(password, _DUMMY_HASH)
                self._audit.add(s, login=login, staff=None, action="login", outcome="refused",
                                detail={"reason": "unknown_login"})
                return LoginRefused(ERRORS["login_failed"])
            staff = _staff(row)
            if row.disabled:
                self._audit.add(s, login=login, staff=staff, action="login", outcome="refused",
                                detail={"reason": "disabled"})
                return LoginRefused(ERRORS["login_disabled"])
            if row.locked_until is not None and row.locked_until > now:
                self._audit.add(s, login=login, staff=staff, action="login", outcome="refused",
                                detail={"reason": "locked"})
                minutes = max(1, int((row.locked_until - now + 59) // 60))
                return LoginRefused(ERRORS["login_locked"].format(minutes=minutes))
            if not staff_pin_matches(password, row.password_hash):
                row.failed_count = (row.failed_count or 0) + 1
                detail: dict[str, object] = {"reason": "wrong_password", "failures": row.failed_count}
                refused = LoginRefused(ERRORS["login_failed"])
                if row.failed_count >= MAX_FAILURES:
                    row.failed_count, row.locked_until = 0, now + LOCKOUT_S
                    detail["locked_until"] = row.locked_until
                    refused = LoginRefused(ERRORS["login_locked"].format(minutes=LOCKOUT_S // 60))
                    log.warning("console account %s locked after %d failures", login, MAX_FAILURES)
                self._audit.add(s, login=login, staff=staff, action="login", outcome="refused", detail=detail)
                return refused
            row.failed_count, row.locked_until = 0, None
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            s.execute(delete(db.ConsoleSession).where(db.ConsoleSession.expires_at < now))
            s.add(db.ConsoleSession(token_sha256=_sha(token), login=login, csrf_token=csrf, created_at=now,
                                    last_seen=now, expires_at=now + MAX_SESSION_S))
            self._audit.add(s, login=login, staff=staff, action="login")
            return ConsoleLogin(staff, token, csrf)

    def session(self, token: str | None) -> ActiveSession | None:
        """The session a cookie names, if it is still open (idle and absolute limits, account enabled)."""
        if not token or len(token) > 200:
            return None
        now = self._platform.clock()
        with self._platform.Session() as s:
            row = s.get(db.ConsoleSession, _sha(token))
            if row is None or row.expires_at <= now or row.last_seen + IDLE_TIMEOUT_S <= now:
                return None
            account = s.get(db.ConsoleStaff, row.login)
            if account is None or account.disabled:
                return None
            active = ActiveSession(_staff(account), row.csrf_token)
            stale = now - row.last_seen >= TOUCH_EVERY_S
        if stale:
            self._touch(_sha(token), now)
        return active

    @conflict_retried
    def _touch(self, token_sha: str, now: float) -> None:
        with self._platform.write_lock, self._platform.Session.begin() as s:
            row = s.get(db.ConsoleSession, token_sha)
            if row is not None:
                row.last_seen = now

    @conflict_retried
    def logout(self, token: str, staff: Staff) -> None:
        """End the session (audited)."""
        with self._platform.write_lock, self._platform.Session.begin() as s:
            s.execute(delete(db.ConsoleSession).where(db.ConsoleSession.token_sha256 == _sha(token)))
            self._audit.add(s, login=staff.login, staff=staff, action="logout")

    def staff(self, login: str) -> Staff | None:
        """An account by login (None: no such account)."""
        with self._platform.Session() as s:
            row = s.get(db.ConsoleStaff, login)
            return None if row is None else _staff(row)

    def open_sessions(self, login: str) -> int:
        """How many sessions of the account are stored (expired ones are purged at the next login)."""
        with self._platform.Session() as s:
            return len(s.scalars(select(db.ConsoleSession.token_sha256).where(db.ConsoleSession.login == login)).all())


