"""The gateway's command line on a production database: register a kiosk, serve without demo data."""

from __future__ import annotations

import json

import pytest

from sandbox.db import make_engine
from sandbox.service import Platform
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, run_cli

pytestmark = pytest.mark.integration


def test_add_kiosk_prints_a_fresh_secret_the_gateway_then_checks(database: str) -> None:
    done = run_cli(database, "add-kiosk", "SX-DT-TZ-0001", "--name", "逯家湾村服务点")  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["kiosk_id"] == "SX-DT-TZ-0001" and len(printed["secret"]) == 64
    again = json.loads(run_cli(database, "add-kiosk", "SX-DT-TZ-0001").stdout)  # type: ignore[arg-type]
    assert again["secret"] != printed["secret"]  # re-keyed
    platform = Platform(make_engine(db_path=database))
    try:
        assert platform.secret_for("SX-DT-TZ-0001") == again["secret"]
        assert platform.secret_for(DEMO_KIOSK_ID) is None  # no demo kiosk with its published secret
        assert printed["secret"] not in done.stderr
    finally:
        platform.engine.dispose()
