"""The console's command line: the first account from a password on standard input, kiosks registered with
their area, and `serve --behind-tls` giving the session cookie its Secure flag."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.helpers.ports import free_port
from tests.helpers.sandbox_server import PROJECT_ROOT, run_cli

pytestmark = pytest.mark.integration

PASSWORD = "省专班-初始密码-01"


def _cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sandbox", "--db", str(db), *args], cwd=PROJECT_ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})


def test_the_first_account_and_an_area_kiosk_from_the_command_line_behind_tls(tmp_path: Path) -> None:
    db = tmp_path / "gateway.db"
    short = _cli(db, "add-console-staff", "sx-admin", "--role", "province", "--area", "山西省", stdin="short\n")
    assert short.returncode == 1 and "密码至少10位" in short.stderr
    made = _cli(db, "add-console-staff", "sx-admin", "--role", "province", "--area", "山西省", "--name", "省专班管理员",
                stdin=PASSWORD + "\n")
    assert made.returncode == 0 and "已建立控制台账号 sx-admin" in made.stdout, made.stderr
    assert PASSWORD not in made.stdout + made.stderr
    county = ["add-console-staff", "yg-zhang", "--role", "county", "--area", "阳高县"]
    cityless = _cli(db, *county, stdin=PASSWORD + "\n")
    assert cityless.returncode == 1 and "--city" in cityless.stderr  # county names repeat across cities
    assert _cli(db, *county, "--city", "大同市", stdin=PASSWORD + "\n").returncode == 0
    added = run_cli(db, "add-kiosk", "SX-DT-YG-0001", "--name", "龙泉镇服务点", "--city", "大同市", "--county", "阳高县",
                    "--town", "龙泉镇")
    assert added.returncode == 0, added.stderr

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "sandbox", "--db", str(db), "--port", str(port), "--seed", "nothing",
                               "--log-level", "warning", "serve", "--behind-tls"], cwd=PROJECT_ROOT,
                              env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, server.stderr.read().decode(errors="replace") if server.stderr else ""
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.1)
        r = requests.post(base + "/console/login", data={"login": "sx-admin", "password": PASSWORD},
                          allow_redirects=False, timeout=10)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie
        # requests keeps a Secure cookie to https only: send it back by hand, as the TLS proxy would pass it on
        token = cookie.split(";")[0].split("=", 1)[1]
        page = requests.get(base + "/console/kiosks", cookies={"console_session": token}, timeout=10).text
        assert "省专班管理员（省级 山西省）" in page and "SX-DT-YG-0001" in page and "龙泉镇" in page
    finally:
        server.terminate()
        server.wait(10)
        if server.stderr:
            server.stderr.close()

    again = _cli(db, "add-console-staff", "sx-admin", "--role", "province", "--area", "山西省", stdin="另一个初始密码-0002\n")
    assert again.returncode == 0 and "密码已重设" in again.stdout
