"""Fixtures of the fleet console tests: a seeded gateway with kiosks in two counties and console accounts.

`gateway` runs in a thread of the test process with a clock the test moves (lockout, idle timeout), on
SQLite and on the private PostgreSQL cluster. The browser test starts the gateway as production runs
it instead (tests/integration/console/test_console_browser.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sandbox.console.accounts import ConsoleAccounts
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.service import Platform
from tests.helpers.sandbox_server import RunningSandbox, threaded_sandbox

PASSWORD = "村村通-2026-console"
# login -> (role, area, display name)
ACCOUNTS = {
    "sx-zhao": ("province", "山西省", "赵处长"),
    "dt-li": ("city", "大同市", "李科长"),
    "tz-wang": ("county", "天镇县", "王股长"),
    "yg-zhang": ("county", "阳高县", "张股长"),
}
# another county's kiosk (the demo kiosks stand in 大同市 天镇县 玉泉镇)
OTHER_KIOSK = ("YG-LZ-01", "龙泉镇下神峪村就业社保服务点", "大同市", "阳高县", "龙泉镇")
TZ_KIOSK = "TZ-YQ-LJZ-01"


def console_accounts(platform: Platform) -> ConsoleAccounts:
    """The console's account store over a platform (with its audit trail)."""
    return ConsoleAccounts(platform, ConsoleAuditTrail(platform.Session, platform.clock))


def file_fault(platform: Platform, kiosk_id: str, category: str = "业务指导性问题") -> str:
    """A kiosk files a 问题反映 (a new one each call); its report number."""
    status, out = platform.fault_report(kiosk_id, {"idempotency_key": f"console-test-{uuid.uuid4().hex}",
                                                   "category": category, "description": "灵活就业人员参保口径不一",
                                                   "suggestion": "请统一口径"})
    assert status == 201
    return str(out["report_no"])


def add_accounts(platform: Platform) -> None:
    """The console accounts of ACCOUNTS, and the 阳高县 kiosk."""
    accounts = console_accounts(platform)
    for login, (role, area, name) in ACCOUNTS.items():
        accounts.add_staff(login, role, area, PASSWORD, name, city="大同市" if role == "county" else None)
    kiosk_id, name, city, county, town = OTHER_KIOSK
    platform.add_kiosk(kiosk_id, "0" * 64, name, city=city, county=county, town=town)


@pytest.fixture(params=["sqlite", "postgresql"])
def gateway(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningSandbox]:
    """A seeded gateway (demo kiosks, the 阳高县 kiosk, the console accounts) in a thread, with a settable clock."""
    if request.param == "postgresql":
        database: Path | str = request.getfixturevalue("postgres").create_database()
    else:
        database = tmp_path / "gateway.db"
    with threaded_sandbox(database) as running:  # type: ignore[arg-type]
        assert running.platform is not None
        add_accounts(running.platform)
        yield running


@dataclass
class Browser:
    """A requests session logged in to the console (or not), with the CSRF token of the last page read."""

    base: str
    http: requests.Session
    csrf: str = ""

    def get(self, path: str, **kwargs: object) -> requests.Response:
        r = self.http.get(self.base + "/console" + path, timeout=10, **kwargs)  # type: ignore[arg-type]
        found = re.search(r'name="csrf" value="([^"]*)"', r.text)
        if found:
            self.csrf = found.group(1)
        return r

    def post(self, path: str, data: dict[str, object], csrf: bool = True) -> requests.Response:
        body = {**({"csrf": self.csrf} if csrf else {}), **data}
        return self.http.post(self.base + "/console" + path, data=body, timeout=10)

    def login(self, login: str, password: str = PASSWORD) -> requests.Response:
        r = self.http.post(self.base + "/console/login", data={"login": login, "password": password}, timeout=10)
        self.get("/kiosks")
        return r


@pytest.fixture
def browser(gateway: RunningSandbox) -> Iterator[Browser]:
    with requests.Session() as http:
        yield Browser(gateway.base_url, http)


def open_as(gateway: RunningSandbox, login: str) -> Browser:
    """Another logged-in session (the caller closes b.http)."""
    b = Browser(gateway.base_url, requests.Session())
    r = b.login(login)
    assert r.url.endswith("/console/kiosks"), r.text[-500:]
    return b
