"""`python -m sandbox` as a demo runs it: a separate process, and the CLI playing reviewer and task force."""

from __future__ import annotations

import json
import statistics
import time
import uuid

import pytest
import requests

from kiosk.platform import (
    EsscRejected,
    FaultReportDraft,
    HeartbeatReport,
    PlatformClient,
    Submission,
    load_credentials,
)
from tests.helpers.sandbox_server import PROJECT_ROOT, run_cli, subprocess_sandbox

pytestmark = pytest.mark.integration


def test_the_demo_server_and_its_cli_share_one_database(tmp_path):
    db = tmp_path / "demo.db"
    with subprocess_sandbox(db) as sb:
        creds = load_credentials(PROJECT_ROOT / "config" / "demo-credentials.toml", env={})
        client = PlatformClient.from_credentials(sb.base_url, creds)

        token = run_cli(db, "essc-token", "P0001")
        assert token.returncode == 0, token.stderr
        session = client.login_essc(token.stdout.strip())
        with pytest.raises(EsscRejected):
            client.login_essc(token.stdout.strip())

        case = client.submit(Submission("cli-" + uuid.uuid4().hex, "flexible_employment_registration",
                                        "2025-03-01T09:00:00+08:00", "140222197503150011", "李建军",
                                        {"employment_type": "个体经营", "start_date": "2025-02-01"}))
        out = run_cli(db, "review", case.case_no, "--reject", "请补充经营地址")
        assert out.returncode == 0, out.stderr
        [mine] = [c for c in client.my_cases(session.token) if c.case_no == case.case_no]
        assert (mine.status, mine.reason) == ("REJECTED", "请补充经营地址")
        assert run_cli(db, "review", case.case_no, "--approve").returncode == 1  # already reviewed

        report = client.report_fault(FaultReportDraft("cli-" + uuid.uuid4().hex, "系统性问题", "读卡慢", "请优化"))
        assert run_cli(db, "answer-fault", report.report_no, "已列入下个版本", "--deadline", "2025-04-01").returncode == 0
        answered = {r.report_no: r for r in client.fault_reports()}[report.report_no]
        assert (answered.response, answered.deadline) == ("已列入下个版本", "2025-04-01")

        assert run_cli(db, "push-setting", "TZ-YQ-LJZ-01", "enabled_services", '["1","2","3"]').returncode == 0
        assert client.heartbeat(HeartbeatReport("0.1.0", 5, 1000)).enabled_services == ("1", "2", "3")
        kiosks = json.loads(run_cli(db, "kiosks").stdout)
        assert next(k for k in kiosks if k["kiosk_id"] == "TZ-YQ-LJZ-01")["last_heartbeat"]["app_version"] == "0.1.0"

        cursor = client.fetch_feed("gig_jobs", limit=1000).next_cursor
        assert run_cli(db, "touch-job", "gj-00001", "--feed", "gig_jobs", "--set", "daily_wage_max=260").returncode == 0
        assert run_cli(db, "touch-job", "fj-00001", "--delete").returncode == 0
        [changed] = client.fetch_feed("gig_jobs", cursor).items
        assert changed.id == "gj-00001" and changed.fields["daily_wage_max"] == 260


def test_the_cli_refuses_a_non_loopback_host(tmp_path):
    out = run_cli(tmp_path / "x.db", "--host", "0.0.0.0")
    assert out.returncode == 2 and "127.0.0.1" in out.stderr


def test_a_kept_alive_connection_gets_its_replies_without_a_delayed_ack_wait(sandbox):
    """Every reply used to wait ~40 ms (Nagle against the client's delayed ACK) on a kept-alive connection."""
    with requests.Session() as session:
        session.get(sandbox.base_url + "/v1/time", timeout=5)
        took = []
        for _ in range(15):
            started = time.perf_counter()
            assert session.get(sandbox.base_url + "/v1/time", timeout=5).status_code == 200
            took.append(time.perf_counter() - started)
    assert statistics.median(took) < 0.025, took
