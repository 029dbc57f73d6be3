"""Console accounts over HTTP: login, lockout after 5 wrong passwords for 15 minutes, the session cookie, idle
timeout, logout, the CSRF token on every form, and every attempt in the 审计 page."""

from __future__ import annotations

import pytest
import requests

from sandbox.console.accounts import IDLE_TIMEOUT_S, LOCKOUT_S, MAX_FAILURES
from tests.helpers.sandbox_server import RunningSandbox
from tests.integration.console.conftest import PASSWORD, TZ_KIOSK, Browser, open_as

pytestmark = pytest.mark.integration


def test_a_login_sets_an_httponly_strict_cookie_and_opens_the_kiosk_list(gateway: RunningSandbox, browser: Browser) -> None:
    r = browser.get("/")
    assert r.url.endswith("/console/login") and "工作人员登录" in r.text
    r = browser.http.post(gateway.base_url + "/console/login", data={"login": "tz-wang", "password": PASSWORD},
                          allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["location"] == "/console/kiosks"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # served without TLS here (serve --behind-tls sets it)
    r = browser.get("/kiosks")
    assert "王股长（县级 天镇县）" in r.text and TZ_KIOSK in r.text
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert r.headers["cache-control"] == "no-store"


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(gateway: RunningSandbox, browser: Browser) -> None:
    assert gateway.clock is not None
    for attempt in range(1, MAX_FAILURES):
        r = browser.post("/login", {"login": "tz-wang", "password": f"wrong-{attempt}"}, csrf=False)
        assert r.status_code == 401 and "账号或密码不正确" in r.text
    r = browser.post("/login", {"login": "tz-wang", "password": "wrong-5"}, csrf=False)
    assert r.status_code == 401 and "已锁定" in r.text and "15分钟" in r.text
    r = browser.post("/login", {"login": "tz-wang", "password": PASSWORD}, csrf=False)
    assert r.status_code == 401 and "已锁定" in r.text, "the right password does not open a locked account"
    assert "console_session" not in browser.http.cookies

    gateway.clock.advance(LOCKOUT_S - 60)
    r = browser.post("/login", {"login": "tz-wang", "password": PASSWORD}, csrf=False)
    assert r.status_code == 401 and "请1分钟后再试" in r.text
    gateway.clock.advance(61)
    r = browser.post("/login", {"login": "tz-wang", "password": PASSWORD}, csrf=False)
    assert r.url.endswith("/console/kiosks") and "王股长" in r.text

    audit = open_as(gateway, "dt-li")  # the city sees its county's account being locked
    try:
        page = audit.get("/audit").text
        assert page.count("被拒绝") >= MAX_FAILURES + 2 and "密码错误" in page and "账号锁定中" in page
    finally:
        audit.http.close()


def test_failures_below_the_limit_are_forgotten_after_a_good_login(gateway: RunningSandbox, browser: Browser) -> None:
    for _ in range(MAX_FAILURES - 1):
        assert browser.post("/login", {"login": "tz-wang", "password": "nope-nope-1"}, csrf=False).status_code == 401
    assert browser.post("/login", {"login": "tz-wang", "password": PASSWORD}, csrf=False).url.endswith("/kiosks")
    browser.http.cookies.clear()
    for _ in range(MAX_FAILURES - 1):
        r = browser.post("/login", {"login": "tz-wang", "password": "nope-nope-2"}, csrf=False)
        assert "已锁定" not in r.text


def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(browser: Browser) -> None:
    unknown = browser.post("/login", {"login": "nobody", "password": "whatever-123"}, csrf=False)
    wrong = browser.post("/login", {"login": "tz-wang", "password": "whatever-123"}, csrf=False)
    assert unknown.status_code == wrong.status_code == 401
    assert "账号或密码不正确" in unknown.text and "账号或密码不正确" in wrong.text


def test_an_idle_session_ends_and_logout_ends_it_at_once(gateway: RunningSandbox, browser: Browser) -> None:
    assert gateway.clock is not None
    browser.login("tz-wang")
    gateway.clock.advance(IDLE_TIMEOUT_S - 120)
    assert browser.get("/kiosks").url.endswith("/kiosks"), "a request inside the idle limit keeps the session"
    gateway.clock.advance(IDLE_TIMEOUT_S - 120)
    assert browser.get("/kiosks").url.endswith("/kiosks"), "the idle limit counts from the last request"
    gateway.clock.advance(IDLE_TIMEOUT_S + 1)
    r = browser.get("/kiosks")
    assert "/console/login" in r.url and "已自动退出" in r.text

    browser.login("tz-wang")
    token = browser.http.cookies.get("console_session")
    r = browser.post("/logout", {})
    assert r.url.endswith("/console/login")
    browser.http.cookies.set("console_session", token, path="/console")  # the old cookie, replayed
    assert "/console/login" in browser.get("/kiosks").url


def test_a_form_without_the_sessions_csrf_token_changes_nothing(gateway: RunningSandbox, browser: Browser) -> None:
    assert gateway.platform is not None
    browser.login("tz-wang")
    r = browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"key": "maintenance_message", "value": "跨站请求"}, csrf=False)
    assert r.status_code == 403 and "页面已过期" in r.text
    r = browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"csrf": "x" * 43, "key": "maintenance_message", "value": "跨站"},
                     csrf=False)
    assert r.status_code == 403
    assert "maintenance_message" not in gateway.platform.kiosk_settings(TZ_KIOSK)
    r = browser.post("/logout", {}, csrf=False)
    assert r.status_code == 403 and "/kiosks" in browser.get("/kiosks").url, "logout needs the token too"


def test_many_attempts_from_one_address_are_stopped_before_any_password_is_checked(
        gateway: RunningSandbox, browser: Browser) -> None:
    """The lockout guards one account; one password tried on many accounts from one place is stopped by
    the per-address limit (fleet settings), counted in the database; another address is not affected."""
    assert gateway.clock is not None and gateway.platform is not None
    rule = gateway.platform.fleet.console_logins_per_address
    here, elsewhere = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.20"}

    def attempt(login: str, password: str, address: dict[str, str]) -> requests.Response:
        return browser.http.post(gateway.base_url + "/console/login", data={"login": login, "password": password},
                                 headers=address, timeout=10)

    for n in range(rule.limit):  # a different account each time: no single account reaches its lockout
        assert attempt(f"guess-{n:02d}", "Spring-2026!", here).status_code == 401
    r = attempt("tz-wang", PASSWORD, here)
    minutes = int(rule.window_s // 60)
    assert r.status_code == 429 and f"登录尝试太频繁，请{minutes}分钟后再试" in r.text, r.text[-400:]
    assert "console_session" not in browser.http.cookies

    assert attempt("tz-wang", PASSWORD, elsewhere).url.endswith("/console/kiosks")  # another office logs in
    browser.http.cookies.clear()
    gateway.clock.advance(rule.window_s + 1)
    assert attempt("tz-wang", PASSWORD, here).url.endswith("/console/kiosks")  # the window has passed

    audit = open_as(gateway, "sx-zhao")
    try:
        assert "同一地址登录尝试过多" in audit.get("/audit").text
    finally:
        audit.http.close()
