"""The console's pages: a FastAPI app of server-rendered HTML mounted under /console in the gateway's app.

Logged-in browsers carry an HttpOnly, SameSite=Strict session cookie (Secure behind TLS: the setting
`secure_cookie`); every form carries the session's CSRF token. Pages are Jinja2 templates with
autoescaping; no script runs in them (the Content-Security-Policy forbids it).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from sandbox.console.accounts import MAX_SESSION_S, ActiveSession, ConsoleAccounts, LoginRefused
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.console.faults import STATES as FAULT_STATES
from sandbox.console.faults import AnswerRefused, FaultDesk, ReportNotInScope, level_of
from sandbox.console.fleet import (
    PUSHABLE,
    SERVICE_GROUPS,
    STATES,
    Fleet,
    NotInScope,
    SettingRefused,
    check_setting,
)
from sandbox.console.messages import (
    ACTION_NAMES,
    DETAIL_NAMES,
    DEVICE_NAMES,
    ERRORS,
    FAULT_EVENT_NAMES,
    FAULT_STATE_NAMES,
    NOTICES,
    OUTBOX_NAMES,
    OUTCOME_NAMES,
    REASON_NAMES,
    ROLE_NAMES,
    ROLLOUT_GROUP_NAMES,
    ROLLOUT_STATE_NAMES,
    SETTING_NAMES,
    STATE_NAMES,
    UPDATE_OUTCOME_NAMES,
)
from sandbox.console.releases import NotProvince, ReleaseDesk, RolloutRefused
from sandbox.console.scope import Role
from sandbox.service import CHINA_TZ, Platform

log = logging.getLogger(__name__)

PREFIX = "/console"
COOKIE = "console_session"
MAX_FORM = 16_384
SECURE_COOKIE_ENV = "GATEWAY_CONSOLE_SECURE_COOKIE"  # "1": the console is served behind TLS
TEMPLATES = Path(__file__).with_name("templates")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class ConsoleSettings:
    """How the console is served: secure_cookie when a TLS proxy stands in front (the cookie's Secure flag)."""

    secure_cookie: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ConsoleSettings:
        return cls(secure_cookie=env.get(SECURE_COOKIE_ENV, "") == "1")


class FormTooLarge(ValueError):
    """A form body over MAX_FORM bytes."""


class _LoginNeeded(Exception):
    """No live session behind the request's cookie (expired: there was a cookie, now stale)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("login needed")
        self.expired = expired


class _FormRefused(Exception):
    """A POST refused before its handler runs (too large, CSRF mismatch): the page that says so."""

    def __init__(self, response: Response) -> None:
        super().__init__("form refused")
        self.response = response


@dataclass(frozen=True)
class _Posted:
    """A logged-in staff member's form, its CSRF token checked."""

    session: ActiveSession
    form: dict[str, list[str]]


def _when(ts: float | None) -> str:
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts, tz=CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def _iso_when(text: str | None) -> str:
    """An ISO 8601 time of the fault workflow (China time) as the pages show times."""
    if not text:
        return "—"
    try:
        return datetime.fromisoformat(text).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["iso_when"] = _iso_when
    env.globals.update(prefix=PREFIX, role_names=ROLE_NAMES, device_names=DEVICE_NAMES, state_names=STATE_NAMES,
                       setting_names=SETTING_NAMES, action_names=ACTION_NAMES, outcome_names=OUTCOME_NAMES,
                       detail_names=DETAIL_NAMES, reason_names=REASON_NAMES, outbox_names=OUTBOX_NAMES,
                       service_groups=SERVICE_GROUPS, fault_state_names=FAULT_STATE_NAMES,
                       fault_event_names=FAULT_EVENT_NAMES, rollout_state_names=ROLLOUT_STATE_NAMES,
                       rollout_group_names=ROLLOUT_GROUP_NAMES,
                       update_outcome_names=UPDATE_OUTCOME_NAMES)
    return env


def age_text(last_seen: float | None, now: float) -> str:
    """How long ago a kiosk last reported, in words."""
    if last_seen is None:
        return "从未上报"
    seconds = max(0, int(now - last_seen))
    if seconds < 60:
        return f"{seconds} 秒前"
    if seconds < 3600:
        return f"{seconds // 60} 分钟前"
    if seconds < 86400:
        return f"{seconds // 3600} 小时前"
    return f"{seconds // 86400} 天前"


async def read_form(request: Request) -> dict[str, list[str]]:
    """The urlencoded form of a POST, bounded in size (FormTooLarge)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            raise FormTooLarge()
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=100)


def _one(form: Mapping[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[0]


def create_console_app(platform: Platform, settings: ConsoleSettings | None = None) -> FastAPI:
    """The console's pages over one Platform (mounted at /console by sandbox.app.create_app)."""
    settings = settings or ConsoleSettings()
    audit = ConsoleAuditTrail(platform.Session, platform.clock)
    accounts = ConsoleAccounts(platform, audit)
    fleet = Fleet(platform, audit)
    desk = FaultDesk(platform, audit)
    releases = ReleaseDesk(platform, audit)
    env = _environment()
    app = FastAPI(title="fleet console", openapi_url=None, docs_url=None, redoc_url=None)

    def page(name: str, code: int = 200, session: ActiveSession | None = None, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(staff=session.staff if session else None,
                                             csrf=session.csrf_token if session else "", **context)
        return HTMLResponse(html, status_code=code, headers=SECURITY_HEADERS)

    def redirect(path: str, **query: str) -> RedirectResponse:
        target = PREFIX + path + ("?" + urlencode(query) if query else "")
        return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)

    def session_of(request: Request) -> ActiveSession | None:
        return accounts.session(request.cookies.get(COOKIE))

    def signed_in(request: Request) -> ActiveSession:
        """The dependency of every staff page: the live session, or off to the login page."""
        session = session_of(request)
        if session is None:
            raise _LoginNeeded(expired=bool(request.cookies.get(COOKIE)))
        return session

    async def staff_form(request: Request, session: ActiveSession = Depends(signed_in)) -> _Posted:
        """The dependency of every staff POST: the bounded form with its CSRF token checked."""
        try:
            form = await read_form(request)
        except FormTooLarge:
            raise _FormRefused(page("error.html", 413, session, message=ERRORS["form_too_large"])) from None
        if not secrets.compare_digest(_one(form, "csrf"), session.csrf_token):
            log.info("console form refused: CSRF token mismatch")
            raise _FormRefused(page("error.html", 403, session, message=ERRORS["csrf"]))
        return _Posted(session, form)

    @app.exception_handler(_LoginNeeded)
    def to_login(request: Request, exc: _LoginNeeded) -> Response:
        response = redirect("/login", **({"expired": "1"} if exc.expired else {}))
        if exc.expired:
            response.delete_cookie(COOKIE, path=PREFIX)
        return response

    @app.exception_handler(_FormRefused)
    def refused(request: Request, exc: _FormRefused) -> Response:
        return exc.response

    @app.get("/")
    def home(request: Request) -> Response:
        return redirect("/kiosks") if session_of(request) else redirect("/login")

    @app.get("/login")
    def login_form(request: Request, expired: str | None = None) -> Response:
        if session_of(request):
            return redirect("/kiosks")
        return page("login.html", error=ERRORS["session_expired"] if expired else None, login="")

    @app.post("/login")
    async def login(request: Request) -> Response:
        try:
            form = await read_form(request)
        except FormTooLarge:
            return page("login.html", 413, error=ERRORS["form_too_large"], login="")
        name = _one(form, "login")
        try:
            started = accounts.login(name, _one(form, "password"), request.client.host if request.client else "")
        except LoginRefused as exc:
            return page("login.html", exc.status, error=exc.message, login=name[:64])
        response = redirect("/kiosks")
        response.set_cookie(COOKIE, started.token, max_age=MAX_SESSION_S, path=PREFIX, httponly=True,
                            samesite="strict", secure=settings.secure_cookie)
        return response

    @app.post("/logout")
    def logout(request: Request, post: _Posted = Depends(staff_form)) -> Response:
        accounts.logout(request.cookies.get(COOKIE, ""), post.session.staff)
        response = redirect("/login")
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    @app.get("/kiosks")
    def kiosks(county: str = "", town: str = "", state: str = "", page_no: int = 1, session: ActiveSession = Depends(signed_in)) -> Response:
        state = state if state in STATES else ""
        listing = fleet.kiosks(session.staff, county=county or None, town=town or None, state=state or None,
                               page=page_no)
        now = platform.clock()
        query = {k: v for k, v in (("county", county), ("town", town), ("state", state)) if v}
        return page("kiosks.html", session=session, listing=listing, county=county, town=town, state=state,
                    ages={r.kiosk_id: age_text(r.last_seen, now) for r in listing.rows}, query=urlencode(query),
                    states=STATES, notice=None)

    def kiosk_page(session: ActiveSession, kiosk_id: str, status: int = 200, error: str | None = None,
                   notice: str | None = None) -> Response:
        try:
            detail = fleet.detail(session.staff, kiosk_id)
        except NotInScope:
            return page("error.html", 404, session, message=ERRORS["not_found"])
        wish = platform.rollouts.plan().settings_for(kiosk_id, detail.settings, detail.last_update or {}).get("update")
        return page("kiosk.html", status, session, detail=detail, age=age_text(detail.row.last_seen, platform.clock()),
                    wish=wish if isinstance(wish, Mapping) else None, error=error, notice=notice)

    @app.get("/kiosks/{kiosk_id}")
    def kiosk(kiosk_id: str, notice: str = "", session: ActiveSession = Depends(signed_in)) -> Response:
        return kiosk_page(session, kiosk_id, notice=NOTICES.get(notice))

    @app.post("/kiosks/{kiosk_id}/settings")
    def push(kiosk_id: str, post: _Posted = Depends(staff_form)) -> Response:
        session, form = post.session, post.form
        key = _one(form, "key")
        try:
            if key not in PUSHABLE:
                raise SettingRefused(ERRORS["unknown_setting"])
            raw = None if _one(form, "clear") else (form.get("services", []) if key == "enabled_services"
                                                     else _one(form, "value"))
            value = check_setting(key, raw)
            fleet.push(session.staff, kiosk_id, key, value)
        except SettingRefused as exc:
            return kiosk_page(session, kiosk_id, 400, error=str(exc))
        except NotInScope:
            return page("error.html", 404, session, message=ERRORS["not_found"])
        return redirect(f"/kiosks/{kiosk_id}", notice="pushed" if value is not None else "pushed_cleared")

    @app.get("/push")
    def push_county_form(session: ActiveSession = Depends(signed_in)) -> Response:
        counties = fleet.kiosks(session.staff).counties
        return page("push.html", session=session, counties=counties, county="", error=None, notice=None)

    @app.post("/push")
    def push_county(post: _Posted = Depends(staff_form)) -> Response:
        session, form = post.session, post.form
        county, key = _one(form, "county"), _one(form, "key")
        counties = fleet.kiosks(session.staff).counties
        try:
            if not county:
                raise SettingRefused(ERRORS["county_blank"])
            if key not in PUSHABLE:
                raise SettingRefused(ERRORS["unknown_setting"])
            raw = None if _one(form, "clear") else (form.get("services", []) if key == "enabled_services"
                                                     else _one(form, "value"))
            value = check_setting(key, raw)
            count = fleet.push_county(session.staff, county, key, value)
            if count == 0:
                raise SettingRefused(ERRORS["county_empty"].format(county=county[:40]))
        except SettingRefused as exc:
            return page("push.html", 400, session, counties=counties, county=county, error=str(exc), notice=None)
        except NotInScope:
            return page("push.html", 403, session, counties=counties, county=county,
                        error=ERRORS["county_not_yours"], notice=None)
        return page("push.html", session=session, counties=counties, county=county, error=None,
                    notice=NOTICES["pushed_county"].format(county=county, count=count))

    def faults_page(session: ActiveSession, state: str, code: int = 200, error: str | None = None,
                    notice: str | None = None, report_no: str = "") -> Response:
        state = state if state in FAULT_STATES else "open"
        return page("faults.html", code, session, reports=desk.reports(session.staff, state), state=state,
                    states=FAULT_STATES, my_level=level_of(session.staff), error=error, notice=notice,
                    report_no=report_no, today=platform.today().isoformat())

    @app.get("/faults")
    def faults(state: str = "open", notice: str = "", session: ActiveSession = Depends(signed_in)) -> Response:
        return faults_page(session, state, notice=NOTICES.get(notice))

    @app.post("/faults/{report_no}/answer")
    def answer(report_no: str, post: _Posted = Depends(staff_form)) -> Response:
        session, form = post.session, post.form
        try:
            desk.answer(session.staff, report_no, _one(form, "response"), _one(form, "deadline"))
        except AnswerRefused as exc:
            return faults_page(session, "open", 400, error=str(exc), report_no=report_no)
        except ReportNotInScope:
            return page("error.html", 404, session, message=ERRORS["report_not_found"])
        return redirect("/faults", state="answered", notice="answered")

    @app.post("/faults/{report_no}/forward")
    def forward(report_no: str, post: _Posted = Depends(staff_form)) -> Response:
        session, form = post.session, post.form
        try:
            desk.forward(session.staff, report_no, _one(form, "note"))
        except AnswerRefused as exc:
            return faults_page(session, "open", 400, error=str(exc), report_no=report_no)
        except ReportNotInScope:
            return page("error.html", 404, session, message=ERRORS["report_not_found"])
        return redirect("/faults", state="escalated", notice="forwarded")

    def releases_page(session: ActiveSession, code: int = 200, error: str | None = None,
                      notice: str | None = None) -> Response:
        return page("releases.html", code, session, views=releases.view(session.staff),
                    steering=session.staff.role is Role.PROVINCE, error=error, notice=notice)

    @app.get("/releases")
    def releases_list(notice: str = "", session: ActiveSession = Depends(signed_in)) -> Response:
        return releases_page(session, notice=NOTICES.get(notice))

    def release_change(session: ActiveSession, change: Callable[[], object], notice: str) -> Response:
        try:
            change()
        except NotProvince as exc:
            return releases_page(session, 403, error=str(exc))
        except RolloutRefused as exc:
            return releases_page(session, 400, error=str(exc))
        return redirect("/releases", notice=notice)

    @app.post("/releases")
    def release_add(post: _Posted = Depends(staff_form)) -> Response:
        staff, form = post.session.staff, post.form
        return release_change(post.session, lambda: releases.add_release(
            staff, _one(form, "version"), _one(form, "notes")), "release_added")

    @app.post("/releases/{version}/{action}")
    def rollout_action(version: str, action: str, post: _Posted = Depends(staff_form)) -> Response:
        staff, form = post.session.staff, post.form
        return release_change(post.session, lambda: releases.act(
            staff, action, version, percent=_one(form, "percent"), county=_one(form, "county"),
            kiosk=_one(form, "kiosk")), "rollout_done")

    @app.get("/audit")
    def audit_page(session: ActiveSession = Depends(signed_in)) -> Response:
        return page("audit.html", session=session, entries=audit.entries(session.staff))

    return app


def console_settings() -> ConsoleSettings:
    """The settings of this process (the worker processes inherit the environment of `serve`)."""
    return ConsoleSettings.from_env(os.environ)


